"""Every write of the brand app: validated, permission-checked, audited, one transaction.

Other apps turn their records into deeds through `deed_record(..., source=obj)`: a fulfilled wish,
a mission, a meeting. The deed keeps a link to that record (model label, pk, label, URL).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.base import File
from django.db import models, transaction
from django.urls import NoReverseMatch

from qixin.core import audit, rules
from qixin.core.access import is_self, reads_org, require
from qixin.core.errors import ApplicationError, Problem
from qixin.core.models import User
from qixin.core.validation import full_clean
from qixin.orgs.models import Organization, OrgKind
from qixin.people.models import Category, Membership, Person

from .evaluation_rules import BALLOT_SHARE_MIN, EXCELLENT_SHARE_MAX
from .models import (
    ORG_KINDS,
    BrandFramework,
    Deed,
    Evaluation,
    EvaluationEntry,
    EvaluationStatus,
    Grade,
    Pillar,
    Recognition,
    RecognitionKind,
)
from .permissions import can_manage_org, can_record_deed, can_view_person
from .selectors import framework_effective


@transaction.atomic
def framework_define(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    slogan: str = "",
    description: str = "",
    pillars: Sequence[str] | Sequence[tuple[str, str]] = (),
) -> BrandFramework:
    """Define (or change) an organization's own brand. Its sub-organizations inherit it unless they
    define their own. Pillars are given in order as names or (name, description); a pillar that
    already tags deeds cannot be removed, only renamed through pillar_update."""
    require(reads_org(actor, organization), hide=True)
    require(can_manage_org(actor, organization))
    framework = BrandFramework.objects.filter(organization=organization).first()
    before: dict[str, Any] = {}
    if framework is None:
        framework = BrandFramework(organization=organization)
    else:
        before = {"name": framework.name, "slogan": framework.slogan, "description": framework.description}
    framework.name, framework.slogan, framework.description = (
        name.strip(),
        slogan.strip(),
        description.strip(),
    )
    full_clean(framework)
    framework.save()
    wanted: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for item in pillars:
        pillar_name, pillar_text = (item, "") if isinstance(item, str) else item
        pillar_name = pillar_name.strip()
        if not pillar_name:
            continue
        if any(pillar_name == w[0] for w in wanted):
            problems.append(Problem(message=f"要素“{pillar_name}”重复。", field="品牌要素"))
        wanted.append((pillar_name, pillar_text.strip()))
    if pillars and not wanted:
        problems.append(Problem(message="至少填写一个品牌要素。", field="品牌要素"))
    existing = {p.name: p for p in framework.pillars.all()}
    for gone in set(existing) - {w[0] for w in wanted}:
        if wanted and existing[gone].deeds.exists():
            problems.append(Problem(message=f"要素“{gone}”已用于标记党员事迹，不能删除。", field="品牌要素"))
    if problems:
        raise ApplicationError("invalid", "品牌要素有误，请修改后再提交。", problems)
    if wanted:
        for gone in set(existing) - {w[0] for w in wanted}:
            existing[gone].delete()
        for position, (pillar_name, pillar_text) in enumerate(wanted, start=1):
            pillar = existing.get(pillar_name) or Pillar(framework=framework, name=pillar_name)
            pillar.description, pillar.position = pillar_text, position
            full_clean(pillar)
            pillar.save()
    after = {"name": framework.name, "slogan": framework.slogan, "description": framework.description}
    audit.record(
        actor=actor,
        action="update" if before else "create",
        obj=framework,
        changes={**audit.diff(before, after), "pillars": [w[0] for w in wanted]},
    )
    return framework


@transaction.atomic
def framework_remove(*, actor: User | None, organization: Organization) -> None:
    """Stop defining an own brand: the organization inherits its ancestors' again. A brand whose
    pillars already tag deeds stays (the deeds would lose their meaning)."""
    require(reads_org(actor, organization), hide=True)
    require(can_manage_org(actor, organization))
    framework = BrandFramework.objects.filter(organization=organization).first()
    if framework is None:
        raise ApplicationError("no_framework", f"“{organization.name}”没有自己的党员品牌。")
    if Deed.pillars.through.objects.filter(pillar__framework=framework).exists():
        raise ApplicationError("framework_in_use", f"“{framework.name}”的要素已用于标记党员事迹，不能删除。")
    audit.record(actor=actor, action="delete", obj=framework, changes={"name": framework.name})
    framework.delete()


def _source_fields(source: models.Model | None, url: str) -> dict[str, str]:
    if source is None:
        return {"source_model": "", "source_pk": "", "source_label": "", "source_url": url}
    if not url:
        get_url = getattr(source, "get_absolute_url", None)
        if callable(get_url):
            try:
                url = str(get_url())
            except NoReverseMatch:
                url = ""
    return {
        "source_model": source._meta.label_lower,
        "source_pk": str(source.pk),
        "source_label": str(source)[:200],
        "source_url": url[:300],
    }


def resolve_pillars(person: Person, pillars: Iterable[Pillar | str]) -> list[Pillar]:
    """Pillars (objects or names) of the person's effective brand; anything else is refused."""
    framework = framework_effective(person.organization)
    own = {p.name: p for p in framework.pillars.all()} if framework else {}
    chosen: list[Pillar] = []
    problems: list[Problem] = []
    for item in pillars:
        pillar = own.get(item.strip()) if isinstance(item, str) else item
        if pillar is None or framework is None or pillar.framework_id != framework.pk:
            label = item if isinstance(item, str) else item.name
            brand = f"“{framework.name}”" if framework else "（所在组织未设立党员品牌）"
            problems.append(Problem(message=f"“{label}”不是{brand}的品牌要素。", field="品牌要素"))
        elif pillar not in chosen:
            chosen.append(pillar)
    if problems:
        raise ApplicationError("invalid_pillar", "品牌要素有误。", problems)
    return chosen


