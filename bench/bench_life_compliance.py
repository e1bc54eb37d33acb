"""Benchmark: the compliance page of the whole `vw` committee (297 branches and their party groups).

Target: under 200 ms p95 per page, a bounded number of queries.

    QIXIN_DATA_DIR=/tmp/qx-vw .venv/bin/qixin seed-demo --scale vw
    QIXIN_DATA_DIR=/tmp/qx-vw .venv/bin/python bench/bench_life_compliance.py [rounds] [--freeze]

The slowest requests are the ones during which Python runs a full garbage collection of the whole
process (about 110 ms here). `--freeze` calls gc.freeze() after start-up, as a gunicorn master can
before it forks its workers, so that those collections skip the objects loaded at start-up.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

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


def main(rounds: int = 30, freeze: bool = False) -> None:
    root = Organization.objects.filter(depth=1, kind=OrgKind.COMMITTEE).order_by("path").first()
    assert root is not None, "load the vw demo data first"
    user = User.objects.get(username="dangwu")
    branches = Organization.objects.filter(path__startswith=root.path, kind=OrgKind.BRANCH).count()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = f"/life/org/{root.pk}/compliance/"
    client.get(url)  # warm up
    if freeze:
        gc.freeze()
    page_times, selector_times, page_cpu = [], [], []
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    page_queries = len(queries)  # the whole request: session, account, access, the page
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

    figures: dict[str, Any] = {
        "database": connection.vendor,
        "branches": branches,
        "rows": len(report.rows),
        "rows_behind": len(report.behind_rows),
        "page_queries": page_queries,
        "page_kb": len(response.content) // 1024,
        "rounds": rounds,
        "page_p50_ms": round(statistics.median(page_times), 1),
        "page_p95_ms": round(p95(page_times), 1),
        "page_cpu_p50_ms": round(statistics.median(page_cpu), 1),
        "page_cpu_p95_ms": round(p95(page_cpu), 1),
        "selector_p50_ms": round(statistics.median(selector_times), 1),
        "selector_p95_ms": round(p95(selector_times), 1),
        "load_average": round(os.getloadavg()[0], 2),
        "gc_frozen": freeze,
    }
    out = Path(__file__).resolve().parent / "results" / "bench_life_compliance.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{root.name}：{branches}个党支部，统计行{len(report.rows)}行，未达标{len(report.behind_rows)}行")
    print(f"页面 {url}：{page_queries} 次查询，{len(response.content) // 1024} KB")
    print(f"页面用时 p50 {statistics.median(page_times):.0f} ms，p95 {p95(page_times):.0f} ms（{rounds}次）")
    print(
        f"页面 CPU 时间 p50 {statistics.median(page_cpu):.0f} ms，p95 {p95(page_cpu):.0f} ms（机器繁忙时以此为准）"
    )
    met = "达到" if figures["page_p95_ms"] < 200 else "未达到"
    print(f"目标：页面 p95 < 200 ms —— {met}（负载 {figures['load_average']}；结果写入 {out.name}）")
    print(
        f"compliance_for 用时 p50 {statistics.median(selector_times):.0f} ms，p95 {p95(selector_times):.0f} ms"
    )


def _year() -> tuple[date, date]:

    from django.utils import timezone

    today = timezone.localdate()
    return date(today.year, 1, 1), date(today.year, 12, 31)


if __name__ == "__main__":
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    main(int(numbers[0]) if numbers else 30, freeze="--freeze" in sys.argv)
