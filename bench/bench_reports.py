"""The dashboard and `qixin report summary` for the whole committee at `vw` scale.

Targets on a 2-core machine: the dashboard under 300 ms p95; `report summary` under 1 s.

    .venv/bin/python bench/bench_reports.py [--requests 30] [--keep DIR]

The dashboard is requested as the demo party worker through Django's test client (server-side time,
DEBUG off); `qixin report summary` is run as a command, start-up included, and its in-process part
(computing every metric and the narrative) is timed on its own as well.
"""

from __future__ import annotations

import argparse
import compileall
import importlib
import os
import sys
import tempfile
import time
import warnings
from datetime import date
from pathlib import Path

from _support import ROOT, environment, machine_speed, percentiles, qixin

FIRST, LAST = "2026-01-01", "2026-10-31"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--keep", type=Path, help="keep (or reuse) the seeded data directory here")
    args = parser.parse_args()
    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="qixin-bench-reports-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    if not (data_dir / "qixin.sqlite3").exists():
        qixin(data_dir, "manage", "migrate", "--verbosity", "0")
        qixin(data_dir, "seed-demo", "--scale", "vw")

    os.environ.update(environment(data_dir))
    sys.path.insert(0, str(ROOT / "src"))
    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    importlib.import_module("qixin.wsgi")  # start-up as the server does it: all loaded, then gc.freeze()
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from qixin.core.models import User
    from qixin.orgs.models import Organization
    from qixin.reports import selectors

    settings.ALLOWED_HOSTS = ["*"]
    committee = Organization.objects.filter(depth=1).order_by("path").first()
    if committee is None:
        raise SystemExit("the database holds no organization: seed it first")
    worker = User.objects.get(username="dangwu")

    print(f"machine speed before: {machine_speed()}")
    client = Client()
    client.force_login(worker)
    url = reverse("reports:dashboard") + f"?org={committee.code}&from={FIRST}&to={LAST}"
    assert client.get(url).status_code == 200
    samples = []
    for _ in range(args.requests):
        started = time.perf_counter()
        client.get(url)
        samples.append(time.perf_counter() - started)
    p50, p95 = percentiles(samples)
    print(
        f"dashboard, {committee.name}, {FIRST}..{LAST}: p50 {p50:.0f} ms, p95 {p95:.0f} ms "
        f"(target < 300 ms: {'met' if p95 < 300 else 'MISSED'})"
    )

    period = selectors.period_from(date.fromisoformat(FIRST), date.fromisoformat(LAST))
    inner = []
    for _ in range(10):
        started = time.perf_counter()
        selectors.summary_for(actor=worker, org=committee, period=period)
        inner.append(time.perf_counter() - started)
    p50, p95 = percentiles(inner)
    print(f"summary_for (every metric and the narrative): p50 {p50:.0f} ms, p95 {p95:.0f} ms")

    # A command runs from compiled bytecode on any installation that has run it once; this sandbox
    # sets PYTHONDONTWRITEBYTECODE, which would make every run compile all of Qixin again.
    compileall.compile_dir(ROOT / "src", quiet=1)
    runs = [
        qixin(
            data_dir,
            "report",
            "summary",
            "--org",
            committee.code,
            "--from",
            FIRST,
            "--to",
            LAST,
            "--format",
            "json",
            "--as",
            "dangwu",
        )[0]
        for _ in range(5)
    ]
    best, worst = min(runs), max(runs)
    print(
        f"qixin report summary (a new process each time): best {best:.2f} s, worst {worst:.2f} s "
        f"(target < 1 s: {'met' if worst < 1 else 'MISSED'})"
    )
    print(f"machine speed after: {machine_speed()}")


if __name__ == "__main__":
    main()
