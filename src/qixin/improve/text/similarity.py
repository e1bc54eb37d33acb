"""Near-duplicate detection for suggestions.

A scorer compares two texts and gives a score in [0, 1]; any class with `score(a, b)` and
`most_similar(text, candidates, limit)` can replace the default one. Two are shipped:

- `CharNgramEditScorer`, the known-good baseline for short Chinese texts: cosine of character 2–3-gram
  TF-IDF vectors, combined with an edit-distance ratio (0.7 / 0.3);
- `SuggestionScorer`, the default: words (jieba, synonyms canonicalized, numbers normalized) weighted
  by TF-IDF, compared over the whole text and, with most weight, over the proposal (what comes after
  建议 / 能否 / 可以 …, since two suggestions about the same machine often propose different things),
  plus the share of the shorter text's character bigrams found in the other (near-copies with a
  sentence added).

Thresholds (calibrated on tests/data/improve_dedup_pairs.csv, see bench/bench_improve_dedup.py):
a score of LIKELY_DUPLICATE or more puts the pair in the reviewer's queue; HINT or more is shown at
submission. Nothing is ever rejected automatically.

`SuggestionIndex` keeps, per process, the document frequencies and an inverted index of the words of
all suggestions (built on first use from the stored `dedup_tokens`, then brought up to date
incrementally), so that a lookup scores a few hundred pre-filtered candidates, not 30,000.
"""

from __future__ import annotations

import math
import threading
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from . import segment

K = TypeVar("K")

LIKELY_DUPLICATE = 0.51
HINT = 0.16
# Below this many suggestions the IDF weights are shrunk towards 1 (see DocumentFrequencies).
SHRINK_BELOW = 200

# Words that say "this is a proposal" but not what is proposed; the proposal starts at the first one.
PROPOSAL_MARKERS = ("建议", "能否", "能不能", "可否", "可以", "应该", "应当", "不如", "希望", "最好", "提议")
# Words every suggestion uses: they say nothing about which suggestion it is.
FILLER = frozenset(
    [
        "建议",
        "希望",
        "能否",
        "能不能",
        "可否",
        "可以",
        "应该",
        "应当",
        "不如",
        "最好",
        "提议",
        "我们",
        "目前",
        "现在",
        "进行",
        "一下",
        "请",
        "相关",
        "部门",
        "望",
        "采纳",
        "其实",
        "完全",
        "就",
        "都",
        "还",
        "也",
        "很",
        "了",
        "的",
        "把",
        "将",
        "在",
        "和",
        "与",
        "及",
        "并",
        "等",
        "些",
        "个",
        "是",
        "有",
        "对",
        "为",
        "从",
        "到",
        "被",
        "让",
        "给",
        "再",
        "又",
        "能",
        "会",
        "要",
        "这",
        "那",
        "这些",
        "那些",
        "每",
        "一",
        "上",
        "下",
        "中",
        "里",
        "后",
        "前",
        "时",
        "时候",
        "如果",
        "但",
        "但是",
        "而且",
        "同时",
        "然后",
        "所以",
        "因为",
        "可",
        "较",
        "比较",
        "更",
    ]
)


class Scorer(Protocol):
    def score(self, a: str, b: str) -> float: ...

    def most_similar(
        self, query: str, candidates: Iterable[tuple[K, str]], limit: int = 5
    ) -> list[tuple[K, float]]: ...


@dataclass
class DocumentFrequencies:
    """How many documents contain each term; smoothed IDF as scikit-learn computes it. With
    `shrink_below` documents or fewer, the IDF is pulled towards 1 in proportion: a handful of
    suggestions says little about which words are common, and two near-copies among three documents
    must not look different because their shared words are "frequent"."""

    documents: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    shrink_below: int = 0

    def add(self, terms: Iterable[str]) -> None:
        self.documents += 1
        self.counts.update(set(terms))

    def idf(self, term: str) -> float:
        raw = math.log((1 + self.documents) / (1 + self.counts.get(term, 0))) + 1
        if self.documents >= self.shrink_below:
            return raw
        return 1 + (raw - 1) * self.documents / self.shrink_below


def _unit(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {k: w / norm for k, w in weights.items()} if norm else {}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(k, 0.0) for k, w in a.items())


