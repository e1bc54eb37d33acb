"""Duplicate detection of suggestions: precision and recall on the labelled pairs, and the candidate
pre-filter at the article's scale.

Data: tests/data/improve_dedup_pairs.csv (pairs of car-plant cost-reduction suggestions labelled
near_copy / paraphrase / different; "different" pairs are about the same topic or machine but
propose something else). Ideas with an odd number form the development half (thresholds are chosen
there), even ones the test half.

Scorers: the baseline (character 2–3-gram TF-IDF cosine 0.7 + edit-distance ratio 0.3) and the
shipped SuggestionScorer; IDF fitted on all texts of the pairs.

Thresholds: "likely duplicate" maximizes F1 of near-copies against different pairs on the
development half; "hint" maximizes F1 of paraphrases against different pairs there. Reported:
precision and recall at those thresholds, separately for near-copies and paraphrases, on each half.

Scale: the lookup with its candidate pre-filter (SuggestionIndex, top 200 candidates, then scoring)
over 30,000 generated suggestions plus the pairs' texts, against scoring all of them: the share of
the 5 best scores (at or above the hint threshold) that the pre-filtered lookup finds, and its time
in memory. Target: ≥ 95% of the best scores found, p95 well under 100 ms.

Run: .venv/bin/python bench/bench_improve_dedup.py   (writes bench/results/bench_improve_dedup.json)
"""

from __future__ import annotations

import csv
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qixin.settings.test")
django.setup()

from qixin.improve import phrases  # noqa: E402
from qixin.improve.text import similarity  # noqa: E402

PAIRS = ROOT / "tests" / "data" / "improve_dedup_pairs.csv"
RESULTS = ROOT / "bench" / "results" / "bench_improve_dedup.json"
SCALE = 30_000
CANDIDATES = 200
QUERIES = 100


def load() -> list[dict[str, str]]:
    with PAIRS.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def half(row: dict[str, str]) -> str:
    return "dev" if int(row["idea"].split("/")[0]) % 2 else "test"


def auc(positive: list[float], negative: list[float]) -> float:
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in positive for n in negative)
    return wins / (len(positive) * len(negative))


def rates(scored: list[tuple[str, float]], label: str, threshold: float) -> dict[str, float]:
    """Precision and recall of `label` pairs against different pairs at a threshold."""
    hits = sum(1 for lab, s in scored if lab == label and s >= threshold)
    false = sum(1 for lab, s in scored if lab == "different" and s >= threshold)
    total = sum(1 for lab, _ in scored if lab == label)
    precision = hits / (hits + false) if hits + false else 1.0
    recall = hits / total if total else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "n": total}


def best_threshold(scored: list[tuple[str, float]], label: str) -> float:
    """The middle of the range of thresholds with the best F1 of `label` against different pairs
    (a threshold in the middle of the gap generalizes better than one at its edge)."""
    candidates = sorted({round(s, 3) for _, s in scored})
    f1s = []
    for threshold in candidates:
        r = rates(scored, label, threshold)
        f1s.append(2 * r["precision"] * r["recall"] / (r["precision"] + r["recall"]) if r["recall"] else 0.0)
    best = max(f1s)
    top = max(i for i, f in enumerate(f1s) if f >= best - 1e-9)
    # Thresholds between the best one and the next lower score give the same F1: take the middle.
    lower = candidates[top - 1] if top > 0 else candidates[top]
    return round((candidates[top] + lower) / 2, 3)


def evaluate(name: str, score: Callable[[str, str], float], rows: list[dict[str, str]]) -> dict[str, object]:
    started = time.perf_counter()
    scored = [(row["label"], score(row["text_a"], row["text_b"]), half(row)) for row in rows]
    per_pair_ms = (time.perf_counter() - started) * 1000 / len(rows)
    dev = [(lab, s) for lab, s, h in scored if h == "dev"]
    likely = best_threshold(dev, "near_copy")
    hint = best_threshold(dev, "paraphrase")
    report: dict[str, object] = {
        "scorer": name,
        "likely_threshold": likely,
        "hint_threshold": hint,
        "ms_per_pair": round(per_pair_ms, 3),
    }
    for part in ("dev", "test", "all"):
        subset = [(lab, s) for lab, s, h in scored if part in ("all", h)]
        by = {lab: [s for la, s in subset if la == lab] for lab in ("near_copy", "paraphrase", "different")}
        report[part] = {
            "auc_near_copy": round(auc(by["near_copy"], by["different"]), 3),
            "auc_paraphrase": round(auc(by["paraphrase"], by["different"]), 3),
            "likely": {
                "near_copy": rates(subset, "near_copy", likely),
                "paraphrase": rates(subset, "paraphrase", likely),
            },
            "hint": {
                "near_copy": rates(subset, "near_copy", hint),
                "paraphrase": rates(subset, "paraphrase", hint),
            },
        }
    return report


