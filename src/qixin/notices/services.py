"""Every write of notices: validated, permission-checked, audited, one transaction.

An attachment is checked before anything is written (its size as Django received it, its extension,
and its first bytes: what the content is, whatever the name says); it is then stored under
MEDIA_ROOT with a random name, and removed again if the notice's rows cannot be written, so that a
refused or failed publication leaves neither a notice nor a file.
"""

from __future__ import annotations

import codecs
import secrets
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qixin.core import audit
from qixin.core.access import reads_org, require, scope_for
from qixin.core.errors import ApplicationError, NotFound, Problem
from qixin.core.models import User
from qixin.core.validation import full_clean
from qixin.orgs.models import Organization
from qixin.people.models import EmploymentStatus, Membership, Person

from .models import AudienceKind, Notice, NoticeReceipt, SubjectKind
from .permissions import can_manage_notice, can_publish, can_read_notice

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
HEAD_BYTES = 8192  # what is read of an upload to judge its content
RECEIPT_BATCH = 1000

ALLOWED_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".txt": "text/plain",
}
ALLOWED_WORDS = "PDF、Word（.docx）、Excel（.xlsx）、JPG 或 PNG 图片、文本文件（.txt）"
# The part of an Office file (a zip) that says which it is.
OFFICE_PARTS = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}
ATTACHMENT = "附件"
CANCELLED_PREFIX = "会议取消："


