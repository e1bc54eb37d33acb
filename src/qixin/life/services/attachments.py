"""A meeting's attachments: what a file must be to be accepted, adding and deleting."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from qixin.core import audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError
from qixin.core.models import User

from ..models import Attachment, Meeting
from ..permissions import can_keep_life

MAX_ATTACHMENT_BYTES: int = getattr(settings, "QIXIN_LIFE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


# What a file must start with to be accepted, whatever its name says.
SIGNATURES: list[tuple[bytes, str, str]] = [
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
]


ALLOWED_SUFFIXES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".pdf": "application/pdf",
}


def sniff(data: bytes) -> tuple[str, str] | None:
    """The type of a file judged by its first bytes (content), or None when it is not accepted."""
    for signature, content_type, suffix in SIGNATURES:
        if data.startswith(signature):
            return content_type, suffix
    return None


@transaction.atomic
def attachment_add(*, actor: User | None, meeting: Meeting, name: str, data: bytes) -> Attachment:
    """Photos (JPEG, PNG) and PDF only, checked by their content and not only their name; size-limited."""
    require(can_keep_life(actor, meeting.organization))
    name = name.strip().replace("/", "_").replace("\\", "_")[-150:] or "附件"
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ApplicationError(
            "file_too_large",
            f"文件“{name}”有{len(data) / 1024 / 1024:.1f} MB，超过上限{MAX_ATTACHMENT_BYTES // 1024 // 1024} MB。",
        )
    if not data:
        raise ApplicationError("invalid_file", f"文件“{name}”是空的。")
    sniffed = sniff(data)
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if sniffed is None or suffix not in ALLOWED_SUFFIXES or ALLOWED_SUFFIXES[suffix] != sniffed[0]:
        raise ApplicationError(
            "invalid_file",
            f"文件“{name}”不是照片（JPG、PNG）或 PDF，或内容与扩展名不符，未上传。",
        )
    attachment = Attachment(
        meeting=meeting,
        name=name,
        content_type=sniffed[0],
        size=len(data),
        uploaded_by=actor if actor is not None and actor.pk else None,
    )
    attachment.file.save(f"{secrets.token_hex(8)}{sniffed[1]}", ContentFile(data), save=False)
    attachment.save()
    audit.record(
        actor=actor, action="upload", obj=attachment, changes={"meeting": meeting.pk, "size": len(data)}
    )
    return attachment


@transaction.atomic
def attachment_delete(*, actor: User | None, attachment: Attachment, reason: str = "") -> None:
    """Delete a photo or file of a meeting (uploaded by mistake, or twice). The row goes at once; the
    file leaves storage only once the transaction has committed, so a rollback never leaves a row
    whose file is gone. The audit entry keeps its name, size and stored path."""
    require(can_keep_life(actor, attachment.meeting.organization))
    storage, stored = attachment.file.storage, attachment.file.name
    audit.record(
        actor=actor,
        action="delete",
        obj=attachment,
        changes={
            "meeting": attachment.meeting_id,
            "name": attachment.name,
            "size": attachment.size,
            "file": stored,
            "reason": reason.strip()[:200],
        },
    )
    attachment.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))
