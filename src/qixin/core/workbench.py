"""The workbench (工作台): the home page of each person, what they must do now, counted and linked.

Each app owns its items: in its `workbench.py` it registers sources (`@source(...)`), each a
function of the reader that returns the items it has for them, computed from the records (a
selector of that app). The home page and GET /api/v1/workbench show the sources' items grouped by
section, in the registered order; an app added later adds its own sources, nobody edits this file.

A source returns [] when it does not apply to the reader (a member has no claims to 核定); an item
with count 0 is a duty done and is shown as such. A source costs a bounded number of queries,
whatever the size of the reader's subtree (tests count them for every demo role).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from . import versions
from .access import Actor

# Sections, in the order the page shows them.
SECTIONS = {
    "duties": "待办事项",
    "life": "组织生活",
    "care": "员工心声",
    "improve": "降本创新",
    "brand": "党员品牌",
    "notices": "通知公告",
    "mine": "我的事项",
}


@dataclass(frozen=True)
class Item:
    """One line of the workbench: `label` (Chinese) with `count`, linked to `url`, the list where the
    reader does the work. `urgent`: overdue or failing, shown in red when count > 0. `count` None:
    not a count but a way in (提出员工心声), shown as a link to go."""

    label: str
    count: int | None
    url: str
    urgent: bool = False
    note: str = ""


def link(name: str, *args: Any, **query: Any) -> str:
    """The address of the page `name` (a URL name) with its list filters as a query string:
    link("people:list", org="R-1", category="预备党员")."""
    url = reverse(name, args=args)
    kept = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{url}?{urlencode(kept)}" if kept else url


@dataclass(frozen=True)
class Source:
    key: str
    section: str
    function: Callable[[Actor], list[Item]]
    # The apps whose tables the items are computed from, when they are worth keeping (core.versions):
    # the reader's items of the day are then reused until one of those apps is written to. Empty: the
    # items are computed on every request (cheap, or depending on the hour).
    reads: tuple[str, ...] = ()


SOURCES: dict[str, Source] = {}


def source(
    key: str, *, section: str, reads: tuple[str, ...] = ()
) -> Callable[[Callable[[Actor], list[Item]]], Callable[[Actor], list[Item]]]:
    """Register a workbench source under `key` ("app.name") in `section` (one of SECTIONS); with
    `reads` (the apps its items are computed from), its items are kept under their data versions."""
    if section not in SECTIONS:
        raise ValueError(f"workbench source {key}: unknown section {section!r}")
    unknown = set(reads) - set(versions.TRACKED_APPS)
    if unknown:
        raise ValueError(f"workbench source {key}: untracked apps {sorted(unknown)}")

    def add(function: Callable[[Actor], list[Item]]) -> Callable[[Actor], list[Item]]:
        if key in SOURCES:
            raise ValueError(f"workbench source {key} registered twice")
        SOURCES[key] = Source(key, section, function, tuple(reads))
        return function

    return add


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    items: list[Item]

    @property
    def pending(self) -> int:
        return sum(item.count or 0 for item in self.items)


def workbench_for(actor: Actor) -> list[Section]:
    """The reader's workbench: the sections that have items for them, in SECTIONS order."""
    by_section: dict[str, list[Item]] = {key: [] for key in SECTIONS}
    snapshot: versions.Snapshot | None = None
    pk = getattr(actor, "pk", None)
    for each in SOURCES.values():
        if each.reads and pk is not None:
            # The versions are read once, before the first kept source is computed (core.versions).
            snapshot = snapshot or versions.snapshot()
            where = f"workbench:{each.key}:{pk}:{timezone.localdate()}"
            items = versions.cached(snapshot, each.reads, where, partial(each.function, actor))
        else:
            items = each.function(actor)
        by_section[each.section].extend(items)
    return [Section(key, SECTIONS[key], items) for key, items in by_section.items() if items]