def prefilter(rows: list[dict[str, str]]) -> dict[str, object]:
    """The pre-filtered lookup (top 200 candidates, then scoring) against scoring every one of
    30,000 suggestions: how many of the 5 best scores it finds, and how long it takes."""
    rng = random.Random(7)
    index = similarity.SuggestionIndex()
    texts = [phrases.suggestion_text(rng).text for _ in range(SCALE)]
    texts += sorted({row["text_b"] for row in rows if row["label"] != "different"})
    started = time.perf_counter()
    analyses = {}
    for pk, text in enumerate(texts, start=1):
        tokens = similarity.dedup_tokens(text)
        index.add(pk, tokens)
        analyses[pk] = similarity.Analysis.of_tokens(tokens)
    build = time.perf_counter() - started
    scorer = similarity.SuggestionScorer(index.frequencies)
    queries = sorted({row["text_a"] for row in rows if row["label"] != "different"})
    sample = random.Random(11).sample(queries, min(QUERIES, len(queries)))
    timings, found, wanted = [], 0, 0
    for query_text in sample:
        started = time.perf_counter()
        query = similarity.Analysis.of_text(query_text)
        candidates = index.candidates(query, limit=CANDIDATES)
        fast = scorer.rank(query, ((pk, analyses[pk]) for pk in candidates), 5)
        timings.append((time.perf_counter() - started) * 1000)
        exact = scorer.rank(query, analyses.items(), 5)
        for (_, best), (_, got) in zip(exact, fast + [(0, -1.0)] * 5, strict=False):
            if best >= similarity.HINT:
                wanted += 1
                found += got >= best - 1e-9
    timings.sort()
    return {
        "documents": index.frequencies.documents,
        "build_seconds": round(build, 2),
        "candidates": CANDIDATES,
        "queries": len(sample),
        "top5_recall": round(found / wanted, 3) if wanted else None,
        "lookup_ms_p50": round(statistics.median(timings), 2),
        "lookup_ms_p95": round(timings[int(len(timings) * 0.95)], 2),
    }


def main() -> None:
    rows = load()
    texts = sorted({row["text_a"] for row in rows} | {row["text_b"] for row in rows})
    baseline = similarity.CharNgramEditScorer().fit(texts)
    shipped = similarity.SuggestionScorer().fit(texts)
    results = [evaluate("baseline: char 2-3-gram TF-IDF + edit ratio", baseline.score, rows)]
    results.append(evaluate("SuggestionScorer (shipped)", shipped.score, rows))
    shipped_at = evaluate("SuggestionScorer at shipped thresholds", shipped.score, rows)
    for part in ("dev", "test", "all"):
        subset = [
            (r["label"], shipped.score(r["text_a"], r["text_b"])) for r in rows if part in ("all", half(r))
        ]
        shipped_at[part] = {
            "likely": {
                "near_copy": rates(subset, "near_copy", similarity.LIKELY_DUPLICATE),
                "paraphrase": rates(subset, "paraphrase", similarity.LIKELY_DUPLICATE),
            },
            "hint": {
                "near_copy": rates(subset, "near_copy", similarity.HINT),
                "paraphrase": rates(subset, "paraphrase", similarity.HINT),
            },
        }
    shipped_at["likely_threshold"], shipped_at["hint_threshold"] = (
        similarity.LIKELY_DUPLICATE,
        similarity.HINT,
    )
    results.append(shipped_at)
    scale = prefilter(rows)
    counts = {
        label: sum(1 for r in rows if r["label"] == label)
        for label in ("near_copy", "paraphrase", "different")
    }
    print(f"labelled pairs: {len(rows)} {counts}")
    header = f"{'scorer':<44} {'half':<5} {'thr':>5}  {'near-copy P/R':>14}  {'paraphrase P/R':>15}  {'AUC nc/para':>12}"
    print(header)
    print("-" * len(header))
    for result in results:
        for part in ("dev", "test", "all"):
            data = result[part]
            assert isinstance(data, dict)
            for level, key in (("likely", "likely_threshold"), ("hint", "hint_threshold")):
                nc, pa = data[level]["near_copy"], data[level]["paraphrase"]
                aucs = (
                    f"{data.get('auc_near_copy', '')}/{data.get('auc_paraphrase', '')}"
                    if level == "likely"
                    else ""
                )
                print(
                    f"{str(result['scorer'])[:44]:<44} {part:<5} {result[key]:>5}  "
                    f"{nc['precision']:>6.3f}/{nc['recall']:<6.3f}  {pa['precision']:>7.3f}/{pa['recall']:<6.3f}  {aucs:>12}"
                )
    print(
        f"\npre-filter over {scale['documents']} suggestions (top {CANDIDATES} candidates, {scale['queries']} queries): "
        f"{scale['top5_recall']:.1%} of the 5 best scores (>= hint) found, as scoring all of them would; "
        f"index built in {scale['build_seconds']} s; lookup p50 {scale['lookup_ms_p50']} ms, p95 {scale['lookup_ms_p95']} ms"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"pairs": counts, "scorers": results, "prefilter": scale}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
