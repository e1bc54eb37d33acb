"""Benchmark: the compliance page of the whole `vw` committee (297 branches and their party groups).

Target: under 200 ms p95 per page, a bounded number of queries.

    QIXIN_DATA_DIR=/tmp/qx-vw .venv/bin/qixin seed-demo --scale vw
    QIXIN_DATA_DIR=/tmp/qx-vw .venv/bin/python bench/bench_life_compliance.py [rounds]
"""

from __future__ import annotations

import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qixin.settings.dev")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from qixin.core.models import User  # noqa: E402
from qixin.core.periods import Period  # noqa: E402
from qixin.life import selectors  # noqa: E402
from qixin.orgs.models import Organization, OrgKind  # noqa: E402


def main(rounds: int = 30) -> None:
    root = Organization.objects.filter(depth=1, kind=OrgKind.COMMITTEE).order_by("path").first()
    assert root is not None, "load the vw demo data first"
    user = User.objects.get(username="dangwu")
    branches = Organization.objects.filter(path__startswith=root.path, kind=OrgKind.BRANCH).count()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = f"/life/org/{root.pk}/compliance/"
    client.get(url)  # warm up
    page_times, selector_times, page_cpu = [], [], []
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    for _ in range(rounds):
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        page_times.append((time.perf_counter() - started) * 1000)
        page_cpu.append((time.process_time() - cpu) * 1000)
        started = time.perf_counter()
        report = selectors.compliance_for(actor=user, org=root, period=Period.inclusive(*_year()))
        selector_times.append((time.perf_counter() - started) * 1000)

    def p95(values: list[float]) -> float:
        return sorted(values)[max(0, round(len(values) * 0.95) - 1)]

    print(f"{root.name}：{branches}个党支部，统计行{len(report.rows)}行，未达标{len(report.behind_rows)}行")
    print(f"页面 {url}：{len(queries)} 次查询，{len(response.content) // 1024} KB")
    print(f"页面用时 p50 {statistics.median(page_times):.0f} ms，p95 {p95(page_times):.0f} ms（{rounds}次）")
    print(
        f"页面 CPU 时间 p50 {statistics.median(page_cpu):.0f} ms，p95 {p95(page_cpu):.0f} ms（机器繁忙时以此为准）"
    )
    print(
        f"compliance_for 用时 p50 {statistics.median(selector_times):.0f} ms，p95 {p95(selector_times):.0f} ms"
    )


def _year() -> tuple[object, object]:
    from datetime import date

    from django.utils import timezone

    today = timezone.localdate()
    return date(today.year, 1, 1), date(today.year, 12, 31)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
