"""Full-text search over suggestions, projects and improvement cases, on SQLite and PostgreSQL.

Each searchable model stores `search_tokens`: its text segmented by jieba, with synonyms and Chinese
bigrams (segment.index_tokens), filled by the services. The database indexes that column:

- SQLite: an FTS5 table `<table>_fts` (rowid = the record's id), created by the migration for the
  sqlite vendor only and kept in step by `index_rows` / `index_delete` / `index_rebuild` (the
  services call them; bulk loaders call `index_rebuild`).
- PostgreSQL: a stored generated column `search_vector` = strip(to_tsvector('simple', search_tokens))
  with a GIN index (fastupdate off), created by the migration for the postgresql vendor only; PostgreSQL keeps it.

`search()` is the one query function; it branches on connection.vendor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar, cast

from django.db import connection, models
from django.db.models import FloatField, QuerySet, Value
from django.db.models.expressions import RawSQL

from . import segment

M = TypeVar("M", bound=models.Model)

# Single characters that carry no meaning of their own in a query.
STOP_CHARACTERS = frozenset("的了和与及在是把将对为等也都就还或而其")


@dataclass(frozen=True)
class Term:
    """One query word: any of `alternatives` must match; an alternative is a conjunction of tokens.
    `prefix` lets an ASCII word match longer ones (meb → meb2, a0 → a01)."""

    alternatives: tuple[tuple[str, ...], ...]
    prefix: bool = False


def query_terms(query: str) -> list[Term]:
    """The words of a query. A Chinese word of three or more characters also matches as the
    conjunction of its bigrams, so a record segmented differently is still found."""
    table = segment.synonyms()
    terms: list[Term] = []
    seen: set[str] = set()
    for token in segment.tokenizer().cut(segment.normalize(query)):
        token = token.strip()
        if not token or not segment.WORD.match(token):
            continue
        if token.isascii():
            for part in segment.split_ascii(token):
                if part not in seen:
                    seen.add(part)
                    terms.append(Term(((table.get(part, part),),), prefix=not part.isdigit()))
            continue
        word = table.get(token, token)
        if word in seen or (len(word) == 1 and word in STOP_CHARACTERS):
            continue
        seen.add(word)
        if len(word) <= 2:
            terms.append(Term(((word,),)))
        else:
            bigrams = tuple(dict.fromkeys(segment.cjk_bigrams(word)))
            terms.append(Term(((word,), bigrams)))
    return terms


def _fts5(terms: list[Term]) -> str:
    def token(value: str, prefix: bool) -> str:
        return f'"{value}"' + ("*" if prefix else "")

    groups = []
    for term in terms:
        options = [" AND ".join(token(t, term.prefix) for t in alt) for alt in term.alternatives]
        groups.append("(" + " OR ".join(f"({o})" for o in options) + ")")
    return " AND ".join(groups)


def _tsquery(terms: list[Term]) -> str:
    def token(value: str, prefix: bool) -> str:
        return value + (":*" if prefix else "")

    groups = []
    for term in terms:
        options = [" & ".join(token(t, term.prefix) for t in alt) for alt in term.alternatives]
        groups.append("(" + " | ".join(f"({o})" for o in options) + ")")
    return " & ".join(groups)


def fts_table(model: type[models.Model]) -> str:
    return f"{model._meta.db_table}_fts"


def search(queryset: QuerySet[M], query: str, *, any_word: bool = False) -> QuerySet[M]:
    """The rows of `queryset` whose text matches `query` (every word, or with any_word=True any of
    them), annotated with `search_rank` (higher is better). An empty query changes nothing; a query
    with no searchable word in it (only punctuation, say) matches nothing."""
    terms = query_terms(query)
    if not terms:
        unranked = queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
        return cast("QuerySet[M]", unranked.none() if query.strip() else unranked)
    model = queryset.model
    table = connection.ops.quote_name(model._meta.db_table)
    assert model._meta.pk is not None
    pk = connection.ops.quote_name(model._meta.pk.column or "id")
    if connection.vendor == "sqlite":
        fts = connection.ops.quote_name(fts_table(model))
        expression = _fts5(terms) if not any_word else " OR ".join(_fts5([t]) for t in terms)
        # A join with the FTS5 table (not a correlated subquery): SQLite reads the matching rowids from
        # the full-text index once and ranks them with bm25() in the same pass. Table names come from
        # the model's metadata; the user's words only ever travel as a parameter.
        return queryset.extra(  # noqa: S610
            tables=[fts_table(model)],
            where=[f"{fts}.rowid = {table}.{pk}", f"{fts} MATCH %s"],
            params=[expression],
            select={"search_rank": f"-bm25({fts})"},  # bm25() is negative, lower for better matches
        )
    if connection.vendor == "postgresql":
        expression = _tsquery(terms) if not any_word else " | ".join(_tsquery([t]) for t in terms)
        vector = f"{table}.search_vector"
        matches = RawSQL(  # noqa: S611
            f"{vector} @@ to_tsquery('simple', %s)", [expression], output_field=models.BooleanField()
        )
        rank = RawSQL(f"ts_rank({vector}, to_tsquery('simple', %s))", [expression], output_field=FloatField())  # noqa: S611
        return cast("QuerySet[M]", queryset.filter(matches).annotate(search_rank=rank))
    raise NotImplementedError(f"search on {connection.vendor}")


# --- keeping the SQLite index in step (PostgreSQL computes its column itself) ----------------------


def index_rows(model: type[models.Model], rows: Iterable[tuple[int, str]]) -> None:
    """Insert or replace the index entries of these (id, search_tokens) rows."""
    if connection.vendor != "sqlite":
        return
    fts = connection.ops.quote_name(fts_table(model))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT OR REPLACE INTO {fts} (rowid, tokens) VALUES (%s, %s)", list(rows))  # noqa: S608


def index_delete(model: type[models.Model], ids: Iterable[int]) -> None:
    if connection.vendor != "sqlite":
        return
    fts = connection.ops.quote_name(fts_table(model))
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {fts} WHERE rowid = %s", [(i,) for i in ids])  # noqa: S608


def index_rebuild(model: type[models.Model]) -> None:
    """Rebuild the whole index of a model from its search_tokens column (after bulk loads)."""
    if connection.vendor != "sqlite":
        return
    fts = connection.ops.quote_name(fts_table(model))
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {fts}")  # noqa: S608
        cursor.execute(f"INSERT INTO {fts} (rowid, tokens) SELECT id, search_tokens FROM {table}")  # noqa: S608


def by_rank(queryset: QuerySet[M], *then: str) -> QuerySet[M]:
    """Best matches first (the `search_rank` that search() adds), then the given order."""
    return queryset.order_by("-search_rank", *then)
