"""Every write of the employee voice: validated, permission-checked, audited, one transaction.

Public writes (submitting, replying, rating) have no actor: the follow-up code is the submitter's only
key. They record an audit entry without a source address, and store nothing that identifies the
submitter of an anonymous ticket.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from time import monotonic, sleep
from typing import IO, Any, TypeVar

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from qixin.brand.services import deed_record
from qixin.core import audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError, NotFound, PermissionDenied, Problem
from qixin.core.models import User
from qixin.core.validation import full_clean
from qixin.improve.models import Category as SuggestionCategory
from qixin.improve.models import Source as SuggestionSource
from qixin.improve.models import SuggestionKind
from qixin.improve.services import suggestion_submit
from qixin.orgs.models import Organization, OrgKind

from . import deadlines, limits, photos, webhooks
from .models import (
    CALENDAR_KINDS,
    CALENDAR_NAME_MAX,
    CalendarDay,
    CareTeam,
    DeliveryStatus,
    IntakePoint,
    MessageKind,
    Moderation,
    Notification,
    TeamMember,
    Ticket,
    TicketKind,
    TicketMessage,
    TicketStatus,
    WebhookDelivery,
    Wish,
    WishStatus,
)
from .permissions import (
    can_claim_for_branch,
    can_edit_calendar,
    can_fulfil,
    can_handle,
    can_moderate,
    can_publish_wish,
    can_release_claim,
    can_set_up,
    can_withdraw_wish,
    is_team_member,
)

BODY_MIN, BODY_MAX = 1, 2000
logger = logging.getLogger(__name__)
T = TypeVar("T")


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _text(value: str, field: str, *, maximum: int = BODY_MAX, minimum: int = BODY_MIN) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ApplicationError(
            "invalid", "内容有误。", [Problem(message="包含不允许的控制字符", field=field)]
        )
    if len(value) < minimum:
        raise ApplicationError("invalid", "内容有误。", [Problem(message="请填写内容", field=field)])
    if len(value) > maximum:
        raise ApplicationError(
            "invalid", "内容有误。", [Problem(message=f"不能超过{maximum}个字", field=field)]
        )
    return value


# --- set-up: teams, members, intake points, calendar -------------------------------------------------


@transaction.atomic
def team_create(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    webhook_url: str = "",
    webhook_format: str = "",
) -> CareTeam:
    """A care team (连心桥团队) at an organization; its intake points route tickets to it."""
    require(can_set_up(actor, organization))
    if CareTeam.objects.filter(organization=organization, name=name.strip()).exists():
        raise ApplicationError("duplicate", f"“{organization.name}”已有名为“{name.strip()}”的团队。")
    team = CareTeam(
        organization=organization,
        name=name.strip(),
        webhook_url=webhook_url.strip(),
        webhook_format=webhook_format if webhook_url.strip() else "",
    )
    if team.webhook_url and not team.webhook_format:
        raise ApplicationError("invalid", "请选择群机器人类型（企业微信或钉钉）。")
    full_clean(team)
    team.save()
    audit.record(actor=actor, action="create", obj=team, changes={"organization": organization.code})
    return team


@transaction.atomic
def team_member_add(*, actor: User | None, team: CareTeam, user: User, is_leader: bool = False) -> TeamMember:
    require(can_set_up(actor, team.organization))
    member, created = TeamMember.objects.get_or_create(
        team=team, user=user, defaults={"is_leader": is_leader}
    )
    if not created and member.is_leader != is_leader:
        member.is_leader = is_leader
        member.save(update_fields=["is_leader", "updated_at"])
    audit.record(
        actor=actor, action="care_member", obj=team, changes={"user": user.username, "leader": is_leader}
    )
    return member


@transaction.atomic
def team_member_remove(*, actor: User | None, member: TeamMember) -> None:
    require(can_set_up(actor, member.team.organization))
    audit.record(
        actor=actor, action="care_member_remove", obj=member.team, changes={"user": member.user.username}
    )
    Ticket.objects.filter(team=member.team, assignee=member.user).update(assignee=None)
    member.delete()


@transaction.atomic
def point_create(
    *, actor: User | None, team: CareTeam, name: str, organization: Organization | None = None
) -> IntakePoint:
    """An intake point of `organization` (the team's by default, or one in its subtree)."""
    organization = organization or team.organization
    require(can_set_up(actor, organization))
    if not organization.path.startswith(team.organization.path):
        raise ApplicationError("invalid", "收集点所属组织必须在处理团队所属组织之内。")
    point = IntakePoint(
        organization=organization, team=team, name=name.strip(), token=secrets.token_urlsafe(12)
    )
    full_clean(point, exclude=["token"])
    point.save()
    audit.record(actor=actor, action="create", obj=point, changes={"team": team.pk, "name": point.name})
    return point


@transaction.atomic
def point_set_active(*, actor: User | None, point: IntakePoint, active: bool) -> IntakePoint:
    require(can_set_up(actor, point.organization))
    point.is_active = active
    point.save(update_fields=["is_active", "updated_at"])
    audit.record(actor=actor, action="update", obj=point, changes={"is_active": active})
    return point


WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
CALENDAR_RANGE_MAX_DAYS = 31


@dataclass(frozen=True)
class CalendarChange:
    """What setting a range of days did: the entries written (created or changed), and the days left
    alone because they already were so without an entry (the weekends of a holiday week)."""

    days: list[CalendarDay]
    unchanged: list[date]


def _calendar_require(actor: User | None, organization: Organization | None) -> None:
    if not can_edit_calendar(actor, organization):
        if organization is None:
            raise PermissionDenied("只有系统管理员可以修改全局工作日历；请填写适用组织。")
        raise PermissionDenied(f"您不能修改“{organization.name}”的工作日历。")


def _day_label(day: date) -> str:
    return f"{day.isoformat()}（{WEEKDAY_NAMES[day.weekday()]}）"


def _calendar_of(entry: CalendarDay) -> str:
    return f"“{entry.organization.name}”的日历" if entry.organization else "全局日历"


def _as_without_mark(source: CalendarDay | None, is_workday: bool) -> str:
    """What a day is without a mark of its own: "是休息日", or "在全局日历中是节假日（国庆节）"."""
    if source is None:
        return "是工作日" if is_workday else "是休息日"
    name = f"（{source.name}）" if source.name else ""
    return f"在{_calendar_of(source)}中是{source.kind_label}{name}"


def _calendar_set(
    *,
    actor: User | None,
    first: date,
    last: date,
    is_workday: bool,
    name: str,
    organization: Organization | None,
    skip_unchanged: bool,
) -> CalendarChange:
    """The one way a day of the calendar is written; see calendar_day_set and calendar_days_set."""
    _calendar_require(actor, organization)
    name = _text(name, "说明", maximum=CALENDAR_NAME_MAX, minimum=0)
    if last < first:
        raise ApplicationError(
            "invalid", "日期有误。", [Problem(message="结束日期不能早于开始日期", field="至")]
        )
    if (last - first).days + 1 > CALENDAR_RANGE_MAX_DAYS:
        raise ApplicationError(
            "invalid",
            "日期有误。",
            [Problem(message=f"一次最多登记{CALENDAR_RANGE_MAX_DAYS}天", field="至")],
        )
    inherited = deadlines.calendar_inherited(organization, first, last)
    own = {
        entry.day: entry
        for entry in CalendarDay.objects.select_for_update().filter(
            organization=organization, day__gte=first, day__lte=last
        )
    }
    field = "类型" if first == last else "日期"
    to_write: list[date] = []
    unchanged: list[date] = []
    problems: list[Problem] = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        source = inherited.get(day)
        without_entry = source.is_workday if source is not None else day.weekday() < 5
        if without_entry != is_workday:
            to_write.append(day)
            continue
        how = _as_without_mark(source, is_workday)
        if day in own:
            then = (
                "这条登记可以删除"
                if own[day].is_workday == is_workday
                else f"要改成{CALENDAR_KINDS[is_workday]}，请删除这条登记"
            )
            message = f"{_day_label(day)}已登记为{own[day].kind_label}，而不登记它也{how}：{then}"
        elif skip_unchanged:
            unchanged.append(day)
            continue
        elif source is None:
            message = f"{_day_label(day)}本来就{how}，不必登记为{CALENDAR_KINDS[is_workday]}"
        else:
            message = f"{_day_label(day)}{how}，不必重复登记"
        problems.append(Problem(message=message, field=field))
    if problems:
        summary = "这一天不必登记，未保存。" if first == last else "有的日期不必登记，整段都未保存。"
        raise ApplicationError("unchanged", summary, problems)
    if not to_write:
        raise ApplicationError(
            "unchanged",
            f"这段日期本来都是{'工作日' if is_workday else '休息日'}，不必登记为{CALENDAR_KINDS[is_workday]}。",
        )
    written: list[CalendarDay] = []
    for day in to_write:
        entry = own.get(day) or CalendarDay(day=day, organization=organization)
        before = {"workday": entry.is_workday, "name": entry.name} if entry.pk else None
        entry.is_workday, entry.name = is_workday, name
        full_clean(entry)
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            # The unique constraint: someone else registered the same day in the meantime.
            raise ApplicationError("conflict", f"{_day_label(day)}刚被其他人登记，请刷新后再试。") from None
        audit.record(
            actor=actor,
            action="care_calendar",
            obj=entry,
            changes={
                "day": day,
                "organization": organization.code if organization else None,
                "workday": is_workday,
                "name": name,
                "before": before,
            },
        )
        written.append(entry)
    return CalendarChange(days=written, unchanged=unchanged)


@transaction.atomic
def calendar_day_set(
    *,
    actor: User | None,
    day: date,
    is_workday: bool,
    name: str = "",
    organization: Organization | None = None,
) -> CalendarDay:
    """Mark a day as a holiday or a working day (调休), everywhere (administrators) or in an
    organization's subtree (its managers); an existing mark of that day there is changed.

    Deadlines count working days: Monday to Friday, minus holidays, plus 调休 days (deadlines.py). A
    mark that would change nothing (a Saturday as a holiday, a Wednesday as a working day, or what the
    global or a superior's calendar already says) is refused: it is most likely the wrong day or the
    wrong kind. Deadlines already set are not recomputed (see calendar_day_remove)."""
    change = _calendar_set(
        actor=actor,
        first=day,
        last=day,
        is_workday=is_workday,
        name=name,
        organization=organization,
        skip_unchanged=False,
    )
    return change.days[0]


@transaction.atomic
def calendar_days_set(
    *,
    actor: User | None,
    first: date,
    last: date,
    is_workday: bool,
    name: str = "",
    organization: Organization | None = None,
) -> CalendarChange:
    """Mark every day from first to last (at most 31) the same way, e.g. 国庆 10月1日–7日 as holidays.

    The same rules as calendar_day_set, except that days already so without a mark (the weekend in
    a holiday week) are left alone and reported, not refused. A day that has a mark of its own which
    the range would make pointless refuses the whole range. All or nothing."""
    return _calendar_set(
        actor=actor,
        first=first,
        last=last,
        is_workday=is_workday,
        name=name,
        organization=organization,
        skip_unchanged=True,
    )


@transaction.atomic
def calendar_day_remove(*, actor: User | None, entry: CalendarDay) -> None:
    """Remove a mark: the day is again what the week (and the global or a superior's calendar) makes
    it. Like setting a day, this applies to deadlines set from now on (tickets submitted, escalated or
    reopened afterwards); the due times of tickets already submitted are not recomputed."""
    _calendar_require(actor, entry.organization)
    audit.record(
        actor=actor,
        action="care_calendar_remove",
        obj=entry,
        changes={
            "day": entry.day,
            "organization": entry.organization.code if entry.organization else None,
            "workday": entry.is_workday,
            "name": entry.name,
        },
    )
    entry.delete()


# --- follow-up codes -------------------------------------------------------------------------------

CODE_ALPHABET_RE = re.compile(r"[^0-9A-Z]")


# A form's nonce: when it was fetched (base 36 seconds), for which device (a keyed digest of its
# cookie, zeros for none), a random part, and a signature over these and the QR code.
NONCE_RE = re.compile(r"^([0-9a-z]{1,10})\.([0-9a-f]{16})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22})$")
NO_DEVICE = "0" * 16
FORM_INVALID = "form_invalid"
FORM_EXPIRED = "form_expired"


@dataclass(frozen=True)
class FormNonce:
    """What a valid nonce says: when its form was fetched, and for which device."""

    fetched_at: datetime
    device_mark: str

    def fetched_with(self, device: str) -> bool:
        return bool(device) and hmac.compare_digest(self.device_mark, _device_mark(device))


def _device_mark(device: str) -> str:
    if not device:
        return NO_DEVICE
    return hmac.new(
        settings.SECRET_KEY.encode(), f"care-device:{device}".encode(), hashlib.sha256
    ).hexdigest()[:16]


def _nonce_signature(point_token: str, fetched: str, device_mark: str, random_part: str) -> str:
    message = f"care-nonce:{point_token}:{fetched}:{device_mark}:{random_part}".encode()
    mac = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode()[:22]


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[rest] + digits
        if not number:
            return digits


def new_nonce(*, point: IntakePoint, device: str = "", now: datetime | None = None) -> str:
    """The value put into each rendered intake form: submitting it twice stores one ticket, and it
    cannot be made up, used at another QR code, or sent back sooner than a person writes (limits.py).
    `device` is the device cookie the form goes to ("" when none)."""
    fetched = _base36(int(_now(now).timestamp()))
    mark = _device_mark(device)
    random_part = secrets.token_urlsafe(12)
    return f"{fetched}.{mark}.{random_part}.{_nonce_signature(point.token, fetched, mark, random_part)}"


def nonce_read(nonce: str, *, point: IntakePoint) -> FormNonce:
    """The form behind a submitted nonce, or a refusal when the nonce is not one this QR code's page
    gave out (an old page from before an update, another point's page, a made-up value)."""
    match = NONCE_RE.match(nonce or "")
    if match is None or not hmac.compare_digest(
        match.group(4), _nonce_signature(point.token, match.group(1), match.group(2), match.group(3))
    ):
        raise ApplicationError(FORM_INVALID, "表单已失效，请刷新页面后重新提交。")
    fetched = datetime.fromtimestamp(int(match.group(1), 36), tz=UTC)
    return FormNonce(fetched_at=fetched, device_mark=match.group(2))


def code_for(nonce: str) -> str:
    """The follow-up code of the submission carrying `nonce`: derived, so a repeated submission shows
    the same code again, and random to anyone who did not see the form (60 bits)."""
    mac = hmac.new(settings.SECRET_KEY.encode(), f"care-code:{nonce}".encode(), hashlib.sha256).digest()
    raw = base64.b32encode(mac).decode()[:12]
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_code(code: str) -> str:
    raw = CODE_ALPHABET_RE.sub("", (code or "").upper())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:12]}" if len(raw) == 12 else ""


