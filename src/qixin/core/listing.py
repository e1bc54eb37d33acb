"""One way to show a list: every list page of the application goes through here.

A list page takes the rows a selector gives it (already scoped to what the user may see), narrows
them with the filters and the search it declares, read from the query string and validated (a bad
value is a 400 in Chinese naming the parameter, never a 500), and shows one page of them: the
database counts the rows and sends only that page (Django's Paginator: one COUNT, one LIMIT/OFFSET).
The page says how many rows there are in all ("共 N 条，第 x/y 页"); nothing is cut silently. An
HTMX request gets the partial; a plain one the full page. The export link carries the same query
string, so that the export view, reading it with `filtered`, writes exactly the rows listed, every
page of them.

Each list page is declared once with `register` (its URL name, page size, filters, search and
export): tests walk the registry, so that a new list cannot be forgotten.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from .errors import ApplicationError
from .params import query_choice, query_date, query_id, query_year

DEFAULT_PER_PAGE = 50
EXPORT_LABELS = {"xlsx": "导出全部（Excel）", "csv": "CSV"}
SEARCH_MAX_LENGTH = 200  # longer than any name, number or title a user would look for
PAGE_NUMBER = re.compile(r"[0-9]{1,18}")


class Filter(Protocol):
    """A filter declared by a list page: a query-string parameter and what it does to the rows."""

    @property
    def param(self) -> str:
        """The query-string parameter it reads."""

    def value(self, request: HttpRequest) -> Any:
        """The validated value, or None when the parameter is absent or empty."""

    def apply(self, rows: QuerySet[Any], value: Any) -> QuerySet[Any]: ...


@dataclass(frozen=True)
class Choice:
    """?kind=… one of `choices`, compared with `lookup` (the parameter's name when not given)."""

    param: str
    choices: Iterable[str]
    lookup: str = ""

    def value(self, request: HttpRequest) -> Any:
        return query_choice(request, self.param, self.choices)

    def apply(self, rows: QuerySet[Any], value: Any) -> QuerySet[Any]:
        return rows.filter(**{self.lookup or self.param: value})


@dataclass(frozen=True)
class Year:
    """?year=2026 between 1900 and 2999, compared with `lookup` (a year field, or date__year)."""

    param: str = "year"
    lookup: str = "year"

    def value(self, request: HttpRequest) -> Any:
        return query_year(request, self.param)

    def apply(self, rows: QuerySet[Any], value: Any) -> QuerySet[Any]:
        return rows.filter(**{self.lookup: value})


@dataclass(frozen=True)
class Record:
    """?org=12: the id of a record, compared with `lookup` (whether the user may see that record
    does not matter: the rows are already those they may see)."""

    param: str
    lookup: str

    def value(self, request: HttpRequest) -> Any:
        return query_id(request, self.param)

    def apply(self, rows: QuerySet[Any], value: Any) -> QuerySet[Any]:
        return rows.filter(**{self.lookup: value})


@dataclass(frozen=True)
class Since:
    """?from=2026-01-01: rows whose `lookup` date is that day or later."""

    param: str
    lookup: str

    def value(self, request: HttpRequest) -> Any:
        return query_date(request, self.param)

    def apply(self, rows: QuerySet[Any], value: Any) -> QuerySet[Any]:
        return rows.filter(**{f"{self.lookup}__gte": value})


def search_text(request: HttpRequest, param: str = "q") -> str:
    """What the user typed in a list's search box, trimmed; too long is a 400, not a silent cut."""
    text = request.GET.get(param, "").strip()
    if len(text) > SEARCH_MAX_LENGTH:
        raise ApplicationError("invalid", f"查找的内容不能超过{SEARCH_MAX_LENGTH}个字。", status=400)
    if "\x00" in text:
        raise ApplicationError("invalid", "查找的内容含有无法识别的字符。", status=400)
    return text


def search_q(text: str, fields: Sequence[str]) -> Q:
    """Rows with one of `fields` containing the text (case-insensitive)."""
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": text})
    return condition


@dataclass(frozen=True)
class ListPage:
    """A list page as declared: its URL name, page size, filters, searched fields and the URL name
    of the export of its rows (which reads the same query string)."""

    name: str
    per_page: int = DEFAULT_PER_PAGE
    filters: tuple[Filter, ...] = ()
    search: tuple[str, ...] = ()
    export: str = ""  # URL name of the export; its last argument is the format
    export_args: tuple[str, ...] = ()  # the export URL's arguments before the format
    export_formats: tuple[str, ...] = ("xlsx", "csv")


REGISTRY: dict[str, ListPage] = {}


def register(name: str, **options: Any) -> str:
    """Declare a list page under its URL name ("people:list"); returns the name to pass to `show`."""
    if name in REGISTRY:
        raise ValueError(f"list page {name} is registered twice")
    REGISTRY[name] = ListPage(name=name, **options)
    return name


def spec(name: str) -> ListPage:
    return REGISTRY[name]


@dataclass(frozen=True)
class Listing:
    """One page of a list, with what the pager and the export links need."""

    page: Page[Any]
    query: str  # the query string without the page number: filters, search
    search: str
    values: dict[str, Any]
    spec: ListPage

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @property
    def rows(self) -> list[Any]:
        return list(self.page.object_list)

    @property
    def exports(self) -> list[tuple[str, str]]:
        """(label, address) of each export of the rows listed: the same query string, all pages."""
        links = []
        for fmt in self.spec.export_formats if self.spec.export else ():
            address = reverse(self.spec.export, args=[*self.spec.export_args, fmt])
            links.append(
                (EXPORT_LABELS.get(fmt, fmt.upper()), f"{address}?{self.query}" if self.query else address)
            )
        return links


def filtered(request: HttpRequest, name: str, rows: QuerySet[Any]) -> QuerySet[Any]:
    """The rows narrowed by the declared filters and search: what the list shows, on every page,
    and what its export writes."""
    return _narrow(request, spec(name), rows)[0]


def _narrow(
    request: HttpRequest, page_spec: ListPage, rows: QuerySet[Any]
) -> tuple[QuerySet[Any], dict[str, Any]]:
    values: dict[str, Any] = {}
    for declared in page_spec.filters:
        value = declared.value(request)
        values[declared.param] = value
        if value is not None:
            rows = declared.apply(rows, value)
    if page_spec.search:
        text = search_text(request)
        values["q"] = text
        if text:
            rows = rows.filter(search_q(text, page_spec.search))
    return rows, values


def page_number(request: HttpRequest) -> int:
    """?page=3. Absent is the first page; anything but a positive whole number is a 400 in Chinese."""
    raw = request.GET.get("page", "").strip()
    if not raw:
        return 1
    if PAGE_NUMBER.fullmatch(raw) and int(raw) >= 1:
        return int(raw)
    raise ApplicationError("invalid", "页码应为从1开始的整数。", status=400)


def paginate(request: HttpRequest, rows: Any, *, per_page: int = DEFAULT_PER_PAGE) -> Page[Any]:
    """One page of `rows` (a queryset: counted and sliced by the database; or a short list computed
    in Python). A page beyond the last shows the last page, as a list that shrank while the user
    paged through it would."""
    paginator = Paginator(rows, per_page, allow_empty_first_page=True)
    return paginator.page(min(page_number(request), paginator.num_pages))


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def listing(request: HttpRequest, name: str, rows: QuerySet[Any]) -> Listing:
    """The page of `rows` the request asks for, narrowed by the page's declared filters and search."""
    page_spec = spec(name)
    rows, values = _narrow(request, page_spec, rows)
    page = paginate(request, rows, per_page=page_spec.per_page)
    return Listing(
        page=page,
        query=query_without_page(request),
        search=values.get("q", ""),
        values=values,
        spec=page_spec,
    )


def show(
    request: HttpRequest,
    name: str,
    rows: QuerySet[Any],
    *,
    template: str,
    partial: str = "",
    context: dict[str, Any] | None = None,
    about_rows: Callable[[Sequence[Any]], dict[str, Any]] | None = None,
) -> HttpResponse:
    """Render a list page: `listing` (and `page`, the rows of this page) in the context; the partial
    for HTMX when there is one. `about_rows` adds what the page needs about the rows shown, loaded
    for those rows only (their deeds, their counts...)."""
    shown = listing(request, name, rows)
    ctx = {**(context or {}), "listing": shown, "page": shown.page, "query": shown.query}
    if about_rows is not None:
        ctx |= about_rows(shown.rows)
    chosen = partial if partial and getattr(request, "htmx", False) else template
    return render(request, chosen, ctx)
