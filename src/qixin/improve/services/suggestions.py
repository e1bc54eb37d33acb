"""Writes of suggestions (合理化建议): submitting, review, decisions, conversion, merging, duplicates, points."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qixin.core import access, audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError, Problem
from qixin.core.models import User
from qixin.core.rules import rulebook
from qixin.core.validation import full_clean
from qixin.orgs.models import Organization
from qixin.people.models import Person

from ..models import (
    SUGGESTION_TRANSITIONS,
    Category,
    DuplicateCandidate,
    DuplicateStatus,
    PointsEntry,
    PointsEvent,
    Project,
    Source,
    Suggestion,
    SuggestionAttachment,
    SuggestionCredit,
    SuggestionEvent,
    SuggestionKind,
    SuggestionStatus,
)
from ..permissions import (
    can_manage_org,
    can_review_suggestion,
    can_submit_suggestion,
    can_view_project,
    can_view_suggestion,
)
from ..points import POINTS_RULES
from ..text import search, segment, similarity
from ._common import _active, _not_future, _number, _today, money
from .projects import _check_category, project_create

SUGGESTION_MIN_LENGTH = 5


SUGGESTION_MAX_LENGTH = 4000


MAX_ATTACHMENTS = 5


MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


ATTACHMENT_TYPES = {
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".webp",
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".txt",
}


@dataclass(frozen=True)
class AttachmentUpload:
    """A file as the pages, the API or the employee-voice app hand it over."""

    name: str
    content: bytes
    content_type: str = ""


def suggestion_tokens(suggestion: Suggestion) -> str:
    """What the search index holds of a suggestion: its words and its number. Category and department
    are filters of the list, not words of the text: indexed, a word like 降本 (in 制造降本, 采购降本 …)
    would match half of all suggestions and say nothing."""
    return segment.index_tokens(suggestion.title, suggestion.text, suggestion.number)


def _check_attachments(attachments: Sequence[AttachmentUpload]) -> None:
    problems = []
    if len(attachments) > MAX_ATTACHMENTS:
        raise ApplicationError("too_many_files", f"附件最多{MAX_ATTACHMENTS}个。")
    for upload in attachments:
        suffix = PurePath(upload.name).suffix.lower()
        if suffix not in ATTACHMENT_TYPES:
            problems.append(Problem(message=f"不支持的文件类型“{suffix or '无扩展名'}”", field=upload.name))
        elif len(upload.content) > MAX_ATTACHMENT_BYTES:
            problems.append(
                Problem(message=f"文件超过{MAX_ATTACHMENT_BYTES // 1024 // 1024}MB", field=upload.name)
            )
        elif not upload.content:
            problems.append(Problem(message="文件是空的", field=upload.name))
    if problems:
        raise ApplicationError(
            "bad_attachment", "附件不符合要求：图片、PDF、Office 文档或文本文件，每个不超过10MB。", problems
        )


def _event(suggestion: Suggestion, before: str, after: str, actor: User | None, note: str = "") -> None:
    SuggestionEvent.objects.create(
        suggestion=suggestion,
        from_status=before,
        to_status=after,
        at=timezone.now(),
        actor=actor if actor and actor.pk else None,
        note=note,
    )


def points_for(org: Organization, event: str) -> int:
    """The points of an event at an organization: a rule (core.rules) the organization or an
    ancestor may override; the defaults are this app's own (RULES.md names no number)."""
    return int(rulebook(org).get(POINTS_RULES[PointsEvent(event)].key))


def _award(
    suggestion: Suggestion, events: Sequence[str], on: date, people: Iterable[int] | None = None
) -> None:
    """Points for everyone credited (or the given people), once per person, suggestion and event."""
    person_ids = (
        list(people) if people is not None else list(suggestion.credits.values_list("person_id", flat=True))
    )
    if not person_ids:
        return
    entries = []
    for event in events:
        points = points_for(suggestion.organization, event)
        if points:
            entries += [
                PointsEntry(person_id=pid, suggestion=suggestion, event=event, points=points, awarded_on=on)
                for pid in person_ids
            ]
    PointsEntry.objects.bulk_create(entries, ignore_conflicts=True)