def code_digest(code: str) -> str:
    normalized = normalize_code(code)
    return hmac.new(
        settings.SECRET_KEY.encode(), f"care-digest:{normalized}".encode(), hashlib.sha256
    ).hexdigest()


def ticket_by_code(code: str) -> Ticket:
    """The submitter's own ticket. A hidden or spam ticket still answers its code (nothing deleted)."""
    if not normalize_code(code):
        raise NotFound()
    ticket = Ticket.objects.select_related("point", "team").filter(code_digest=code_digest(code)).first()
    if ticket is None:
        raise NotFound()
    return ticket


# --- submitting -----------------------------------------------------------------------------------


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
    photo_name = ""
    if clean_photo is not None:
        # Written once, outside the transaction: a retry while the database is busy reuses it.
        draft = Ticket()
        draft.photo.save(clean_photo.name or "photo.jpg", clean_photo, save=False)
        photo_name = draft.photo.name or ""
    storage = Ticket._meta.get_field("photo").storage

    def store() -> Ticket:
        ticket = Ticket(
            point=point,
            organization=point.organization,
            team_id=point.team_id,
            kind=kind,
            body=body,
            photo=photo_name,
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
                    "kind": kind,
                    "point": point.pk,
                    "anonymous": ticket.is_anonymous,
                    "moderation": ticket.moderation,
                },
            )
        if not held:
            # robust: the ticket is stored; a notice that fails (a busy database) must not turn
            # the employee's answer into an error. The team sees the ticket in its queue anyway.
            transaction.on_commit(functools.partial(notify_team, ticket.pk, "new"), robust=True)
        return ticket

    try:
        ticket = _while_busy(store)
    except IntegrityError:
        # The same form submitted concurrently: the other request stored it.
        if photo_name:
            storage.delete(photo_name)
        existing = Ticket.objects.filter(code_digest=digest).first()
        if existing is None:
            raise
        return existing, code, False
    except ApplicationError:
        if photo_name:
            storage.delete(photo_name)
        raise
    return ticket, code, True


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


