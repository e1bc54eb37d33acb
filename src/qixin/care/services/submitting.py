"""Submitting a ticket, and the submitter's replies and rating; waiting while the database is busy."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime
from time import monotonic, sleep
from typing import IO, Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction

from qixin.core import audit
from qixin.core.errors import ApplicationError, Problem
from qixin.core.models import User

from .. import deadlines, limits, photos
from ..models import IntakePoint, MessageKind, Moderation, Ticket, TicketKind, TicketMessage, TicketStatus
from ._common import _now, _text
from .codes import FORM_EXPIRED, code_digest, code_for, nonce_read, ticket_by_code
from .notifications import notify_team

logger = logging.getLogger(__name__)


T = TypeVar("T")


def nonce_max_seconds() -> float:
    return float(getattr(settings, "QIXIN_CARE_NONCE_MAX_SECONDS", 24 * 3600))


def ticket_submit(
    *,
    actor: None = None,
    point: IntakePoint,
    kind: str,
    body: str,
    nonce: str,
    name: str = "",
    employee_no: str = "",
    photo: IO[bytes] | None = None,
    photo_size: int = 0,
    wish_consent: bool = False,
    device: str = "",
    now: datetime | None = None,
) -> tuple[Ticket, str, bool]:
    """Store what an employee wrote at an intake point: (ticket, follow-up code, created).

    Without a name and 工号 the ticket is anonymous and stores nothing about its sender. A repeated
    submission of the same form (same nonce) returns the first ticket: stored exactly once (the
    unique code digest decides, also between concurrent requests). `device` is the device cookie the
    post came with: counted in the cache (limits.py), never stored.

    A submission beyond the intake's limits is stored but held for moderation (Moderation.HELD,
    with the reason) and notifies no one; see limits.py. While the database is busy (a long import
    on SQLite) the write is tried again for QIXIN_CARE_BUSY_SECONDS, then refused with a 503 that
    keeps the form's nonce valid: nothing was stored.

    Not wrapped whole in one transaction on purpose: the photo is decoded and re-encoded before the
    transaction starts, so that SQLite's write lock is never held while an image is being processed.
    """
    if not point.is_active:
        raise ApplicationError("closed", "此二维码已停用。", status=404)
    form = nonce_read(nonce, point=point)
    if kind not in TicketKind.values:
        raise ApplicationError("invalid", "内容有误。", [Problem(message="请选择类别", field="类别")])
    body = _text(body, "内容")
    name = _text(name, "姓名", maximum=40, minimum=0)
    employee_no = _text(employee_no, "工号", maximum=20, minimum=0)
    code = code_for(nonce)
    digest = code_digest(code)
    existing = Ticket.objects.filter(code_digest=digest).first()
    if existing is not None:
        return existing, code, False
    moment = _now(now)
    form_age = (moment - form.fetched_at).total_seconds()
    if form_age > nonce_max_seconds():
        raise ApplicationError(FORM_EXPIRED, "页面打开时间过长，表单已失效：内容已保留，请再次点击“提交”。")
    clean_photo = photos.clean_photo(photo, photo_size) if photo is not None else None
    # Counted once the submission is known to be storable: a refused form uses up no one's budget.
    held = limits.hold_reason(
        point_token=point.token, device=device if form.fetched_with(device) else "", form_age=form_age
    )
    respond_due, close_due = deadlines.due_dates(kind, point.organization, moment)
    draft = Ticket(
        point=point,
        organization=point.organization,
        team_id=point.team_id,
        kind=kind,
        body=body,
        is_anonymous=not (name or employee_no),
        submitter_name=name,
        submitter_employee_no=employee_no,
        wish_consent=bool(wish_consent) and kind == TicketKind.WISH,
        code_digest=digest,
        moderation=Moderation.HELD if held else Moderation.VISIBLE,
        hold_reason=held,
        submitted_at=moment,
        respond_due=respond_due,
        close_due=close_due,
    )
    if clean_photo is not None:
        # Written once, outside the transaction: a retry while the database is busy reuses it.
        draft.photo.save(clean_photo.name or "photo.jpg", clean_photo, save=False)
    stored, created = _store_once(draft)
    return stored, code, created


def _store_once(draft: Ticket) -> tuple[Ticket, bool]:
    """Store the checked submission (tried again while the database is busy). The same form stored
    meanwhile by a concurrent request: that ticket. The photo file goes when nothing is stored."""
    photo_name = draft.photo.name or ""
    storage = Ticket._meta.get_field("photo").storage
    try:
        return _while_busy(lambda: _store(Ticket(**_fields(draft)))), True
    except IntegrityError:
        # The same form submitted concurrently: the other request stored it.
        if photo_name:
            storage.delete(photo_name)
        existing = Ticket.objects.filter(code_digest=draft.code_digest).first()
        if existing is None:
            raise
        return existing, False
    except ApplicationError:
        if photo_name:
            storage.delete(photo_name)
        raise


def _fields(draft: Ticket) -> dict[str, Any]:
    """A fresh copy of the draft for each try (a failed insert may leave a pk on the instance)."""
    names = [f.attname for f in Ticket._meta.concrete_fields if f.attname not in ("id", "photo")]
    return {name: getattr(draft, name) for name in names} | {"photo": draft.photo.name or ""}


def _store(ticket: Ticket) -> Ticket:
    """One try in one transaction (_while_busy's): the row, its hold event, the audit entry without
    a source address, and the team's notice once committed."""
    moment, held = ticket.submitted_at, ticket.hold_reason
    ticket.save(force_insert=True)
    if held:
        _message(ticket, MessageKind.EVENT, f"待审核：{held}", None, moment)
    # No source address in the audit log for a public submission, named or not.
    with audit.source(""):
        audit.record(
            actor=None,
            action="care_submit",
            obj=ticket,
            changes={
                "kind": ticket.kind,
                "point": ticket.point_id,
                "anonymous": ticket.is_anonymous,
                "moderation": ticket.moderation,
            },
        )
    if not held:
        # robust: the ticket is stored; a notice that fails (a busy database) must not turn
        # the employee's answer into an error. The team sees the ticket in its queue anyway.
        transaction.on_commit(functools.partial(notify_team, ticket.pk, "new"), robust=True)
    return ticket


def busy_seconds() -> float:
    return float(getattr(settings, "QIXIN_CARE_BUSY_SECONDS", 15))


def _is_busy(error: OperationalError) -> bool:
    """The database could not take the write now (another writer holds the lock), as opposed to a
    broken query or a lost connection."""
    cause = error.__cause__
    sqlite_code = getattr(cause, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return sqlite_code & 0xFF in (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED (and their extended codes)
    # lock_not_available (lock_timeout), serialization_failure, deadlock_detected
    return getattr(cause, "sqlstate", None) in ("55P03", "40001", "40P01")


def _limit_lock_wait(seconds: float) -> None:
    """PostgreSQL waits for a lock as long as it takes; give up after `seconds` instead, as SQLite
    does after its busy_timeout, so that the attempt can be retried or the employee told."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, true)", [f"{max(1, int(seconds * 1000))}ms"]
            )


def _while_busy(write: Callable[[], T]) -> T:
    """Run `write` in one transaction, again while the database is busy, for QIXIN_CARE_BUSY_SECONDS.

    Public writes come from employees who cannot "try again later" by themselves without losing what
    they typed. A long write elsewhere (a roster import on SQLite) holds the write lock; each attempt
    waits for it (SQLite's busy_timeout; on PostgreSQL a third of the budget), then this pauses and
    tries again. Past the budget: a 503 that says nothing was stored. A new attempt starts only within
    the budget, so the worst case is the budget plus one attempt's wait (15 + 5 s by default), below
    gunicorn's 30 s timeout."""
    budget = busy_seconds()
    deadline = monotonic() + budget
    pause = 0.1
    while True:
        try:
            with transaction.atomic():
                _limit_lock_wait(max(0.001, min(deadline - monotonic(), budget / 3)))
                return write()
        except OperationalError as error:
            if not _is_busy(error):
                raise
            if monotonic() + pause >= deadline:
                logger.warning(
                    "care: the database stayed busy for %.0f s; a public write was refused", budget
                )
                raise ApplicationError(
                    "busy",
                    "系统繁忙，您写的内容还没有保存。请稍后再点一次“提交”（内容已保留；如有照片，请重新选择）。",
                    status=503,
                ) from None
            sleep(pause)
            pause = min(pause * 2, 1.0)


def _message(ticket: Ticket, kind: str, body: str, author: User | None, now: datetime) -> TicketMessage:
    return TicketMessage.objects.create(ticket=ticket, kind=kind, body=body, author=author, created_at=now)


def ticket_reply(*, actor: None = None, code: str, body: str, now: datetime | None = None) -> Ticket:
    """The submitter writes again with the follow-up code. On a closed ticket that reopens it.
    Retried while the database is busy, like a submission (ticket_submit)."""
    body = _text(body, "内容")

    def write() -> Ticket:
        ticket = ticket_by_code(code)
        moment = _now(now)
        _message(ticket, MessageKind.REPLY, body, None, moment)
        reopened = ticket.status == TicketStatus.CLOSED
        if reopened:
            ticket.reopen_count += 1
            ticket.closed_at = None
            ticket.close_due = deadlines.due_dates(ticket.kind, ticket.organization, moment)[1]
            _message(ticket, MessageKind.EVENT, "员工重新打开", None, moment)
        ticket.status = TicketStatus.OPEN
        ticket.save(update_fields=["status", "reopen_count", "closed_at", "close_due"])
        with audit.source(""):
            audit.record(actor=None, action="care_reopen" if reopened else "care_reply", obj=ticket)
        event = "reopened" if reopened else "reply"
        transaction.on_commit(functools.partial(notify_team, ticket.pk, event), robust=True)
        return ticket

    return _while_busy(write)


def ticket_rate(*, actor: None = None, code: str, rating: int, now: datetime | None = None) -> Ticket:
    """The submitter rates the handling from 1 to 5, once it has been answered."""

    def write() -> Ticket:
        ticket = ticket_by_code(code)
        if ticket.status == TicketStatus.OPEN and ticket.first_response_at is None:
            raise ApplicationError("not_answered", "答复之后才能评价。")
        if rating not in (1, 2, 3, 4, 5):
            raise ApplicationError(
                "invalid", "评价有误。", [Problem(message="请选择 1 到 5 颗星", field="满意度")]
            )
        ticket.rating = rating
        ticket.rated_at = _now(now)
        ticket.save(update_fields=["rating", "rated_at"])
        with audit.source(""):
            audit.record(actor=None, action="care_rate", obj=ticket, changes={"rating": rating})
        return ticket

    return _while_busy(write)
