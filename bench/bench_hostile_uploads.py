"""Hostile uploads through `qixin import people`: each must be refused within 2 s and under 200 MB of
extra memory.

    .venv/bin/python bench/bench_hostile_uploads.py [--keep DIR]

Each file (made by tests/hostile_files.py: a sheet with cells at A1 and XFD1048576, a zip bomb of
1 GB, one whose zip directory lies about its size, ten million csv rows in 20 MB, a cell of a
megabyte in csv and in xlsx, a PNG named .xlsx, a zip of random files named .xlsx, a PNG named
.csv) is imported as the system account in a fresh process, on a migrated empty database. The wall
time and the child's peak resident memory are measured; "extra" is the peak less that of the same
command on a two-line csv (the interpreter, Django and the apps).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _support import ROOT, environment, qixin

sys.path.insert(0, str(ROOT))

from tests import hostile_files as hostile  # the repository root, added above


def cases(headers: list[str]) -> dict[str, Callable[[], bytes]]:
    return {
        "sparse.xlsx": lambda: hostile.sparse_xlsx(),
        "sparse-cells.xlsx": lambda: hostile.sparse_xlsx(headers, declared=False),
        "bomb.xlsx": lambda: hostile.zip_bomb(),
        "lying-bomb.xlsx": lambda: hostile.zip_bomb(declared=64 * 1024),
        "rows.csv": lambda: hostile.many_rows_csv(headers),
        "cell.csv": lambda: hostile.big_cell_csv(headers),
        "cell.xlsx": lambda: hostile.big_cell_xlsx(headers),
        "picture.xlsx": hostile.png,
        "archive.xlsx": hostile.random_zip,
        "picture.csv": hostile.png,
    }


# The child reports its own peak (VmHWM) when it exits. Not getrusage's ru_maxrss: Linux keeps that
# across fork and exec, so a child would report this process's size if it was larger.
QIXIN = [
    sys.executable,
    "-c",
    "import re, sys\n"
    "try:\n    from qixin.cli import main; main()\n"
    "finally:\n    print('MAXRSS', re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1], file=sys.stderr)",
]


def run(data_dir: Path, path: Path) -> tuple[float, int, int, str]:
    """(seconds, peak MB, exit code, last line of the error output) of `qixin import people PATH`."""
    started = time.perf_counter()
    done = subprocess.run(
        [*QIXIN, "import", "people", str(path)],
        env=environment(data_dir),
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    err, _, peak = done.stderr.rpartition("MAXRSS")
    lines = [line for line in err.strip().splitlines() if line.strip()]
    return elapsed, int(peak.split()[0]) // 1024, done.returncode, lines[-1] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", type=Path, help="keep the data directory here")
    args = parser.parse_args()
    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="qixin-bench-hostile-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    if not (data_dir / "qixin.sqlite3").exists():
        qixin(data_dir, "manage", "migrate", "--verbosity", "0")
    files = data_dir / "files"
    files.mkdir(exist_ok=True)
    baseline_file = files / "baseline.csv"
    baseline_file.write_bytes(hostile.csv_bytes([["工号"], ["QX1"]]))
    _s, baseline, _code, _line = run(data_dir, baseline_file)
    print(f"baseline (a two-line csv refused for its header): peak {baseline} MB")
    print(f"{'file':<18} {'size':>9} {'wall':>7} {'peak':>7} {'extra':>7}  exit  answer")
    worst_time = worst_extra = 0.0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qixin.settings.dev")
    os.environ["QIXIN_DATA_DIR"] = str(data_dir)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from qixin.people.importers import HEADERS

    for name, make in cases(HEADERS).items():
        path = files / name
        path.write_bytes(make())
        seconds, peak, code, answer = run(data_dir, path)
        extra = peak - baseline
        worst_time, worst_extra = max(worst_time, seconds), max(worst_extra, extra)
        size = f"{path.stat().st_size / 1024:.0f} KB"
        print(f"{name:<18} {size:>9} {seconds:>6.2f}s {peak:>5} MB {extra:>4} MB  {code:>4}  {answer[:90]}")
    print(
        f"targets: each within 2 s ({'met' if worst_time < 2 else 'MISSED'}, slowest {worst_time:.2f} s), "
        f"under 200 MB extra ({'met' if worst_extra < 200 else 'MISSED'}, most {worst_extra:.0f} MB)"
    )


if __name__ == "__main__":
    main()