# --- handling -------------------------------------------------------------------------------------


def _lock(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("team", "organization")
        .get(pk=ticket.pk)
    )


@transaction.atomic
def ticket_assign(*, actor: User | None, ticket: Ticket, assignee: User | None) -> Ticket:
    """Give the ticket to a member of its team (or take it back to the team with None)."""
    require(can_handle(actor, ticket), hide=True)
    ticket = _lock(ticket)
    if assignee is not None and not is_team_member(assignee, ticket.team):
        raise ApplicationError("not_in_team", f"{assignee}不是“{ticket.team.name}”的成员。")
    ticket.assignee = assignee
    ticket.save(update_fields=["assignee"])
    _message(
        ticket, MessageKind.EVENT, f"分派给{assignee}" if assignee else "退回团队", actor, timezone.now()
    )
    audit.record(
        actor=actor, action="care_assign", obj=ticket, changes={"assignee": assignee.pk if assignee else None}
    )
    if assignee is not None and assignee != actor:
        _notify_users(ticket, [assignee], f"{ticket}已分派给您")
    return ticket


@transaction.atomic
def ticket_answer(
    *, actor: User | None, ticket: Ticket, body: str, now: datetime | None = None
) -> TicketMessage:
    """A public answer: the submitter reads it with the follow-up code."""
    require(can_handle(actor, ticket), hide=True)
    ticket = _lock(ticket)
    body = _text(body, "答复")
    moment = _now(now)
    message = _message(ticket, MessageKind.ANSWER, body, actor, moment)
    if ticket.first_response_at is None:
        ticket.first_response_at = moment
    if ticket.status != TicketStatus.CLOSED:
        ticket.status = TicketStatus.ANSWERED
    ticket.save(update_fields=["first_response_at", "status"])
    audit.record(actor=actor, action="care_answer", obj=ticket)
    return message