def _events_reached(status: str) -> list[str]:
    """The points events a suggestion in `status` has earned (conversion implies acceptance)."""
    reached: dict[str, list[str]] = {
        SuggestionStatus.ACCEPTED: [PointsEvent.ACCEPTED],
        SuggestionStatus.IMPLEMENTED: [PointsEvent.ACCEPTED, PointsEvent.IMPLEMENTED],
        SuggestionStatus.CONVERTED: [PointsEvent.ACCEPTED, PointsEvent.CONVERTED],
    }
    return reached.get(status, [])


def _check_submitter(actor: User, organization: Organization, submitter: Person | None) -> None:
    """An employee submits as themselves; for someone else, or anonymously, the managers of the
    organization enter it."""
    require(actor is not None and can_submit_suggestion(actor))
    own = submitter is not None and access.is_self(actor, submitter.pk)
    if not own and not can_manage_org(actor, organization):
        raise ApplicationError(
            "not_self",
            "只能以本人名义提交建议；代为录入或匿名录入请由所在组织的书记或党务工作者办理。",
            status=403,
        )


def _checked_text(text: str) -> str:
    body = text.strip()
    if len(body) < SUGGESTION_MIN_LENGTH:
        raise ApplicationError("too_short", f"建议内容太短，请至少写{SUGGESTION_MIN_LENGTH}个字。")
    if len(body) > SUGGESTION_MAX_LENGTH:
        raise ApplicationError("too_long", f"建议内容不能超过{SUGGESTION_MAX_LENGTH}个字。")
    return body


def _checked_benefit(expected_benefit: Decimal | int | str | None) -> Decimal | None:
    """The expected yearly benefit in yuan, or None when not stated; never negative."""
    if expected_benefit is None or expected_benefit == "":
        return None
    benefit = money(expected_benefit, "预期效益")
    if benefit < 0:
        raise ApplicationError("invalid", "预期效益不能为负数。")
    return benefit


def _store_attachments(suggestion: Suggestion, attachments: Sequence[AttachmentUpload]) -> None:
    for upload in attachments:
        stored = SuggestionAttachment(
            suggestion=suggestion,
            name=PurePath(upload.name).name[:200],
            size=len(upload.content),
            content_type=upload.content_type[:100],
        )
        stored.file.save(PurePath(upload.name).name[-80:], ContentFile(upload.content), save=False)
        stored.save()


def _queue_likely_duplicates(suggestion: Suggestion, now: datetime) -> list[tuple[int, float]]:
    """Score the new suggestion against the existing ones; the likely duplicates go to the
    reviewers' queue (nothing is rejected automatically). Returns (id, score) of each."""
    from ..selectors import likely_duplicates_of

    found = likely_duplicates_of(suggestion)
    DuplicateCandidate.objects.bulk_create(
        [
            DuplicateCandidate(suggestion=suggestion, candidate_id=pk, score=round(score, 3), found_at=now)
            for pk, score in found
        ]
    )
    return found


