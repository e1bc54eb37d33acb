"""The one registry of the kinds of file that can be imported, exported and given as a template
(`qixin import/export/template KIND`, the pages under /import/ and /export/, the API's
/api/v1/import|export|template/{kind}).

Each app declares its kinds in its own `importers` module (`register(TabularKind(...))`) and tells the
registry, in its AppConfig.ready(), how to load that module (`provide`): the importers pull in the
app's services and the spreadsheet reader, start-up time that a command or a page using no file
should not pay, so they are loaded the first time a kind is asked for. The kernel imports no app.

A kind says everything once: its key, its label in Chinese, its columns (with their documentation,
whether they are required and an example, docs/import-formats.md), how its rows are checked and
applied (`apply`: every row checked first, then all applied through the app's services, or none),
how it is exported (`export_rows`, in the columns' order) and who may use it (`permitted`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ApplicationError

if TYPE_CHECKING:
    from .models import User
    from .tabular import Column, Report

# The apps' ready() import this module to `provide` their kinds: it imports nothing else at its top.
# The spreadsheet reader and writer (core.tabular, core.imports) are imported where a kind is used.

# (actor, data, filename, dry_run, progress) → Report: reads the file, checks every row (raising one
# ApplicationError "invalid_rows" listing every problem) and applies them all, or none.
Apply = Callable[..., "Report"]


@dataclass(frozen=True)
class TabularKind:
    key: str  # the name in commands and addresses: orgs, people, improve_projects…
    label: str  # what the pages and messages call it: 组织, 人员花名册…
    model: str  # the audit entries' model label: "orgs.Organization"
    columns: Sequence[Column]
    apply: Apply
    permitted: Callable[[Any], bool]  # who may import this kind at all (checked before the file is read)
    # The rows an export writes for an actor, in the columns' order; or, for a kind whose export
    # writes more than its rows (the roster audits how many rows were in clear), its own export:
    # (actor, path) → row count, audited by it. One of the two.
    export_rows: Callable[[User | None], Iterable[Sequence[Any]]] | None = None
    export_file: Callable[..., int] | None = None
    # Whether the kind holds fields masked on export (身份证号, 手机…): its export_file then takes a
    # `reason`; given one, it writes them in clear where the actor may see them, and audits the reason.
    in_clear: bool = False

    def __post_init__(self) -> None:
        if (self.export_rows is None) == (self.export_file is None):
            raise ValueError(f"tabular kind {self.key!r}: give export_rows or export_file")

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def run(
        self, *, actor: User | None, data: bytes, filename: str, dry_run: bool = False, progress: bool = False
    ) -> Report:
        """Import a file: the actor's right first (before a byte is read), then `apply`; another
        import holding the database is a 409 in Chinese (core.imports.runner)."""
        from . import imports  # start-up time: see the note at the top of the module

        @imports.runner(what=self.label, permitted=self.permitted)
        def guarded(
            *, actor: User | None, data: bytes, filename: str, dry_run: bool = False, progress: bool = False
        ) -> Report:
            return self.apply(actor=actor, data=data, filename=filename, dry_run=dry_run, progress=progress)

        return guarded(actor=actor, data=data, filename=filename, dry_run=dry_run, progress=progress)

    def export(self, *, actor: User | None, path: Path | str, reason: str | None = None) -> int:
        """Write what the actor may see in the import format; returns the row count. Audited.
        Personal fields are masked unless a `reason` asks for them in clear (kinds `in_clear`)."""
        from . import audit, tabular  # start-up time: see the note at the top of the module

        if reason is not None and not self.in_clear:
            raise ApplicationError(
                "invalid", f"“{self.label}”没有需要脱敏的字段，导出即为全文，无需填写事由。"
            )
        if self.export_file is not None:
            if self.in_clear:
                return self.export_file(actor=actor, path=path, reason=reason)
            return self.export_file(actor=actor, path=path)
        assert self.export_rows is not None
        count = tabular.write(path, self.headers, self.export_rows(actor))
        audit.record(
            actor=actor,
            action="export",
            model=self.model,
            object_repr=str(path)[-200:],
            changes={"rows": count},
        )
        return count

    def template(self, path: Path | str) -> None:
        """An empty file in the import format, with one example row (the columns' examples)."""
        from . import tabular  # start-up time: see the note at the top of the module

        tabular.write_template(path, self.columns)

    def example_row(self) -> dict[str, str]:
        return {c.header: c.example for c in self.columns}


_KINDS: dict[str, TabularKind] = {}
_LOADERS: list[Callable[[], None]] = []


def provide(load: Callable[[], None]) -> None:
    """Called by an app's ready(): `load` imports the app's importers module, which registers its
    kinds. It runs the first time any kind is asked for."""
    _LOADERS.append(load)


def register(kind: TabularKind) -> TabularKind:
    if kind.key in _KINDS and _KINDS[kind.key] is not kind:
        raise ValueError(f"tabular kind {kind.key!r} registered twice")
    _KINDS[kind.key] = kind
    return kind


def _loaded() -> dict[str, TabularKind]:
    while _LOADERS:
        _LOADERS.pop(0)()
    return _KINDS


def kinds() -> list[TabularKind]:
    """Every kind, in the order the apps registered them."""
    return list(_loaded().values())


def keys() -> list[str]:
    return list(_loaded())


def get(key: str) -> TabularKind:
    """The kind named `key`; an unknown name is a 404 in Chinese that lists the known ones."""
    found = _loaded().get(key)
    if found is None:
        raise ApplicationError(
            "not_found", f"没有名为“{key[:40]}”的导入类型；可用的类型：{'、'.join(_KINDS)}。", status=404
        )
    return found


def kinds_for(actor: User | None) -> list[TabularKind]:
    """The kinds the actor may import (the /import/ page lists these)."""
    return [kind for kind in kinds() if kind.permitted(actor)]