@transaction.atomic
def ticket_note(
    *, actor: User | None, ticket: Ticket, body: str, now: datetime | None = None
) -> TicketMessage:
    """An internal note: only those who handle the ticket see it."""
    require(can_handle(actor, ticket), hide=True)
    message = _message(ticket, MessageKind.NOTE, _text(body, "备注"), actor, _now(now))
    audit.record(actor=actor, action="care_note", obj=ticket)
    return message


@transaction.atomic
def ticket_close(*, actor: User | None, ticket: Ticket, result: str, now: datetime | None = None) -> Ticket:
    """Close with a result the submitter reads. The submitter may reopen it by replying."""
    require(can_handle(actor, ticket), hide=True)
    ticket = _lock(ticket)
    if ticket.status == TicketStatus.CLOSED:
        raise ApplicationError("already_closed", "该事项已办结。")
    moment = _now(now)
    ticket.result = _text(result, "办理结果")
    ticket.status = TicketStatus.CLOSED
    ticket.closed_at = moment
    if ticket.first_response_at is None:
        ticket.first_response_at = moment
    ticket.save(update_fields=["result", "status", "closed_at", "first_response_at"])
    _message(ticket, MessageKind.EVENT, "办结", actor, moment)
    audit.record(actor=actor, action="care_close", obj=ticket)
    return ticket


