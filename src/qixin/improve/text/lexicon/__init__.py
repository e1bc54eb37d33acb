"""Word lists shipped with the app: domain terms for segmentation and synonym groups for search and
duplicate detection. Both are plain text files that an operator may extend."""

from __future__ import annotations

from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _lines(name: str) -> list[str]:
    text = (HERE / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def domain_terms() -> tuple[str, ...]:
    return tuple(_lines("terms.txt"))


@cache
def synonyms() -> dict[str, str]:
    """{variant: canonical} for every word of every group (the canonical word maps to itself)."""
    table: dict[str, str] = {}
    for line in _lines("synonyms.txt"):
        words = line.lower().split()
        for word in words:
            table.setdefault(word, words[0])
    return table