@transaction.atomic
def suggestion_submit(
    *,
    actor: User,
    organization: Organization,
    text: str,
    submitter: Person | None = None,
    source: str = Source.UI,
    title: str = "",
    kind: str = SuggestionKind.COST,
    category: str = Category.MANUFACTURING,
    custom_category: str = "",
    department: str = "",
    expected_benefit: Decimal | int | str | None = None,
    attachments: Sequence[AttachmentUpload] = (),
    external_ref: str = "",
    submitted_at: datetime | None = None,
) -> Suggestion:
    """Submit a suggestion (降本建议 / 合理化建议): the one entry point for the pages (source "ui"),
    the API ("api"), imports ("import") and the employee QR channel of the care app ("qr"), which
    forwards a 建议 with actor=core.services.system_user() and its ticket number as external_ref.

    - An employee submits as themselves (submitter = their own person). Entering one for someone
      else, or an anonymous one (submitter None), needs the management of the organization (the
      system account has it everywhere).
    - The same external_ref (e.g. the ticket number) is accepted once: forwarding again returns the
      first suggestion unchanged.
    - Text of 5 to 4000 characters; at most 5 attachments (images, PDF, Office, text; 10 MB each).
    - The most similar existing suggestions are scored; likely duplicates go to the reviewers' queue.
      Nothing is rejected automatically.
    - The submitter earns the submission points (core.rules "improve.points.submitted").
    """
    _check_submitter(actor, organization, submitter)
    if source not in Source.values:
        raise ApplicationError("invalid", f"“{source}”不是有效的来源，应为：{'、'.join(Source.values)}。")
    external_ref = external_ref.strip()
    if external_ref:
        existing = Suggestion.objects.filter(external_ref=external_ref).first()
        if existing is not None:
            return existing
    _active(organization)
    body = _checked_text(text)
    if kind not in SuggestionKind.values:
        raise ApplicationError("invalid", f"“{kind}”不是有效的建议类型。")
    _check_category(category, custom_category)
    benefit = _checked_benefit(expected_benefit)
    _check_attachments(attachments)
    now = timezone.now()
    suggestion = Suggestion(
        number=f"tmp-{now.timestamp()}",
        title=title.strip()[:100],
        text=body,
        kind=kind,
        category=category,
        custom_category=custom_category.strip() if category == Category.CUSTOM else "",
        organization=organization,
        department=department.strip()[:100],
        submitter=submitter,
        source=source,
        entered_by=actor if actor.pk else None,
        external_ref=external_ref[:64],
        expected_benefit=benefit,
        submitted_at=submitted_at or now,
    )
    full_clean(suggestion)
    suggestion.save()
    suggestion.number = _number("JY", timezone.localdate(suggestion.submitted_at), suggestion.pk)
    suggestion.search_tokens = suggestion_tokens(suggestion)
    suggestion.dedup_tokens = similarity.dedup_tokens(f"{suggestion.title}。{suggestion.text}")
    suggestion.save(update_fields=["number", "search_tokens", "dedup_tokens"])
    search.index_rows(Suggestion, [(suggestion.pk, suggestion.search_tokens)])
    _store_attachments(suggestion, attachments)
    if submitter is not None:
        SuggestionCredit.objects.create(suggestion=suggestion, person=submitter)
        _award(suggestion, [PointsEvent.SUBMITTED], timezone.localdate(suggestion.submitted_at))
    _event(suggestion, "", SuggestionStatus.SUBMITTED, actor, note=Source(source).label)
    found = _queue_likely_duplicates(suggestion, now)
    audit.record(
        actor=actor,
        action="submit",
        obj=suggestion,
        changes={
            "number": suggestion.number,
            "organization": organization.code,
            "submitter": submitter.employee_no if submitter else "匿名",
            "source": source,
            "external_ref": external_ref,
            "attachments": len(attachments),
            "likely_duplicates": [pk for pk, _ in found],
        },
    )
    return suggestion


def _lock_suggestion(suggestion: Suggestion) -> Suggestion:
    return Suggestion.objects.select_for_update().select_related("organization").get(pk=suggestion.pk)


def _move(suggestion: Suggestion, to: str, actor: User | None, note: str = "") -> str:
    before = suggestion.status
    if to not in SUGGESTION_TRANSITIONS[before]:
        raise ApplicationError(
            "bad_transition",
            f"建议当前“{SuggestionStatus(before).label}”，不能变为“{SuggestionStatus(to).label}”。",
        )
    suggestion.status = to
    _event(suggestion, before, to, actor, note)
    return before


def _reviewable(actor: User | None, suggestion: Suggestion) -> Suggestion:
    suggestion = _lock_suggestion(suggestion)
    require(can_view_suggestion(actor, suggestion), hide=True)
    require(can_review_suggestion(actor, suggestion))
    return suggestion