@transaction.atomic
def deed_record(
    *,
    actor: User | None,
    person: Person,
    pillars: Iterable[Pillar | str],
    on: date,
    description: str,
    source: models.Model | None = None,
    source_url: str = "",
    attachment: File[Any] | None = None,
) -> Deed:
    """Record what a member did, tagged with pillars (objects or names) of the brand in force at
    their organization, with evidence: an attachment, or the record it came from (`source`, any
    model instance: a mission assignment, a fulfilled wish, a meeting...). A source turns into at most
    one deed per person (refused the second time with code "deed_exists").

    Who may: who keeps the records of the person's organization, or the person themself."""
    require(can_view_person(actor, person), hide=True)
    require(can_record_deed(actor, person))
    description = description.strip()
    if not description:
        raise ApplicationError("invalid", "请填写事迹内容。", [Problem(message="不能为空", field="事迹")])
    chosen = resolve_pillars(person, pillars)
    fields = _source_fields(source, source_url.strip())
    if (
        fields["source_model"]
        and Deed.objects.filter(
            person=person, source_model=fields["source_model"], source_pk=fields["source_pk"]
        ).exists()
    ):
        raise ApplicationError(
            "deed_exists", f"{person.name}的这项记录（{fields['source_label']}）已记为事迹。"
        )
    deed = Deed(
        person=person,
        organization=person.organization,
        done_on=on,
        description=description,
        recorded_by=actor if actor is not None and actor.pk else None,
        **fields,
    )
    if attachment is not None:
        deed.attachment.save(getattr(attachment, "name", "") or "evidence", attachment, save=False)
    full_clean(deed)
    deed.save()
    deed.pillars.set(chosen)
    audit.record(
        actor=actor,
        action="create",
        obj=deed,
        changes={
            "person": person.employee_no,
            "done_on": on,
            "pillars": [p.name for p in chosen],
            "source": f"{fields['source_model']}#{fields['source_pk']}" if fields["source_model"] else "",
        },
    )
    return deed


@transaction.atomic
def deed_delete(*, actor: User | None, deed: Deed) -> None:
    """Remove a deed recorded by mistake (who keeps the branch's records, or its author)."""
    require(can_view_person(actor, deed.person), hide=True)
    require(can_record_deed(actor, deed.person))
    audit.record(
        actor=actor,
        action="delete",
        obj=deed,
        changes={"person": deed.person.employee_no, "done_on": deed.done_on},
    )
    deed.delete()


# --- recognitions --------------------------------------------------------------------------------


