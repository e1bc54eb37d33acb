"""The dashboard and `qixin report summary` for the whole committee at `vw` scale.

Targets on a 2-core machine: the dashboard under 300 ms p95; `report summary` under 1 s.

    .venv/bin/python bench/bench_reports.py [--requests 30] [--keep DIR]

The dashboard is requested as the demo party worker through Django's test client (server-side time,
DEBUG off); `qixin report summary` is run as a command, start-up included, and its in-process part
(computing every metric and the narrative) is timed on its own as well. Each is timed in three states
of the figures kept under the data versions (qixin.core.versions): data unchanged since the figures
were computed, one meeting recorded since, and nothing kept at all.
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
from collections.abc import Callable
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
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from qixin.core import versions
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
    period = selectors.period_from(date.fromisoformat(FIRST), date.fromisoformat(LAST))
    kept = caches[versions.CACHE]

    def life_write() -> None:
        """What recording a meeting does to the versions: life's figures must be computed again."""
        with connection.cursor() as cursor:
            cursor.execute("UPDATE life_meeting SET id = id WHERE id = (SELECT MIN(id) FROM life_meeting)")

    # Three states of the figures a page asks for (qixin.core.versions keeps them per data version):
    # - unchanged: nothing was written since they were last computed (the cache has them all);
    # - after a meeting: one meeting was recorded, so life's figures (the costliest) are computed again;
    # - nothing kept: every figure computed (first view of the day, or the cache emptied).
    def unchanged() -> None:
        pass

    states: list[tuple[str, Callable[[], None]]] = [
        ("unchanged", unchanged),
        ("after a meeting", life_write),
        ("nothing kept", kept.clear),
    ]
    for name, before in states:
        assert client.get(url).status_code == 200
        samples = []
        for _ in range(args.requests):
            before()
            started = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - started)
        p50, p95 = percentiles(samples)
        print(
            f"dashboard, {committee.name}, {FIRST}..{LAST}, {name}: p50 {p50:.0f} ms, p95 {p95:.0f} ms "
            f"(target < 300 ms: {'met' if p95 < 300 else 'MISSED'})"
        )
    for name, before in states:
        selectors.summary_for(actor=worker, org=committee, period=period)
        inner = []
        for _ in range(10):
            before()
            started = time.perf_counter()
            selectors.summary_for(actor=worker, org=committee, period=period)
            inner.append(time.perf_counter() - started)
        p50, p95 = percentiles(inner)
        print(f"summary_for (every metric and the narrative), {name}: p50 {p50:.0f} ms, p95 {p95:.0f} ms")

    # A command runs from compiled bytecode on any installation that has run it once; this sandbox
    # sets PYTHONDONTWRITEBYTECODE, which would make every run compile all of Qixin again.
    compileall.compile_dir(ROOT / "src", quiet=1)
    command = ["report", "summary", "--org", committee.code, "--from", FIRST, "--to", LAST]
    command += ["--format", "json", "--as", "dangwu"]
    for name, before in states:
        qixin(data_dir, *command)
        runs = []
        for _ in range(5):
            before()
            runs.append(qixin(data_dir, *command)[0])
        best, worst = min(runs), max(runs)
        print(
            f"qixin report summary (a new process each time), {name}: best {best:.2f} s, worst {worst:.2f} s "
            f"(target < 1 s: {'met' if worst < 1 else 'MISSED'})"
        )
    print(f"machine speed after: {machine_speed()}")


if __name__ == "__main__":
    main()