@transaction.atomic
def suggestion_start_review(*, actor: User | None, suggestion: Suggestion) -> Suggestion:
    """A reviewer (designated for its organization and department, or a manager of the
    organization) takes a submitted suggestion under review."""
    suggestion = _reviewable(actor, suggestion)
    before = _move(suggestion, SuggestionStatus.REVIEWING, actor)
    suggestion.reviewer = actor if actor and actor.pk else None
    suggestion.save(update_fields=["status", "reviewer", "updated_at"])
    audit.record(
        actor=actor, action="review", obj=suggestion, changes={"status": [before, suggestion.status]}
    )
    return suggestion


@transaction.atomic
def suggestion_decide(
    *, actor: User | None, suggestion: Suggestion, accept: bool, reply: str, on: date | None = None
) -> Suggestion:
    """Accept or reject a suggestion under review (a submitted one is taken under review first). A
    rejection states its reason, which the submitter sees. Acceptance earns the credited people
    their points."""
    suggestion = _reviewable(actor, suggestion)
    day = on or _today()
    _not_future(day, "评审日期")
    if not accept and not reply.strip():
        raise ApplicationError("reason_required", "不采纳时请写明原因，提交人会看到。")
    if suggestion.status == SuggestionStatus.SUBMITTED:
        _move(suggestion, SuggestionStatus.REVIEWING, actor)
    to = SuggestionStatus.ACCEPTED if accept else SuggestionStatus.REJECTED
    before = _move(suggestion, to, actor, reply.strip())
    suggestion.reply, suggestion.decided_on = reply.strip(), day
    suggestion.reviewer = actor if actor and actor.pk else None
    suggestion.save(update_fields=["status", "reply", "decided_on", "reviewer", "updated_at"])
    if accept:
        _award(suggestion, [PointsEvent.ACCEPTED], day)
    audit.record(
        actor=actor, action="decide", obj=suggestion, changes={"status": [before, to], "reply": reply}
    )
    return suggestion


@transaction.atomic
def suggestion_implement(
    *, actor: User | None, suggestion: Suggestion, on: date, note: str = ""
) -> Suggestion:
    """An accepted suggestion is implemented (on a day not before the decision nor after today);
    the credited people earn the implementation points."""
    suggestion = _reviewable(actor, suggestion)
    if suggestion.decided_on and on < suggestion.decided_on:
        raise ApplicationError("bad_date", f"实施日期不能早于采纳日期{suggestion.decided_on}。")
    _not_future(on, "实施日期")
    before = _move(suggestion, SuggestionStatus.IMPLEMENTED, actor, note.strip())
    suggestion.implemented_on = on
    suggestion.save(update_fields=["status", "implemented_on", "updated_at"])
    _award(suggestion, [PointsEvent.IMPLEMENTED], on)
    audit.record(
        actor=actor,
        action="implement",
        obj=suggestion,
        changes={"status": [before, suggestion.status], "on": on},
    )
    return suggestion


@transaction.atomic
def suggestion_convert(*, actor: User | None, suggestion: Suggestion, project: Project) -> Suggestion:
    """A suggestion under review or accepted becomes a project (立项); the link is kept both ways and
    the credited people earn the acceptance and conversion points."""
    suggestion = _reviewable(actor, suggestion)
    require(can_view_project(actor, project), hide=True)
    before = _move(suggestion, SuggestionStatus.CONVERTED, actor, project.code)
    suggestion.project = project
    if suggestion.decided_on is None:
        suggestion.decided_on = project.started_on
    suggestion.save(update_fields=["status", "project", "decided_on", "updated_at"])
    _award(suggestion, [PointsEvent.ACCEPTED, PointsEvent.CONVERTED], project.started_on)
    audit.record(
        actor=actor,
        action="convert",
        obj=suggestion,
        changes={"status": [before, suggestion.status], "project": project.code},
    )
    return suggestion


@transaction.atomic
def suggestion_to_project(
    *,
    actor: User | None,
    suggestion: Suggestion,
    organization: Organization,
    title: str,
    owner: Person,
    started_on: date,
    savings_target: Decimal | int = 0,
    category: str | None = None,
) -> Project:
    """Turn a suggestion into a new project in one step (project_create, then suggestion_convert)."""
    require(can_review_suggestion(actor, suggestion))
    project = project_create(
        actor=actor,
        organization=organization,
        title=title,
        owner=owner,
        category=category or suggestion.category,
        custom_category=suggestion.custom_category,
        description=f"源自建议{suggestion.number}：{suggestion.text}"[:4000],
        started_on=started_on,
        savings_target=savings_target,
    )
    suggestion_convert(actor=actor, suggestion=suggestion, project=project)
    return project