@transaction.atomic
def recognition_create(
    *,
    actor: User | None,
    kind: str,
    level: str,
    year: int,
    person: Person | None = None,
    recipient_org: Organization | None = None,
    custom_kind: str = "",
    citation: str = "",
    granted_by: str = "",
) -> Recognition:
    """Record an honour of a person or an organization. 先进基层党组织 and 红旗党组织 go to an
    organization, every other kind to a person. Who may: who keeps the records where it lands."""
    if (person is None) == (recipient_org is None):
        raise ApplicationError("invalid", "荣誉须授予一名人员或一个组织（二者选一）。")
    home = person.organization if person is not None else recipient_org
    assert home is not None
    require(reads_org(actor, home) or (person is not None and can_view_person(actor, person)), hide=True)
    require(can_manage_org(actor, home))
    problems = check_recognition(kind=kind, custom_kind=custom_kind, to_org=recipient_org is not None)
    if problems:
        raise ApplicationError("invalid", "荣誉信息有误。", problems)
    recognition = Recognition(
        kind=kind,
        custom_kind=custom_kind.strip() if kind == RecognitionKind.CUSTOM else "",
        level=level,
        year=year,
        person=person,
        recipient_org=recipient_org,
        organization=home,
        citation=citation.strip(),
        granted_by=granted_by.strip(),
    )
    full_clean(recognition)
    recognition.save()
    audit.record(
        actor=actor,
        action="create",
        obj=recognition,
        changes={"kind": recognition.display_kind, "level": level, "year": year},
    )
    return recognition


def check_recognition(*, kind: str, custom_kind: str, to_org: bool) -> list[Problem]:
    problems: list[Problem] = []
    if kind not in RecognitionKind.values:
        problems.append(Problem(message=f"“{kind}”不是可选的荣誉类别。", field="类别"))
    elif kind == RecognitionKind.CUSTOM and not custom_kind.strip():
        problems.append(Problem(message="类别为“其他”时请填写荣誉名称。", field="类别名称"))
    elif kind in ORG_KINDS and not to_org:
        problems.append(Problem(message=f"“{kind}”授予组织，不授予个人。", field="类别"))
    elif kind not in ORG_KINDS and kind != RecognitionKind.CUSTOM and to_org:
        problems.append(Problem(message=f"“{kind}”授予个人，不授予组织。", field="类别"))
    return problems


@transaction.atomic
def recognition_delete(*, actor: User | None, recognition: Recognition) -> None:
    require(reads_org(actor, recognition.organization), hide=True)
    require(can_manage_org(actor, recognition.organization))
    audit.record(actor=actor, action="delete", obj=recognition, changes={"year": recognition.year})
    recognition.delete()


# --- annual evaluation of members (民主评议党员) ---------------------------------------------------


def _voting_members(branch: Organization) -> int:
    """Full members of the branch today: probationary members have no vote (RULES.md)."""
    return Membership.objects.filter(
        branch=branch, ended_on__isnull=True, category=Category.FULL, standing="正常"
    ).count()


def _require_open(evaluation: Evaluation) -> None:
    if evaluation.status != EvaluationStatus.OPEN:
        raise ApplicationError(
            "evaluation_closed", f"{evaluation.branch.name}{evaluation.year}年度民主评议已完成，不能再修改。"
        )


@transaction.atomic
def evaluation_open(
    *, actor: User | None, branch: Organization, year: int, held_on: date | None = None
) -> Evaluation:
    """Open a branch's 民主评议党员 for a year (once a year, RULES.md) with an entry for every current
    member of the branch, full or probationary."""
    require(reads_org(actor, branch), hide=True)
    require(can_manage_org(actor, branch))
    if branch.kind != OrgKind.BRANCH:
        raise ApplicationError("not_branch", "民主评议党员以党支部为单位进行。")
    if Evaluation.objects.filter(branch=branch, year=year).exists():
        raise ApplicationError("evaluation_exists", f"{branch.name}已开展{year}年度民主评议党员。")
    evaluation = Evaluation(branch=branch, year=year, held_on=held_on)
    full_clean(evaluation)
    evaluation.save()
    members = Membership.objects.filter(branch=branch, ended_on__isnull=True).values_list(
        "person_id", flat=True
    )
    EvaluationEntry.objects.bulk_create(
        [EvaluationEntry(evaluation=evaluation, person_id=pid) for pid in members]
    )
    audit.record(
        actor=actor, action="create", obj=evaluation, changes={"year": year, "members": len(members)}
    )
    return evaluation


@transaction.atomic
def evaluation_self_assess(*, actor: User | None, entry: EvaluationEntry, text: str) -> EvaluationEntry:
    """A member's self-assessment: written by the member, or entered for them by the branch."""
    branch = entry.evaluation.branch
    require(reads_org(actor, branch) or is_self(actor, entry.person_id), hide=True)
    require(is_self(actor, entry.person_id) or can_manage_org(actor, branch))
    _require_open(entry.evaluation)
    before = entry.self_assessment
    entry.self_assessment = text.strip()
    full_clean(entry)
    entry.save(update_fields=["self_assessment", "updated_at"])
    audit.record(
        actor=actor,
        action="self_assess",
        obj=entry,
        changes=audit.diff({"self_assessment": before}, {"self_assessment": entry.self_assessment}),
    )
    return entry