# Which moderation a ticket may be given from which. Nobody holds a ticket by hand: HELD is what the
# intake's limits give a submission (ticket_submit), and releasing it sends it to the team.
MODERATION_CHANGES = {
    Moderation.HELD: (Moderation.VISIBLE, Moderation.HIDDEN, Moderation.SPAM),
    Moderation.VISIBLE: (Moderation.HIDDEN, Moderation.SPAM),
    Moderation.HIDDEN: (Moderation.VISIBLE, Moderation.SPAM),
    Moderation.SPAM: (Moderation.VISIBLE, Moderation.HIDDEN),
}


@transaction.atomic
def ticket_moderate(
    *, actor: User | None, ticket: Ticket, moderation: str, now: datetime | None = None
) -> Ticket:
    """Hide a ticket or mark it as spam (or restore it), or release or discard a held submission.
    Nothing is ever deleted.

    Releasing a held submission (待审核 → 正常) puts it into the team's queue as if it came in now:
    the team is notified, and its deadlines count from the release (the team could not see it
    before)."""
    require(can_moderate(actor, ticket), hide=True)
    if moderation not in Moderation.values:
        raise ApplicationError("invalid", "审核状态有误。")
    ticket = _lock(ticket)
    before = ticket.moderation
    if moderation not in MODERATION_CHANGES[Moderation(before)]:
        if moderation == before:
            raise ApplicationError("unchanged", f"{ticket}已是“{Moderation(before).label}”。")
        raise ApplicationError(
            "invalid", f"{ticket}不能由“{Moderation(before).label}”改为“{Moderation(moderation).label}”。"
        )
    moment = _now(now)
    ticket.moderation = moderation
    fields = ["moderation"]
    released = before == Moderation.HELD and moderation == Moderation.VISIBLE
    if released:
        ticket.respond_due, ticket.close_due = deadlines.due_dates(ticket.kind, ticket.organization, moment)
        fields += ["respond_due", "close_due"]
    ticket.save(update_fields=fields)
    label = "放行，转入待办" if released else Moderation(moderation).label
    _message(ticket, MessageKind.EVENT, f"审核：{label}", actor, moment)
    audit.record(
        actor=actor, action="care_moderate", obj=ticket, changes={"moderation": [before, moderation]}
    )
    if released:
        transaction.on_commit(functools.partial(notify_team, ticket.pk, "new"))
    return ticket


@transaction.atomic
def held_tickets_moderate(
    *, actor: User | None, tickets: Sequence[Ticket], moderation: str, now: datetime | None = None
) -> list[Ticket]:
    """Release or discard several held submissions at once (the 待审核 queue after a flood): all or
    none, and only while they are still held (a colleague may have dealt with one meanwhile)."""
    if not tickets:
        raise ApplicationError("none_selected", "请先勾选要处理的事项。")
    if moderation not in (Moderation.VISIBLE, Moderation.SPAM):
        raise ApplicationError("invalid", "请选择放行或标为垃圾信息。")
    done = []
    for ticket in tickets:
        require(can_moderate(actor, ticket), hide=True)
        if _lock(ticket).moderation != Moderation.HELD:
            raise ApplicationError(
                "not_held", f"{ticket}已不在待审核中（已有人处理），请刷新后再试；所选事项均未改动。"
            )
        done.append(ticket_moderate(actor=actor, ticket=ticket, moderation=moderation, now=now))
    return done


def _team_above(org: Organization) -> CareTeam | None:
    """The care team of the nearest organization above `org` that has one."""
    return (
        CareTeam.objects.filter(organization__path__in=org.ancestor_paths(include_self=False), is_active=True)
        .select_related("organization")
        .order_by("-organization__depth", "id")
        .first()
    )


def overdue_q(now: datetime) -> Q:
    return ~Q(status=TicketStatus.CLOSED) & (
        Q(first_response_at__isnull=True, respond_due__lt=now) | Q(close_due__lt=now)
    )


