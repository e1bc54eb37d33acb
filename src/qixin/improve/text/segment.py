"""Chinese text of suggestions, projects and cases: normalization and jieba segmentation.

One private jieba tokenizer (so other apps' dictionaries never change ours) knows the domain terms of
`lexicon/terms.txt`; `lexicon/synonyms.txt` maps variants to one canonical word. Search (search.py)
and duplicate detection (similarity.py) both start from `words()`.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from .lexicon import domain_terms, synonyms

if TYPE_CHECKING:
    import jieba

__all__ = ["cjk_bigrams", "index_tokens", "normalize", "split_ascii", "synonyms", "tokenizer", "words"]

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None

CJK = r"\u4e00-\u9fff"
_CJK_RUN = re.compile(f"[{CJK}]+")
WORD = re.compile(f"[0-9a-z{CJK}]")
_ASCII_PART = re.compile(r"[0-9a-z]+")
_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# 三个月 → 3个月, 二十万 → 20万, 十二个月 → 12个月: numbers written in characters compare equal to digits.
_CN_NUMBER = re.compile(
    f"[{''.join(_DIGITS)}]?十[{''.join(_DIGITS)}]?|(?<![{CJK}])[{''.join(_DIGITS)}](?=[个月年天周次度万台件])"
)


def tokenizer() -> jieba.Tokenizer:
    """The app's jieba tokenizer, loaded once per process (about half a second)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                # Imported here: jieba (and the pkg_resources it pulls in) costs ~0.1 s, which every
                # process that only loads this module (app start-up, CLI commands) should not pay.
                import jieba

                jieba.setLogLevel(logging.WARNING)
                made = jieba.Tokenizer()
                made.initialize()
                for term in (*domain_terms(), *synonyms()):
                    made.add_word(term, freq=200000)
                _tokenizer = made
    return _tokenizer


def _cn_number(match: re.Match[str]) -> str:
    text = match.group(0)
    if "十" not in text:
        return str(_DIGITS[text])
    tens, _, ones = text.partition("十")
    return str((_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0))


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, ℃ → 度, numbers in characters → digits."""
    if not unicodedata.is_normalized("NFKC", text):  # the quick check is far cheaper than normalizing
        text = unicodedata.normalize("NFKC", text)
    text = text.lower().replace("℃", "度")
    return _CN_NUMBER.sub(_cn_number, text)


def split_ascii(token: str) -> Iterator[str]:
    """ "3.5kw" → "3", "5kw": only letters and digits reach the index, on both databases alike."""
    yield from _ASCII_PART.findall(token)


# Chinese punctuation and spaces end a block for jieba too, so segmenting clause by clause gives the
# same words as segmenting the whole text, and repeated clauses are segmented once.
_CLAUSE_END = re.compile(r"[\s，。；：！？、（）《》“”‘’…—,;:!?()]+")


@lru_cache(maxsize=50_000)
def _clause_cut(clause: str) -> tuple[str, ...]:
    """jieba's words of one clause, punctuation dropped: segmented once for search and for
    duplicate detection alike."""
    return tuple(
        token for token in (t.strip() for t in tokenizer().cut(clause)) if token and WORD.match(token)
    )


@lru_cache(maxsize=50_000)
def _clause_words(clause: str) -> tuple[str, ...]:
    table = synonyms()
    out: list[str] = []
    for token in _clause_cut(clause):
        if token.isascii():
            out.extend(table.get(part, part) for part in split_ascii(token))
        else:
            out.append(table.get(token, token))
    return tuple(out)


@lru_cache(maxsize=50_000)
def _clause_search_tokens(clause: str) -> tuple[str, ...]:
    """The clause's words and the canonical form of synonyms. The sub-words of long words need no
    second segmentation: every two adjacent Chinese characters are indexed too (cjk_bigrams), and a
    query word of three or more characters also matches as the conjunction of its bigrams."""
    table = synonyms()
    tokens: list[str] = []
    for token in _clause_cut(clause):
        if token.isascii():
            parts = list(split_ascii(token))
            tokens.extend(parts)
            tokens.extend(table[p] for p in parts if table.get(p, p) != p)
        else:
            tokens.append(token)
            if table.get(token, token) != token:
                tokens.append(table[token])
    return tuple(tokens)


def _clauses(text: str) -> list[str]:
    return [clause for clause in _CLAUSE_END.split(text) if clause]


def words(text: str) -> list[str]:
    """The words of a text: jieba segmentation of the normalized text, punctuation dropped, synonyms
    replaced by their canonical word."""
    return [word for clause in _clauses(normalize(text)) for word in _clause_words(clause)]


def cjk_bigrams(text: str) -> Iterator[str]:
    """Every two adjacent Chinese characters: a two-character query word (降本, 能耗) is found wherever
    the characters stand together, whatever jieba made of the sentence."""
    for run in _CJK_RUN.findall(text):
        for i in range(len(run) - 1):
            yield run[i : i + 2]


def index_tokens(*parts: str) -> str:
    """What the search index stores for a record: jieba's search-mode words (long words and their
    dictionary sub-words), the canonical form of synonyms, and the Chinese bigrams, separated by
    spaces. Both SQLite FTS5 (unicode61) and PostgreSQL ('simple') split it on the spaces only."""
    tokens: list[str] = []
    for part in parts:
        if not part:
            continue
        if len(part) <= 40:  # departments, categories, numbers, titles: the same ones again and again
            tokens.extend(_short_part_tokens(part))
            continue
        text = normalize(part)
        for clause in _clauses(text):
            tokens.extend(_clause_search_tokens(clause))
        tokens.extend(cjk_bigrams(text))
    return " ".join(tokens)


@lru_cache(maxsize=20_000)
def _short_part_tokens(part: str) -> tuple[str, ...]:
    text = normalize(part)
    tokens = [token for clause in _clauses(text) for token in _clause_search_tokens(clause)]
    return (*tokens, *cjk_bigrams(text))