@transaction.atomic
def suggestion_merge(*, actor: User | None, duplicate: Suggestion, into: Suggestion) -> Suggestion:
    """Merge a duplicate into another suggestion. The duplicate must still be open; the target must
    be neither merged nor rejected. Every person credited for the duplicate is credited for the
    target (and earns the points the target has already earned); the duplicate keeps its own text,
    attachments and submission points, marked 已合并 with a pointer. Open duplicate-queue entries
    between the two are closed."""
    if duplicate.pk == into.pk:
        raise ApplicationError("same", "不能把建议合并到它自己。")
    duplicate = _reviewable(actor, duplicate)
    into = _lock_suggestion(into)
    require(can_view_suggestion(actor, into), hide=True)
    require(can_review_suggestion(actor, into))
    if into.status == SuggestionStatus.MERGED:
        assert into.merged_into is not None
        raise ApplicationError(
            "target_merged", f"目标建议已合并到{into.merged_into.number}，请合并到该建议。"
        )
    if into.status == SuggestionStatus.REJECTED:
        raise ApplicationError("target_rejected", "目标建议未被采纳，不能作为合并目标；请直接评审本建议。")
    before = _move(duplicate, SuggestionStatus.MERGED, actor, into.number)
    duplicate.merged_into = into
    duplicate.save(update_fields=["status", "merged_into", "updated_at"])
    already = set(into.credits.values_list("person_id", flat=True))
    moved = [c.person_id for c in duplicate.credits.all() if c.person_id not in already]
    SuggestionCredit.objects.bulk_create(
        [SuggestionCredit(suggestion=into, person_id=pid, via=duplicate) for pid in moved]
    )
    # Earlier merges into the duplicate now point at the target.
    Suggestion.objects.filter(merged_into=duplicate).update(merged_into=into)
    _award(into, _events_reached(into.status), _today(), people=moved)
    now = timezone.now()
    DuplicateCandidate.objects.filter(
        Q(suggestion=duplicate, candidate=into) | Q(suggestion=into, candidate=duplicate),
        status=DuplicateStatus.OPEN,
    ).update(status=DuplicateStatus.MERGED, decided_by=actor if actor and actor.pk else None, decided_at=now)
    DuplicateCandidate.objects.filter(
        Q(suggestion=duplicate) | Q(candidate=duplicate), status=DuplicateStatus.OPEN
    ).update(
        status=DuplicateStatus.DISMISSED, decided_by=actor if actor and actor.pk else None, decided_at=now
    )
    _event(into, into.status, into.status, actor, f"合并重复建议{duplicate.number}")
    audit.record(
        actor=actor,
        action="merge",
        obj=duplicate,
        changes={"status": [before, SuggestionStatus.MERGED], "into": into.number, "credited": moved},
    )
    return into


@transaction.atomic
def duplicate_dismiss(*, actor: User | None, candidate: DuplicateCandidate) -> DuplicateCandidate:
    """A reviewer says two suggestions flagged as likely duplicates are different."""
    candidate = (
        DuplicateCandidate.objects.select_for_update()
        .select_related("suggestion__organization")
        .get(pk=candidate.pk)
    )
    require(can_view_suggestion(actor, candidate.suggestion), hide=True)
    require(can_review_suggestion(actor, candidate.suggestion))
    if candidate.status != DuplicateStatus.OPEN:
        raise ApplicationError("decided", f"该疑似重复已处理（{candidate.get_status_display()}）。")
    candidate.status = DuplicateStatus.DISMISSED
    candidate.decided_by = actor if actor and actor.pk else None
    candidate.decided_at = timezone.now()
    candidate.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        action="dismiss_duplicate",
        obj=candidate.suggestion,
        changes={"candidate": candidate.candidate_id, "score": candidate.score},
    )
    return candidate