@transaction.atomic
def tickets_escalate(*, actor: User | None, now: datetime | None = None) -> list[Ticket]:
    """Hand every overdue ticket to the care team of the organization above its current team's
    (`qixin care escalate`).

    The new team gets fresh deadlines from now, so running it again changes nothing until they pass
    too; at the top of the tree the ticket is only marked overdue, once.
    """
    from qixin.core.access import is_admin

    require(is_admin(actor))
    moment = _now(now)
    escalated: list[Ticket] = []
    candidates = (
        Ticket.objects.select_for_update(of=("self",))
        .filter(overdue_q(moment), moderation=Moderation.VISIBLE)
        .select_related("organization", "team__organization")
        .order_by("id")
    )
    for ticket in candidates:
        target = _team_above(ticket.team.organization)
        if target is None:
            if not ticket.was_overdue:
                ticket.was_overdue = True
                ticket.save(update_fields=["was_overdue"])
                audit.record(actor=actor, action="care_overdue", obj=ticket)
            continue
        before = ticket.team.name
        ticket.was_overdue = True
        ticket.escalation_level += 1
        ticket.team = target
        ticket.organization = target.organization
        ticket.assignee = None
        respond_due, close_due = deadlines.due_dates(ticket.kind, target.organization, moment)
        if ticket.first_response_at is None:
            ticket.respond_due = respond_due
        ticket.close_due = close_due
        ticket.save(
            update_fields=[
                "was_overdue",
                "escalation_level",
                "team",
                "organization",
                "assignee",
                "respond_due",
                "close_due",
            ]
        )
        _message(ticket, MessageKind.EVENT, f"超期未办，由“{before}”升级至“{target.name}”", actor, moment)
        audit.record(
            actor=actor, action="care_escalate", obj=ticket, changes={"from": before, "to": target.name}
        )
        escalated.append(ticket)
        transaction.on_commit(functools.partial(notify_team, ticket.pk, "escalated"))
    return escalated


# --- improvement suggestions ---------------------------------------------------------------------

# topic → the kind and category of the suggestion it becomes in the improve app.
FORWARD_TOPICS = {
    "cost": (SuggestionKind.COST, SuggestionCategory.MANUFACTURING),
    "quality": (SuggestionKind.RATIONAL, SuggestionCategory.QUALITY),
}


@transaction.atomic
def ticket_forward_suggestion(*, actor: User | None, ticket: Ticket, topic: str) -> Ticket:
    """Forward a 建议 about costs or quality into the improvement suggestion workflow (improve app).

    This is the one place that connects the two apps (care depends on improve, never the reverse)."""
    require(can_handle(actor, ticket), hide=True)
    if ticket.kind != TicketKind.SUGGESTION:
        raise ApplicationError("not_suggestion", "只有“建议”可以转入合理化建议。")
    if topic not in FORWARD_TOPICS:
        raise ApplicationError("invalid", "请选择建议涉及成本还是质量。")
    if ticket.forwarded_ref:
        raise ApplicationError("already_forwarded", "该建议已转入。")
    from qixin.core.services import system_user

    kind, category = FORWARD_TOPICS[topic]
    # The improvement workflow takes channel submissions from the system account (its docstring);
    # the ticket number is the external reference, so forwarding twice cannot create two.
    created = suggestion_submit(
        actor=system_user(),
        organization=ticket.organization,
        text=ticket.body,
        submitter=None,
        source=SuggestionSource.QR,
        kind=kind,
        category=category,
        external_ref=f"care-{ticket.pk}",
        submitted_at=ticket.submitted_at,
    )
    ticket.forwarded_ref = str(created.pk)[:64]
    ticket.save(update_fields=["forwarded_ref"])
    _message(ticket, MessageKind.EVENT, "已转入合理化建议", actor, timezone.now())
    audit.record(actor=actor, action="care_forward", obj=ticket, changes={"ref": ticket.forwarded_ref})
    return ticket


# --- wishes (点亮心愿) -----------------------------------------------------------------------------


@transaction.atomic
def wish_publish(
    *, actor: User | None, ticket: Ticket, title: str, text: str, now: datetime | None = None
) -> Wish:
    """Put a 心愿 on its organization's wall, only with the wisher's consent. The team writes the
    public wording (without anything that identifies the wisher)."""
    require(can_handle(actor, ticket), hide=True)
    if ticket.kind != TicketKind.WISH:
        raise ApplicationError("not_wish", "只有“心愿”可以上心愿墙。")
    require(can_publish_wish(actor, ticket))
    if Wish.objects.filter(ticket=ticket).exists():
        raise ApplicationError("already_published", "该心愿已在心愿墙上。")
    wish = Wish(
        ticket=ticket,
        organization=ticket.point.organization if ticket.point else ticket.organization,
        title=_text(title, "心愿", maximum=100),
        text=_text(text, "说明"),
        published_at=_now(now),
    )
    full_clean(wish)
    wish.save()
    audit.record(actor=actor, action="care_wish_publish", obj=wish)
    return wish