def max_attachment_bytes() -> int:
    return int(getattr(settings, "QIXIN_NOTICE_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks: its cleaned original name, its type and size."""

    file: File[bytes]
    name: str
    suffix: str
    content_type: str
    size: int


def _clean_name(raw: str) -> str:
    name = PurePath(raw.replace("\\", "/")).name.strip().replace("\x00", "")
    return name[-150:] or "附件"


def _bad(message: str, code: str = "invalid_file") -> ApplicationError:
    return ApplicationError(code, message, [Problem(message=message, field=ATTACHMENT)])


def _looks_like_text(head: bytes) -> bool:
    """Text: no NUL byte, and the start decodes as UTF-8 (or GB18030, what Windows editors in Chinese
    save), a character cut at the end of the sample excepted."""
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _office_part(file: File[bytes], suffix: str) -> bool:
    """Whether a zip is the Office file its suffix says: its directory (at the end of the file, read
    by zipfile without loading the members) names the part that makes it one."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return OFFICE_PARTS[suffix] in archive.namelist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False


def _content_matches(file: File[bytes], suffix: str, head: bytes) -> bool:
    if suffix == ".pdf":
        return head.startswith(b"%PDF-")
    if suffix in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if suffix == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if suffix in OFFICE_PARTS:
        return head.startswith(b"PK\x03\x04") and _office_part(file, suffix)
    return _looks_like_text(head)


def attachment_check(file: File[bytes]) -> CheckedFile:
    """What an attachment must be to be accepted: not empty, not over the size limit, one of the
    allowed types by its extension, and its content that type (its first bytes; an Office file's zip
    directory). Reads at most HEAD_BYTES of it (and a zip's directory); refuses in Chinese."""
    name = _clean_name(file.name or "")
    size = file.size or 0
    limit = max_attachment_bytes()
    if size == 0:
        raise _bad(f"附件“{name}”是空文件，未上传。")
    if size > limit:
        raise _bad(
            f"附件“{name}”有 {size / 1024 / 1024:.1f} MB，超过上限 {limit / 1024 / 1024:.0f} MB，未上传。",
            code="file_too_large",
        )
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED_TYPES:
        raise _bad(f"附件“{name}”的类型不能上传：只能上传{ALLOWED_WORDS}。")
    file.seek(0)
    head = file.read(HEAD_BYTES)
    if not _content_matches(file, suffix, head):
        raise _bad(f"附件“{name}”的内容与扩展名“{suffix}”不符（文件可能已损坏或被改过扩展名），未上传。")
    file.seek(0)
    return CheckedFile(file=file, name=name, suffix=suffix, content_type=ALLOWED_TYPES[suffix], size=size)


def expected_readers(audience: Organization, kind: str) -> list[int]:
    """Who a notice to `audience` is sent to now: the current party members of its subtree (their
    branch, or their party group, in it), and with EVERYONE also the employees in service there."""
    members = Membership.objects.filter(ended_on__isnull=True).filter(
        Q(branch__path__startswith=audience.path) | Q(party_group__path__startswith=audience.path)
    )
    ids = set(members.values_list("person_id", flat=True))
    if kind == AudienceKind.EVERYONE:
        ids |= set(
            Person.objects.filter(
                organization__path__startswith=audience.path, employment_status=EmploymentStatus.ACTIVE
            ).values_list("pk", flat=True)
        )
    return sorted(ids)


def _required(value: str, label: str, problems: list[Problem]) -> str:
    value = value.replace("\x00", "").strip()
    if not value:
        problems.append(Problem(message="不能为空", field=label))
    return value


@transaction.atomic
def _write(notice: Notice, readers: Iterable[int], actor: User | None) -> Notice:
    full_clean(notice)
    notice.save()
    NoticeReceipt.objects.bulk_create(
        [NoticeReceipt(notice=notice, person_id=pk) for pk in readers], batch_size=RECEIPT_BATCH
    )
    audit.record(
        actor=actor,
        action="publish",
        obj=notice,
        changes={
            "organization": notice.organization.code,
            "audience": notice.audience.code,
            "audience_kind": notice.audience_kind,
            "readers": notice.expected_count,
            "attachment": notice.attachment_name,
            "subject": f"{notice.subject_kind}:{notice.subject_id}" if notice.subject_kind else "",
        },
    )
    return notice


def _store_and_write(
    notice: Notice, readers: list[int], actor: User | None, checked: CheckedFile | None
) -> Notice:
    """Store the file (streamed by the storage from Django's upload, in memory or a temporary file),
    then write the rows; if the rows fail, the file goes too."""
    storage = Notice._meta.get_field("attachment").storage
    stored = ""
    if checked is not None:
        stored = storage.save(
            f"notices/{notice.published_at:%Y/%m}/{secrets.token_hex(16)}{checked.suffix}", checked.file
        )
        notice.attachment.name = stored
        notice.attachment_name = checked.name
        notice.attachment_type = checked.content_type
        notice.attachment_size = checked.size
    try:
        return _write(notice, readers, actor)
    except BaseException:
        if stored:
            storage.delete(stored)
        raise


def notice_publish(
    *,
    actor: User | None,
    organization: Organization,
    title: str,
    body: str,
    audience: Organization | None = None,
    audience_kind: str = AudienceKind.MEMBERS,
    attachment: File[bytes] | None = None,
    now: datetime | None = None,
) -> Notice:
    """Publish a notice of `organization` to its subtree, or to `audience` within it: to its party
    members (by default) or to everyone there. Who it is sent to is kept as one receipt a reader."""
    require(reads_org(actor, organization), hide=True)
    require(can_publish(actor, organization))
    audience = audience or organization
    problems: list[Problem] = []
    title = _required(title, "标题", problems)
    body = _required(body, "正文", problems)
    if len(title) > 100:
        problems.append(Problem(message="不能超过100个字", field="标题"))
    if audience_kind not in AudienceKind.values:
        problems.append(Problem(message="应为党员或全体人员", field="发送对象"))
    if not audience.path.startswith(organization.path):
        problems.append(
            Problem(message=f"“{audience.name}”不在“{organization.name}”范围内", field="发送范围")
        )
    elif not audience.is_active:
        problems.append(Problem(message=f"“{audience.name}”已撤销", field="发送范围"))
    if problems:
        raise ApplicationError("invalid", "通知填写有误。", problems)
    readers = expected_readers(audience, audience_kind)
    if not readers:
        who = "党员" if audience_kind == AudienceKind.MEMBERS else "人员"
        raise ApplicationError(
            "no_readers",
            f"“{audience.name}”范围内目前没有{who}，通知无人可收。",
            [Problem(message=f"范围内没有{who}", field="发送范围")],
        )
    checked = attachment_check(attachment) if attachment is not None else None
    notice = Notice(
        organization=organization,
        audience=audience,
        audience_kind=audience_kind,
        title=title,
        body=body,
        expected_count=len(readers),
        published_at=now or timezone.now(),
        created_by=actor if actor is not None and actor.pk else None,
    )
    return _store_and_write(notice, readers, actor, checked)


def meeting_notice_publish(
    *,
    actor: User | None,
    organization: Organization,
    title: str,
    body: str,
    reader_ids: Iterable[int],
    meeting_id: int,
    link_url: str,
    link_label: str = "查看会议",
) -> Notice | None:
    """The notice of a planned meeting, to those expected at it (the roster the meeting app passes):
    published by the meeting's organization, linked to the meeting. None when nobody is expected."""
    require(can_publish(actor, organization))
    readers = sorted(set(reader_ids))
    if not readers:
        return None
    notice = Notice(
        organization=organization,
        audience=organization,
        audience_kind=AudienceKind.MEMBERS,
        title=title.strip()[:100],
        body=body.strip(),
        subject_kind=SubjectKind.MEETING,
        subject_id=meeting_id,
        link_url=link_url,
        link_label=link_label,
        expected_count=len(readers),
        published_at=timezone.now(),
        created_by=actor if actor is not None and actor.pk else None,
    )
    return _write(notice, readers, actor)


@transaction.atomic
def meeting_notice_cancel(
    *, actor: User | None, organization: Organization, meeting_id: int, title: str, body: str
) -> Notice | None:
    """A planned meeting is called off: its notice is withdrawn (nobody goes by it any more) and
    those it was sent to get a new notice saying so. None when the meeting had no notice."""
    require(can_publish(actor, organization))
    planned = list(
        Notice.objects.filter(
            subject_kind=SubjectKind.MEETING, subject_id=meeting_id, withdrawn_at__isnull=True
        ).exclude(title__startswith=CANCELLED_PREFIX)
    )
    if not planned:
        return None
    readers = set(NoticeReceipt.objects.filter(notice__in=planned).values_list("person_id", flat=True))
    now = timezone.now()
    for notice in planned:
        notice.withdrawn_at, notice.withdrawn_by = now, actor if actor is not None and actor.pk else None
        notice.save(update_fields=["withdrawn_at", "withdrawn_by"])
        audit.record(actor=actor, action="withdraw", obj=notice, changes={"reason": "会议已取消"})
    notice = Notice(
        organization=organization,
        audience=organization,
        audience_kind=AudienceKind.MEMBERS,
        title=f"{CANCELLED_PREFIX}{title.strip()}"[:100],
        body=body.strip(),
        subject_kind=SubjectKind.MEETING,
        subject_id=meeting_id,
        expected_count=len(readers),
        published_at=now,
        created_by=actor if actor is not None and actor.pk else None,
    )
    return _write(notice, sorted(readers), actor)


def notice_open(*, actor: User | None, notice: Notice, now: datetime | None = None) -> bool:
    """The reader opened the notice: their receipt is marked read, the first time only (one UPDATE;
    opening it again changes nothing). Returns whether this was the first time."""
    person_id = scope_for(actor).person_id
    if person_id is None or notice.withdrawn:
        return False
    marked = NoticeReceipt.objects.filter(notice=notice, person_id=person_id, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
    return bool(marked)


@transaction.atomic
def notice_withdraw(*, actor: User | None, notice: Notice, reason: str = "") -> Notice:
    """Withdraw a notice published by mistake: its readers no longer see it; its receipts and its
    attachment are kept, for the record. By who keeps the records of the publishing organization."""
    require(can_read_notice(actor, notice), hide=True)
    require(can_manage_notice(actor, notice))
    if notice.withdrawn:
        raise ApplicationError(
            "withdrawn", f"“{notice.title}”已于{timezone.localtime(notice.withdrawn_at):%Y-%m-%d %H:%M}撤回。"
        )
    notice.withdrawn_at = timezone.now()
    notice.withdrawn_by = actor if actor is not None and actor.pk else None
    notice.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit.record(actor=actor, action="withdraw", obj=notice, changes={"reason": reason.strip()[:200]})
    return notice


def attachment_open(*, actor: User | None, notice: Notice) -> File[bytes]:
    """The notice's attachment, opened for reading, for who may read the notice; the download is
    audited (who took which file)."""
    require(can_read_notice(actor, notice), hide=True)
    if not notice.attachment:
        raise NotFound()
    handle = notice.attachment.open("rb")
    audit.record(
        actor=actor,
        action="download",
        obj=notice,
        changes={"attachment": notice.attachment_name, "size": notice.attachment_size},
    )
    return handle
