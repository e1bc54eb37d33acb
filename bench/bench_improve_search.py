"""Suggestion list with a search, and the similar-suggestions lookup, at the article's scale.

Scale: a database seeded with `qixin seed-demo --scale vw` (30,418 suggestions, 6,572 projects, 420
cases). Target: p95 under 100 ms for both, on the embedded SQLite (FTS5) and on PostgreSQL
(tsvector + GIN) alike.

Measured, as the party worker of the whole enterprise (dangwu, the widest scope):
- the list page's query: suggestion_search_for(search=…) counted and its first page of 50 loaded
  (what the page's paginator does), for 12 queries (two-character words, mixed Chinese/English/number
  text, longer phrases), each 15 times;
- the whole page over HTTP (Django test client: middleware, query, template) for the same queries;
- the similar-suggestions lookup (selectors.similar_suggestions_for) for 100 suggestion texts of the
  demo data, after the per-process index is built once (its build time is reported separately).

Run (SQLite):
  QIXIN_DATA_DIR=/tmp/qx-vw .venv/bin/qixin seed-demo --scale vw
  QIXIN_DATA_DIR=/tmp/qx-vw .venv/bin/python bench/bench_improve_search.py
Run (PostgreSQL): the same with DATABASE_URL=postgres://… for both commands.
Writes bench/results/bench_improve_search.json.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qixin.settings.dev")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from qixin.core.models import User  # noqa: E402
from qixin.improve import selectors  # noqa: E402
from qixin.improve.models import Project, Suggestion  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "bench_improve_search.json"
QUERIES = [
    "降本",
    "能耗",
    "节拍",
    "MEB 焊装 节拍",
    "空压机",
    "变频",
    "电极帽 修磨",
    "涂装 烘炉",
    "线边 库存",
    "LED",
    "压缩空气 泄漏",
    "叉车",
]
REPEAT = 15
LOOKUPS = 100


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


def main() -> None:
    actor = User.objects.get(username="dangwu")
    suggestions = Suggestion.objects.count()
    print(f"{connection.vendor}: {suggestions} suggestions, {Project.objects.count()} projects")

    def list_page(query: str) -> Callable[[], object]:
        def run() -> object:
            rows = selectors.suggestion_search_for(
                actor=actor, filters=selectors.SuggestionFilters(search=query)
            )
            return rows.count(), list(rows[:50])

        return run

    hits = {
        q: selectors.suggestion_search_for(actor=actor, filters=selectors.SuggestionFilters(search=q)).count()
        for q in QUERIES
    }
    selector_samples: list[float] = []
    for query in QUERIES:
        for _ in range(REPEAT):
            selector_samples.append(timed(list_page(query)))

    client = Client(HTTP_HOST="localhost")
    client.force_login(actor)
    url = reverse("improve:suggestions")
    client.get(url, {"q": "降本"})
    http_samples: list[float] = []
    for query in QUERIES:
        for _ in range(REPEAT):
            http_samples.append(timed(partial(client.get, url, {"q": query})))

    started = time.perf_counter()
    selectors.suggestion_index()
    build_seconds = time.perf_counter() - started
    texts = list(Suggestion.objects.order_by("?").values_list("text", flat=True)[:LOOKUPS])
    random.Random(3).shuffle(texts)
    lookup_samples = [
        timed(partial(selectors.similar_suggestions_for, actor=actor, text=text)) for text in texts
    ]

    report = {
        "database": connection.vendor,
        "suggestions": suggestions,
        "hits": hits,
        "list_selector": summary(selector_samples),
        "list_page_http": summary(http_samples),
        "similar_index_build_seconds": round(build_seconds, 2),
        "similar_lookup": summary(lookup_samples),
    }
    for key in ("list_selector", "list_page_http", "similar_lookup"):
        s = report[key]
        assert isinstance(s, dict)
        print(
            f"{key:<16} n={s['n']:<4} p50 {s['p50_ms']:>6} ms   p95 {s['p95_ms']:>6} ms   max {s['max_ms']:>6} ms"
        )
    print(f"similar index built in {report['similar_index_build_seconds']} s (once per process)")
    print("hits per query:", ", ".join(f"{q}={n}" for q, n in hits.items()))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
