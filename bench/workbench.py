"""p50/p95 of the home page (工作台) of each demo role at `vw` scale, and its queries.

Target on a 2-core machine: the home page under 150 ms p95 for every role.

    .venv/bin/python bench/workbench.py [--requests 60] [--keep DIR]

Seeds a fresh SQLite database with `qixin seed-demo --scale vw` (in its own process; `--keep DIR`
reuses one, as bench_pages.py and bench_reports.py do), then requests the home page as each demo login
(系统管理员, 党务工作者, 支部书记, 党员, 员工: the first five accounts, as `qixin seed-demo` lists them)
through Django's test client in this process, with DEBUG off as in production, and reports
server-side times, the number of queries of one request, and each role's items.

Twice: "kept", as a reader who opens the page again finds it (the costly items are kept under the data
versions, core.versions, until the tables they read are written to), and "computed", with the kept
items thrown away before each request, as the first reader after any write finds it.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _support import machine_speed, percentiles, qixin, start_django

TARGET_MS = 150


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--keep", type=Path, help="keep (or reuse) the seeded data directory here")
    args = parser.parse_args()
    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="qixin-bench-workbench-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    if not (data_dir / "qixin.sqlite3").exists():
        qixin(data_dir, "manage", "migrate", "--verbosity", "0")
        seconds, peak_mb, _ = qixin(data_dir, "seed-demo", "--scale", "vw")
        print(f"seed-demo --scale vw: {seconds:.1f} s, peak memory {peak_mb} MB")

    start_django(data_dir)
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client

    from qixin.core.models import User
    from qixin.core.workbench import workbench_for
    from qixin.orgs.models import Organization
    from qixin.people.models import Membership

    print(
        f"data: {Organization.objects.count()} organizations, "
        f"{Membership.objects.filter(ended_on__isnull=True).count()} current members"
    )
    print(f"machine: {machine_speed()}")
    # The demo's logins, in the order `qixin seed-demo` prints them (its first five accounts).
    roles = ["系统管理员", "党务工作者", "支部书记", "党员", "员工"]
    users = list(User.objects.exclude(username="system").order_by("id")[: len(roles)])
    worst = {"kept": 0.0, "computed": 0.0}
    for role, user in zip(roles, users, strict=True):
        client = Client()
        client.force_login(user)
        response = client.get("/")
        assert response.status_code == 200, (role, response.status_code)
        queries: list[str] = []

        def counted(execute, sql, *rest, queries=queries):  # type: ignore[no-untyped-def]
            queries.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(counted):
            client.get("/")
        print(f"{role}（{user.username}）: {len(queries)} queries")
        for how in ("kept", "computed"):
            samples = []
            for _ in range(args.requests):
                if how == "computed":
                    caches["versioned"].clear()
                started = time.perf_counter()
                client.get("/")
                samples.append(time.perf_counter() - started)
            p50, p95 = percentiles(samples)
            worst[how] = max(worst[how], p95)
            print(f"    {how:8s} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
        for section in workbench_for(User.objects.get(pk=user.pk)):
            shown = "；".join(f"{item.label} {item.count}" for item in section.items)
            print(f"    [{section.label}] {shown}")
    print(f"machine: {machine_speed()}")
    for how, p95 in worst.items():
        verdict = "met" if p95 < TARGET_MS else "MISSED"
        print(
            f"target: home page ({how}) < {TARGET_MS} ms p95 for every role: {verdict} (worst p95 {p95:.1f} ms)"
        )


if __name__ == "__main__":
    main()