@transaction.atomic
def wish_claim(
    *, actor: User | None, wish: Wish, branch: Organization | None = None, now: datetime | None = None
) -> Wish:
    """A party member claims a wish for themself, or a branch's secretary for the branch."""
    from qixin.people.models import Membership

    if branch is None:
        person_id = getattr(actor, "person_id", None)
        if (
            not person_id
            or not Membership.objects.filter(person_id=person_id, ended_on__isnull=True).exists()
        ):
            raise ApplicationError("not_member", "只有在册党员可以认领心愿（或以党支部名义认领）。")
        fields: dict[str, Any] = {"claimed_by_person_id": person_id}
    else:
        if branch.kind != OrgKind.BRANCH:
            raise ApplicationError("not_branch", "只能以党支部名义认领。")
        require(can_claim_for_branch(actor, branch))
        fields = {"claimed_by_branch": branch}
    moment = _now(now)
    updated = Wish.objects.filter(pk=wish.pk, status=WishStatus.PUBLISHED).update(
        status=WishStatus.CLAIMED, claimed_at=moment, **fields
    )
    if not updated:
        raise ApplicationError("taken", "该心愿已被认领或已撤下。")
    wish.refresh_from_db()
    audit.record(
        actor=actor, action="care_wish_claim", obj=wish, changes={"branch": branch.code if branch else None}
    )
    return wish


@transaction.atomic
def wish_fulfil(*, actor: User | None, wish: Wish, fulfilment: str, now: datetime | None = None) -> Wish:
    """The wish came true: recorded as the claimant's contribution, answered and closed for the wisher."""
    wish = (
        Wish.objects.select_for_update(of=("self",))
        .select_related("ticket", "claimed_by_branch")
        .get(pk=wish.pk)
    )
    require(can_fulfil(actor, wish))
    if wish.status != WishStatus.CLAIMED:
        raise ApplicationError("not_claimed", "心愿认领之后才能标记为已实现。")
    moment = _now(now)
    wish.fulfilment = _text(fulfilment, "实现情况")
    wish.status = WishStatus.FULFILLED
    wish.fulfilled_at = moment
    wish.contribution_ref = record_contribution(actor=actor, wish=wish)
    wish.save(update_fields=["fulfilment", "status", "fulfilled_at", "contribution_ref", "updated_at"])
    ticket = wish.ticket
    _message(ticket, MessageKind.ANSWER, f"您的心愿已实现：{wish.fulfilment}", actor, moment)
    if ticket.first_response_at is None:
        ticket.first_response_at = moment
    if ticket.status != TicketStatus.CLOSED:
        ticket.status = TicketStatus.CLOSED
        ticket.closed_at = moment
        ticket.result = wish.fulfilment
    ticket.save(update_fields=["first_response_at", "status", "closed_at", "result"])
    audit.record(actor=actor, action="care_wish_fulfil", obj=wish)
    return wish


def record_contribution(*, actor: User | None, wish: Wish) -> str:
    """The one place a fulfilled wish becomes a record of the claiming member's contribution: a deed
    in the brand app (brand.services.deed_record) with the wish as its source. A wish claimed by a
    branch has no single member to credit, so it stays a record of the branch here. Returns the
    deed's id, or "" when there is none."""
    if wish.claimed_by_person is None:
        return ""
    from qixin.core.services import system_user

    assert wish.fulfilled_at is not None
    # Recorded by the system account: the fulfilment was authorized above, the deed follows from it.
    deed = deed_record(
        actor=system_user(),
        person=wish.claimed_by_person,
        pillars=[],
        on=timezone.localdate(wish.fulfilled_at),
        description=f"点亮心愿：{wish.title}。{wish.fulfilment}",
        source=wish,
        source_url=f"/care/wall/{wish.organization_id}/",
    )
    return str(deed.pk)


def _wish_locked(wish: Wish) -> Wish:
    """The wish as it is now, locked until the transaction ends (two people acting on one wish at
    the same moment are served one after the other)."""
    return (
        Wish.objects.select_for_update(of=("self",))
        .select_related(
            "ticket", "ticket__organization", "ticket__team", "claimed_by_person", "claimed_by_branch"
        )
        .get(pk=wish.pk)
    )


@transaction.atomic
def wish_release(*, actor: User | None, wish: Wish, now: datetime | None = None) -> Wish:
    """Give a claimed wish back to the wall (待认领) so someone else may claim it: by the claimant
    (the member themself, or the branch's managers) or whoever handles the ticket, the same people
    who may mark it fulfilled. Who held it is kept in the audit entry and the ticket's handling
    record (not shown to the wisher)."""
    wish = _wish_locked(wish)
    require(can_release_claim(actor, wish))
    if wish.status != WishStatus.CLAIMED:
        raise ApplicationError(
            "not_claimed", f"心愿“{wish.title}”当前为“{wish.get_status_display()}”，没有认领可放弃。"
        )
    claimant = wish.claimant
    held = {
        "person": wish.claimed_by_person.employee_no if wish.claimed_by_person else None,
        "branch": wish.claimed_by_branch.code if wish.claimed_by_branch else None,
        "claimed_at": wish.claimed_at,
    }
    wish.status = WishStatus.PUBLISHED
    wish.claimed_by_person, wish.claimed_by_branch, wish.claimed_at = None, None, None
    full_clean(wish)
    wish.save(update_fields=["status", "claimed_by_person", "claimed_by_branch", "claimed_at", "updated_at"])
    _message(wish.ticket, MessageKind.EVENT, f"解除{claimant}的认领，心愿重新待认领。", actor, _now(now))
    audit.record(actor=actor, action="care_wish_release", obj=wish, changes={"released": held})
    return wish


