"""Shared by the benchmarks: run the qixin CLI on a private data directory, and time things."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The child reports its own peak resident memory (KB) on stderr when it exits.
QIXIN = [
    sys.executable,
    "-c",
    "import resource, sys\n"
    "try:\n    from qixin.cli import main; main()\n"
    "finally:\n    print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)",
]


def environment(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env |= {
        "QIXIN_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "qixin.settings.dev",
        "DEBUG": "0",  # as in production: no SQL query log kept in memory
        "PYTHONPATH": str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", ""),
    }
    env.pop("DATABASE_URL", None)
    return env


def start_django(data_dir: Path) -> None:
    """Start Django in this process on `data_dir`, as the server starts (qixin.wsgi: all loaded, then
    gc.freeze()), with DEBUG off and any host allowed for the test client."""
    import importlib
    import warnings

    os.environ.update(environment(data_dir))
    sys.path.insert(0, str(ROOT / "src"))
    import django

    warnings.filterwarnings("ignore", message="No directory at")  # static files are not collected here
    django.setup()
    importlib.import_module("qixin.wsgi")
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]


def qixin(data_dir: Path, *args: str) -> tuple[float, int, str]:
    """Run `qixin ARGS` in a child process: (seconds, peak resident memory of the child in MB, output).

    Prints the child's CPU time too: on a busy machine the wall-clock time includes waiting for a core.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [*QIXIN, *args], env=environment(data_dir), capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"qixin {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"  (qixin {args[0]}: {elapsed:.1f} s wall clock, {cpu:.1f} s CPU)")
    peak_kb = int(done.stderr.rsplit("MAXRSS", 1)[1].split()[0])
    return elapsed, peak_kb // 1024, done.stdout


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def machine_speed(rounds: int = 7) -> str:
    """How fast this machine runs a fixed piece of Python right now (shared virtual machines vary by
    up to 2x from minute to minute): read the figures of a run against it."""
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i * i
        samples.append(time.perf_counter() - started)
    p50, _ = percentiles(samples)
    return f"a fixed loop of 1,000,000 steps: best {min(samples) * 1000:.0f} ms, median {p50:.0f} ms"
