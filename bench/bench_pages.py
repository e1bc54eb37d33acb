"""p50/p95 of the member list and the organization page at `vw` scale, and the time to seed it.

Targets on a 2-core machine: pages under 100 ms p95; `qixin seed-demo --scale vw` under 60 s.

    .venv/bin/python bench/bench_pages.py [--requests 60] [--keep DIR]

Seeds a fresh SQLite database with `qixin seed-demo --scale vw` (timed, in its own process), then
requests each page as the demo party worker (党务工作者, whose scope is the whole committee) through
Django's test client in this process, with DEBUG off as in production, and reports server-side times.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _support import percentiles, qixin, start_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--keep", type=Path, help="keep (or reuse) the seeded data directory here")
    args = parser.parse_args()
    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="qixin-bench-pages-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    if not (data_dir / "qixin.sqlite3").exists():
        qixin(data_dir, "manage", "migrate", "--verbosity", "0")
        seconds, peak_mb, _ = qixin(data_dir, "seed-demo", "--scale", "vw")
        verdict = "met" if seconds < 60 else "MISSED"
        print(f"seed-demo --scale vw: {seconds:.1f} s (target < 60 s: {verdict}), peak memory {peak_mb} MB")

    start_django(data_dir)
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from qixin.core.models import User
    from qixin.orgs.models import Organization, OrgKind
    from qixin.people.models import Membership

    client = Client()
    client.force_login(User.objects.get(username="dangwu"))
    busiest = (
        Organization.objects.filter(kind=OrgKind.BRANCH, dissolved_on__isnull=True)
        .annotate(n=Count("memberships"))
        .order_by("-n")
        .first()
    )
    committee = Organization.objects.filter(depth=1).first()
    if busiest is None or committee is None:
        raise SystemExit("the database holds no branch: seed it first")
    print(
        f"data: {Organization.objects.count()} organizations, "
        f"{Membership.objects.filter(ended_on__isnull=True).count()} current members; "
        f"busiest branch {busiest.name} ({busiest.n} members)"
    )
    pages = {
        "member list": reverse("people:list"),
        "member list, pinyin search": reverse("people:list") + "?q=zw",
        "member list, last page": reverse("people:list") + "?page=last",
        "organization page (busiest branch)": reverse("orgs:detail", args=[busiest.pk]),
        "organization page (the committee)": reverse("orgs:detail", args=[committee.pk]),
    }
    worst = 0.0
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        samples = []
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - started)
        p50, p95 = percentiles(samples)
        worst = max(worst, p95)
        print(f"{name:40s} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    print(f"target: pages < 100 ms p95: {'met' if worst < 100 else 'MISSED'} (worst p95 {worst:.1f} ms)")


if __name__ == "__main__":
    main()