def levenshtein(a: str, b: str) -> int:
    """Edit distance by Myers' bit-parallel algorithm (Hyyrö's formulation): one pass over `b` with
    Python's big integers as bit vectors, fast enough for thousands of pairs a second."""
    if len(a) < len(b):
        a, b = b, a
    m = len(b)
    if m == 0:
        return len(a)
    masks: dict[str, int] = {}
    for i, char in enumerate(b):
        masks[char] = masks.get(char, 0) | (1 << i)
    full = (1 << m) - 1
    top = 1 << (m - 1)
    vp, vn, score = full, 0, m
    for char in a:
        eq = masks.get(char, 0)
        xv = eq | vn
        xh = (((eq & vp) + vp) ^ vp) | eq
        hp = vn | ~(xh | vp)
        hn = vp & xh
        if hp & top:
            score += 1
        elif hn & top:
            score -= 1
        hp = ((hp << 1) | 1) & full
        hn = (hn << 1) & full
        vp = hn | ~(xv | hp)
        vp &= full
        vn = hp & xv
    return score


def edit_ratio(a: str, b: str) -> float:
    longest = max(len(a), len(b))
    return 1 - levenshtein(a, b) / longest if longest else 1.0


class _RankingMixin:
    def score(self, a: str, b: str) -> float:
        raise NotImplementedError

    def most_similar(
        self, query: str, candidates: Iterable[tuple[K, str]], limit: int = 5
    ) -> list[tuple[K, float]]:
        scored = [(key, self.score(query, candidate)) for key, candidate in candidates]
        scored.sort(key=lambda pair: pair[1], reverse=True)
        return scored[:limit]


class CharNgramEditScorer(_RankingMixin):
    """Baseline: character 2–3-gram TF-IDF cosine (0.7) + edit-distance ratio (0.3)."""

    def __init__(self, frequencies: DocumentFrequencies | None = None, cosine_weight: float = 0.7) -> None:
        self.frequencies = frequencies or DocumentFrequencies()
        self.cosine_weight = cosine_weight

    @staticmethod
    def grams(value: str) -> Counter[str]:
        value = "".join(ch for ch in segment.normalize(value) if segment.WORD.match(ch))
        return Counter(value[i : i + n] for n in (2, 3) for i in range(len(value) - n + 1))

    def fit(self, texts: Iterable[str]) -> CharNgramEditScorer:
        for value in texts:
            self.frequencies.add(self.grams(value))
        return self

    def vector(self, value: str) -> dict[str, float]:
        idf = self.frequencies.idf
        return _unit({g: n * idf(g) for g, n in self.grams(value).items()})

    def score(self, a: str, b: str) -> float:
        cosine = _cosine(self.vector(a), self.vector(b))
        clean_a = "".join(ch for ch in segment.normalize(a) if segment.WORD.match(ch))
        clean_b = "".join(ch for ch in segment.normalize(b) if segment.WORD.match(ch))
        return self.cosine_weight * cosine + (1 - self.cosine_weight) * edit_ratio(clean_a, clean_b)


@dataclass(frozen=True)
class Analysis:
    """What SuggestionScorer compares: content words, the proposal's content words, and the
    character bigrams of the content."""

    words: tuple[str, ...]
    proposal: tuple[str, ...]
    bigrams: frozenset[str]

    @classmethod
    def of_words(cls, all_words: Sequence[str]) -> Analysis:
        start = next((i for i, w in enumerate(all_words) if w in PROPOSAL_MARKERS), 0)
        content = tuple(w for w in all_words if w not in FILLER)
        proposal = tuple(w for w in all_words[start:] if w not in FILLER) or content
        joined = "".join(content)
        return cls(content, proposal, frozenset(joined[i : i + 2] for i in range(len(joined) - 1)))

    @classmethod
    def of_text(cls, value: str) -> Analysis:
        return cls.of_words(segment.words(value))

    @classmethod
    def of_tokens(cls, tokens: str) -> Analysis:
        """From the stored `dedup_tokens` (words joined by spaces)."""
        return cls.of_words(tokens.split())


def dedup_tokens(value: str) -> str:
    """What a suggestion stores for duplicate detection: its words, space-separated."""
    return " ".join(segment.words(value))


