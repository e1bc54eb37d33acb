"""What every file import shares beyond reading the file (qixin.core.tabular): who may start one at
all, the answer when another import holds the database, and the private, expiring copy of an upload
between its preview and its confirmation.

Each app's import function is wrapped by `runner`, so the pages, the API and the command line get
the same checks in the same order: the actor's right to import that kind first, before a byte of
the file is read (a file is parsed only for someone who could import it); then the import itself,
whose refusals are ApplicationErrors like any other.
"""

from __future__ import annotations

import functools
import logging
import os
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction

from . import audit, crypto, tabular
from .errors import ApplicationError, PermissionDenied, Problem
from .models import User
from .tabular import Column, Report

logger = logging.getLogger(__name__)

BUSY_MESSAGE = "另一项导入正在进行，请稍后再试。"


class Runner(Protocol):
    def __call__(
        self, *, actor: User | None, data: bytes, filename: str, dry_run: bool = False, progress: bool = False
    ) -> Report: ...


def runner(*, what: str, permitted: Callable[[Any], bool]) -> Callable[[Runner], Runner]:
    """Wrap an import function: refuse an actor who may not import `what` (e.g. "人员花名册")
    before the file is touched, and answer a concurrent import's lock in Chinese (409)."""

    def wrap(run: Runner) -> Runner:
        @functools.wraps(run)
        def guarded(
            *, actor: User | None, data: bytes, filename: str, dry_run: bool = False, progress: bool = False
        ) -> Report:
            if not permitted(actor):
                raise PermissionDenied(f"您没有导入{what}的权限：导入由所管理组织的党务工作者或书记进行。")
            try:
                return run(actor=actor, data=data, filename=filename, dry_run=dry_run, progress=progress)
            except OperationalError as exc:
                if is_lock_conflict(exc):
                    raise ApplicationError("import_busy", BUSY_MESSAGE, status=409) from exc
                raise
            except IntegrityError as exc:
                # Rows are checked before the write transaction, so that the database is locked
                # only while they are written; an import that wrote the same records in between
                # makes the write fail here, and the whole import is rolled back.
                logger.warning("import of %s refused: %s", filename, exc)
                raise ApplicationError(
                    "import_conflict",
                    "导入期间另一项导入或修改写入了相同的记录，本次没有导入任何数据，请重新导入。",
                    status=409,
                ) from exc

        return guarded

    return wrap


# What a row callback of `apply_rows` returns: "created", "updated" or "unchanged" (already there),
# and the preview line of a change.
RowResult = tuple[str, str]

PREVIEW_LINES = 20


def apply_rows(
    *,
    actor: User | None,
    data: bytes,
    filename: str,
    columns: Sequence[Column],
    apply: Callable[[dict[str, Any]], RowResult],
    model: str,
    dry_run: bool = False,
) -> Report:
    """The row loop of the imports that apply one row at a time through a service: every row is
    read, then applied inside one transaction, each in a savepoint so that a row a service refuses
    does not hide the problems of the next ones. A refusal is a problem at its row (and at the
    column the service names); any problem rolls everything back (tabular.refusal). A dry run
    always rolls back."""
    rows, problems = tabular.read(data, filename, columns)
    report = Report(dry_run=dry_run)
    bad_rows = {p.row for p in problems}
    with transaction.atomic():
        for number, values in rows:
            if number in bad_rows:
                continue
            try:
                with transaction.atomic():
                    outcome, line = apply(values)
            except ApplicationError as exc:
                problems += [
                    Problem(message=p.message, row=number, column=p.column or p.field, field=p.field)
                    for p in exc.problems
                ] or [Problem(message=exc.message, row=number)]
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
            if outcome != "unchanged" and len(report.changes) < PREVIEW_LINES:
                report.changes.append(line)
        if problems:
            transaction.set_rollback(True)
            raise tabular.refusal(problems, columns)
        audit.record(
            actor=actor,
            action="import",
            model=model,
            object_repr=filename[:200],
            changes={"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
        )
        if dry_run:
            transaction.set_rollback(True)
    return report


def is_lock_conflict(exc: OperationalError) -> bool:
    """SQLite's busy writer (after its busy_timeout), or PostgreSQL's lock timeout, deadlock or
    serialization failure: another transaction holds what this one needs."""
    text = str(exc).lower()
    if "database is locked" in text or "database table is locked" in text:
        return True
    return getattr(exc.__cause__, "sqlstate", None) in ("55P03", "40P01", "40001")


def _too_large(name: str) -> ApplicationError:
    limit = settings.QIXIN_IMPORT_MAX_BYTES // (1024 * 1024)
    return ApplicationError("file_too_large", f"文件“{name}”超过{limit} MB，请分批导入。")


def upload_bytes(upload: Any) -> bytes:
    """The content of an uploaded file (Django's UploadedFile), refused by its size before it is read."""
    if upload.size is None or upload.size > settings.QIXIN_IMPORT_MAX_BYTES:
        raise _too_large(upload.name or "upload")
    return bytes(upload.read())


def path_bytes(path: Path) -> bytes:
    """The content of a file given on the command line, refused by its size before it is read."""
    if path.stat().st_size > settings.QIXIN_IMPORT_MAX_BYTES:
        raise _too_large(path.name)
    return path.read_bytes()


# --- the upload between preview and confirmation ---------------------------------------------------


def _staging_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)  # also when it was made by an earlier version, world-readable
    return path


def _staged_path(user: User, token: str) -> Path:
    try:
        uuid.UUID(token)
    except ValueError:
        raise ApplicationError("invalid", "导入凭据无效，请重新上传文件。") from None
    return _staging_dir() / f"{user.pk}-{token}"


def _expired(path: Path, now: float) -> bool:
    try:
        return bool(path.stat().st_mtime < now - settings.QIXIN_IMPORT_PREVIEW_SECONDS)
    except FileNotFoundError:
        return True


def preview_stage(*, user: User, data: bytes) -> str:
    """Keep a previewed upload until its confirmation: encrypted with the field key, readable by the
    server's account only, under a random token. It replaces the user's earlier preview, and
    expired previews of anyone are deleted on the way."""
    preview_purge()
    for earlier in _staging_dir().glob(f"{user.pk}-*"):
        earlier.unlink(missing_ok=True)
    token = str(uuid.uuid4())
    path = _staging_dir() / f"{user.pk}-{token}"
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "wb") as out:
        out.write(crypto.seal(data, context=path.name))
    return token


def preview_take(*, user: User, token: str) -> bytes:
    """The staged upload of `token`, deleted as it is taken: a confirmation runs once, and a failed
    or interrupted one leaves nothing behind (the user uploads again)."""
    path = _staged_path(user, token)
    expired = _expired(path, time.time())
    try:
        sealed = path.read_bytes()
    except FileNotFoundError:
        sealed = b""
    path.unlink(missing_ok=True)
    if expired or not sealed:
        raise ApplicationError("expired", "待导入的文件已过期，请重新上传。")
    try:
        return crypto.unseal(sealed, context=path.name)
    except ValueError:
        raise ApplicationError("expired", "待导入的文件已失效，请重新上传。") from None


def preview_purge(*, now: float | None = None) -> int:
    """Delete the previews older than QIXIN_IMPORT_PREVIEW_SECONDS; returns how many."""
    moment = time.time() if now is None else now
    removed = 0
    for path in _staging_dir().iterdir():
        if path.is_file() and _expired(path, moment):
            path.unlink(missing_ok=True)
            removed += 1
    return removed