def _excellent_cap(evaluation: Evaluation) -> int | None:
    share = rules.rulebook(evaluation.branch).get(EXCELLENT_SHARE_MAX.key)
    if share is None:
        return None
    return int(Decimal(str(share)) * evaluation.entries.count())


@transaction.atomic
def evaluation_grade(
    *,
    actor: User | None,
    entry: EvaluationEntry,
    grade: str,
    votes_excellent: int = 0,
    votes_qualified: int = 0,
    votes_basic: int = 0,
    votes_unqualified: int = 0,
    follow_up: str = "",
) -> EvaluationEntry:
    """Record the branch's votes on a member and the grade it decided (RULES.md: grades 优秀, 合格,
    基本合格, 不合格). Ballots come from full members only and must exceed the share of voting members
    the rulebook asks (more than half by default); a 不合格 grade needs a recorded follow-up; the
    share of 优秀 may be capped by the rulebook."""
    evaluation = entry.evaluation
    branch = evaluation.branch
    require(reads_org(actor, branch), hide=True)
    require(can_manage_org(actor, branch))
    _require_open(evaluation)
    problems: list[Problem] = []
    if grade not in Grade.values:
        problems.append(
            Problem(message=f"“{grade}”不是可选等次（优秀、合格、基本合格、不合格）。", field="评定等次")
        )
    votes = [votes_excellent, votes_qualified, votes_basic, votes_unqualified]
    if any(v < 0 for v in votes):
        problems.append(Problem(message="票数不能为负数。", field="票数"))
    ballots, voters = sum(votes), _voting_members(branch)
    if ballots > voters:
        problems.append(
            Problem(message=f"共{ballots}票，超过本支部有表决权的正式党员人数（{voters}人）。", field="票数")
        )
    minimum = Decimal(str(rules.rulebook(branch).get(BALLOT_SHARE_MIN.key))) * voters
    if ballots <= minimum:
        problems.append(
            Problem(
                message=f"共{ballots}票，未超过有表决权党员（{voters}人）的规定比例，评议无效。",
                field="票数",
            )
        )
    if grade == Grade.UNQUALIFIED and not follow_up.strip():
        problems.append(Problem(message="评定为“不合格”的，须记录组织处置意见。", field="组织处置"))
    cap = _excellent_cap(evaluation)
    if grade == Grade.EXCELLENT and cap is not None:
        others = evaluation.entries.filter(grade=Grade.EXCELLENT).exclude(pk=entry.pk).count()
        if others + 1 > cap:
            problems.append(
                Problem(message=f"“优秀”人数已达上限（{cap}人，按参评人数的规定比例）。", field="评定等次")
            )
    if problems:
        raise ApplicationError("invalid", f"{entry.person.name}的评议结果有误。", problems)
    before = {
        "grade": entry.grade,
        "votes": [entry.votes_excellent, entry.votes_qualified, entry.votes_basic, entry.votes_unqualified],
    }
    entry.grade = grade
    entry.votes_excellent, entry.votes_qualified, entry.votes_basic, entry.votes_unqualified = votes
    entry.follow_up = follow_up.strip()
    full_clean(entry)
    entry.save()
    audit.record(
        actor=actor,
        action="grade",
        obj=entry,
        changes=audit.diff(before, {"grade": grade, "votes": votes}) | {"follow_up": entry.follow_up},
    )
    return entry


@transaction.atomic
def evaluation_close(*, actor: User | None, evaluation: Evaluation, held_on: date) -> Evaluation:
    """Finish the evaluation: every member has a grade; afterwards nothing changes."""
    require(reads_org(actor, evaluation.branch), hide=True)
    require(can_manage_org(actor, evaluation.branch))
    _require_open(evaluation)
    missing = list(
        evaluation.entries.filter(grade="").select_related("person").values_list("person__name", flat=True)
    )
    if missing:
        raise ApplicationError(
            "ungraded",
            f"还有{len(missing)}名党员未评定等次，不能完成评议。",
            [Problem(message=f"{name}未评定等次") for name in missing],
        )
    evaluation.status, evaluation.held_on = EvaluationStatus.CLOSED, held_on
    evaluation.save(update_fields=["status", "held_on", "updated_at"])
    audit.record(actor=actor, action="close", obj=evaluation, changes={"held_on": held_on})
    return evaluation