class SuggestionScorer(_RankingMixin):
    """Default scorer: 0.1 × word TF-IDF cosine + 0.7 × proposal TF-IDF cosine + 0.2 × bigram
    containment (weights chosen on the development half of the labelled pairs)."""

    weights = (0.1, 0.7, 0.2)

    def __init__(self, frequencies: DocumentFrequencies | None = None) -> None:
        self.frequencies = frequencies or DocumentFrequencies(shrink_below=SHRINK_BELOW)

    def fit(self, texts: Iterable[str]) -> SuggestionScorer:
        for value in texts:
            self.frequencies.add(Analysis.of_text(value).words)
        return self

    def _vector(self, words: Sequence[str], idf: Callable[[str], float] | None = None) -> dict[str, float]:
        weight = idf or self.frequencies.idf
        return _unit({w: n * weight(w) for w, n in Counter(words).items()})

    def _combine(
        self,
        query: tuple[dict[str, float], dict[str, float], frozenset[str]],
        other: Analysis,
        idf: Callable[[str], float] | None = None,
    ) -> float:
        words, proposal, bigrams = query
        whole = _cosine(words, self._vector(other.words, idf))
        proposed = _cosine(proposal, self._vector(other.proposal, idf))
        small, large = (
            (bigrams, other.bigrams) if len(bigrams) <= len(other.bigrams) else (other.bigrams, bigrams)
        )
        containment = len(small & large) / len(small) if small else 0.0
        w_whole, w_proposal, w_containment = self.weights
        return min(1.0, w_whole * whole + w_proposal * proposed + w_containment * containment)

    def compare(self, a: Analysis, b: Analysis) -> float:
        return self._combine((self._vector(a.words), self._vector(a.proposal), a.bigrams), b)

    def score(self, a: str, b: str) -> float:
        return self.compare(Analysis.of_text(a), Analysis.of_text(b))

    def rank(
        self, query: Analysis, candidates: Iterable[tuple[K, Analysis]], limit: int
    ) -> list[tuple[K, float]]:
        """The same scores as compare(), with the query's vectors and each word's IDF computed once."""
        known: dict[str, float] = {}
        frequencies = self.frequencies

        def idf(word: str) -> float:
            value = known.get(word)
            if value is None:
                value = known[word] = frequencies.idf(word)
            return value

        prepared = (self._vector(query.words, idf), self._vector(query.proposal, idf), query.bigrams)
        scored = [(key, self._combine(prepared, analysis, idf)) for key, analysis in candidates]
        scored.sort(key=lambda pair: pair[1], reverse=True)
        return scored[:limit]


# --- the per-process index of all suggestions -------------------------------------------------------


Signature = tuple[int, int, Any]


class SuggestionIndex:
    """Document frequencies and an inverted index (word → suggestion ids) of every suggestion.

    `sync(rows_since, signature)` is given the database's current signature (count, max id, latest
    submission time); when only new rows were added it reads just those, otherwise it rebuilds.
    """

    # A word in more than this share of suggestions does not help find candidates.
    MAX_CANDIDATE_DF = 0.08

    def __init__(self) -> None:
        self.frequencies = DocumentFrequencies(shrink_below=SHRINK_BELOW)
        self.postings: dict[str, array[int]] = {}
        self.lengths: dict[int, int] = {}
        self.signature: Signature | None = None
        self.last_id = 0
        self.lock = threading.Lock()

    def reset(self) -> None:
        self.frequencies = DocumentFrequencies(shrink_below=SHRINK_BELOW)
        self.postings = {}
        self.lengths = {}
        self.signature = None
        self.last_id = 0

    def add(self, pk: int, tokens: str) -> None:
        words = set(Analysis.of_tokens(tokens).words)
        self.frequencies.add(words)
        self.lengths[pk] = len(words)
        for word in words:
            posting = self.postings.get(word)
            if posting is None:
                posting = self.postings[word] = array("q")
            posting.append(pk)
        self.last_id = max(self.last_id, pk)

    def candidates(self, query: Analysis, limit: int = 200, exclude: Iterable[int] = ()) -> list[int]:
        """Ids of the suggestions sharing the most informative words with the query (IDF-weighted,
        the proposal's words counting double, normalized by the document's length)."""
        ceiling = max(50, int(self.frequencies.documents * self.MAX_CANDIDATE_DF))
        weights: dict[str, float] = {}
        for word in query.words:
            weights[word] = self.frequencies.idf(word)
        for word in query.proposal:
            weights[word] = weights.get(word, 0.0) + self.frequencies.idf(word)
        scores: dict[int, float] = {}
        for word, weight in weights.items():
            posting = self.postings.get(word)
            if posting is None or len(posting) > ceiling:
                continue
            for pk in posting:
                scores[pk] = scores.get(pk, 0.0) + weight
        for pk in exclude:
            scores.pop(pk, None)
        # Shared weight over the square root of the document's length, as a cosine would: among many
        # documents sharing the query's words, the ones with little else come first.
        lengths = self.lengths
        ranked = {pk: score / math.sqrt(lengths.get(pk, 1) or 1) for pk, score in scores.items()}
        return sorted(ranked, key=ranked.__getitem__, reverse=True)[:limit]


_indexes: dict[str, SuggestionIndex] = {}
_indexes_lock = threading.Lock()


def index_for(alias: str) -> SuggestionIndex:
    with _indexes_lock:
        if alias not in _indexes:
            _indexes[alias] = SuggestionIndex()
        return _indexes[alias]


def forget_indexes() -> None:
    """Drop every process-local index (tests, or after restoring a database)."""
    with _indexes_lock:
        _indexes.clear()