@transaction.atomic
def wish_withdraw(*, actor: User | None, wish: Wish, reason: str, now: datetime | None = None) -> Wish:
    """Take a wish down from the wall, stating why (the wisher asked, it was already met elsewhere):
    by whoever handles its ticket, as they put it up (wish_publish). A fulfilled wish stays: it is a
    record of what was done. A claimed one may be taken down; the claimant is kept on record. The
    reason goes into the ticket's handling record and the audit entry; the ticket itself is answered
    and closed by its handlers as usual."""
    wish = _wish_locked(wish)
    require(can_withdraw_wish(actor, wish))
    if wish.status == WishStatus.FULFILLED:
        raise ApplicationError("fulfilled", "已实现的心愿不能撤下。")
    if wish.status == WishStatus.WITHDRAWN:
        raise ApplicationError("withdrawn", f"心愿“{wish.title}”已撤下。")
    reason = _text(reason, "撤下原因", maximum=200)
    before = wish.status
    wish.status = WishStatus.WITHDRAWN
    wish.save(update_fields=["status", "updated_at"])
    _message(wish.ticket, MessageKind.EVENT, f"心愿已从心愿墙撤下：{reason}", actor, _now(now))
    audit.record(
        actor=actor,
        action="care_wish_withdraw",
        obj=wish,
        changes={
            "status": [before, WishStatus.WITHDRAWN],
            "claimant": wish.claimant or None,
            "reason": reason,
        },
    )
    return wish


# --- notifications --------------------------------------------------------------------------------

NOTICE_TEXT = {
    "new": "新的{kind}（{point}）",
    "reply": "{kind}有员工追问（{point}）",
    "reopened": "{kind}被员工重新打开（{point}）",
    "escalated": "超期升级：{kind}（{point}）",
}


def ticket_url(ticket_pk: int) -> str:
    base = getattr(settings, "QIXIN_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}/care/tickets/{ticket_pk}/"


def _notify_users(ticket: Ticket, users: list[User], text: str) -> None:
    now = timezone.now()
    Notification.objects.bulk_create(
        [Notification(user=u, ticket=ticket, text=text[:200], created_at=now) for u in users]
    )
    emails = [u.email for u in users if u.email]
    if emails:
        send_mail(f"[旗心] {text}", f"{text}\n{ticket_url(ticket.pk)}", None, emails, fail_silently=True)


def notify_team(ticket_pk: int, event: str) -> None:
    """Tell the ticket's team: in the app, by email, and in its group chat (WeCom / DingTalk robot).

    Nothing the submitter wrote goes into the group chat: only the kind, the place and the link."""
    ticket = Ticket.objects.select_related("team", "point", "assignee").filter(pk=ticket_pk).first()
    if ticket is None or ticket.moderation != Moderation.VISIBLE:
        return
    text = NOTICE_TEXT[event].format(
        kind=ticket.get_kind_display(), point=ticket.point or ticket.organization
    )
    members = [m.user for m in ticket.team.members.select_related("user")]
    if ticket.assignee is not None and event in ("reply", "reopened"):
        members = [ticket.assignee]
    if not members and not ticket.team.webhook_url:
        return  # nobody to tell: do not take the database's write lock for nothing
    with transaction.atomic():
        _notify_users(ticket, members, text)
        delivery = None
        if ticket.team.webhook_url:
            delivery = WebhookDelivery.objects.create(
                team=ticket.team,
                ticket=ticket,
                url=ticket.team.webhook_url,
                format=ticket.team.webhook_format,
                payload=webhooks.payload(
                    ticket.team.webhook_format, "旗心·员工心声", text, ticket_url(ticket.pk)
                ),
                created_at=timezone.now(),
                next_attempt_at=timezone.now(),
            )
    if delivery is not None:
        webhooks.attempt(delivery)


@transaction.atomic
def notifications_mark_read(*, actor: User, ids: list[int] | None = None) -> int:
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def deliveries_retry(*, actor: User | None, now: datetime | None = None) -> int:
    """Send again every webhook delivery whose retry time has come (`qixin care deliver`)."""
    from qixin.core.access import is_admin

    require(is_admin(actor))
    moment = _now(now)
    due = list(WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=moment))
    for delivery in due:
        webhooks.attempt(delivery, now=moment)
    return len(due)
