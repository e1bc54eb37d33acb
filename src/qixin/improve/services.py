"""Every write of the cost-reduction and innovation app: validated, permission-checked, audited, one
transaction each. Each docstring states the rule the service enforces."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePath
from typing import Any

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from qixin.core import access, audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError, Problem
from qixin.core.models import User
from qixin.core.rules import rulebook
from qixin.core.validation import full_clean
from qixin.orgs.models import Organization, OrgKind
from qixin.people.models import Membership, Person

from . import search, similarity, text
from .models import (
    CLAIMABLE_STAGES,
    STAGE_TRANSITIONS,
    SUGGESTION_TRANSITIONS,
    Alliance,
    AllianceBranch,
    AllianceMember,
    Award,
    Campaign,
    Category,
    Designation,
    DesignationKind,
    DuplicateCandidate,
    DuplicateStatus,
    ExcellentCase,
    ImprovementCase,
    PointsEntry,
    PointsEvent,
    Project,
    ProjectMember,
    ProjectStageChange,
    SavingsEntry,
    SavingsStatus,
    Source,
    Stage,
    Studio,
    StudioMember,
    Suggestion,
    SuggestionAttachment,
    SuggestionCredit,
    SuggestionEvent,
    SuggestionKind,
    SuggestionStatus,
)
from .permissions import (
    can_claim_savings,
    can_designate,
    can_edit_project,
    can_manage_alliance,
    can_manage_campaign,
    can_manage_case,
    can_manage_org,
    can_manage_studio,
    can_review_suggestion,
    can_run_campaigns,
    can_select_excellent,
    can_start_project_in,
    can_submit_suggestion,
    can_verify_savings,
    can_view_project,
    can_view_suggestion,
    forget_duties,
    is_on_team,
)
from .points import POINTS_RULES

CENT = Decimal("0.01")
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


def money(value: Decimal | int | str, label: str = "金额") -> Decimal:
    """Yuan with two places; more precision than a fen is refused, not rounded away silently."""
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise ApplicationError("invalid", f"{label}“{value}”不是有效的金额。") from None
    if not amount.is_finite():
        raise ApplicationError("invalid", f"{label}“{value}”不是有效的金额。")
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ApplicationError("invalid", f"{label}最多保留两位小数（到分）。")
    if abs(amount) >= Decimal("1e12"):
        raise ApplicationError("invalid", f"{label}过大。")
    return amount.quantize(CENT)


def _today() -> date:
    return timezone.localdate()


def _not_future(day: date, label: str) -> None:
    if day > _today():
        raise ApplicationError("future_date", f"{label}不能晚于今天。")


def _number(prefix: str, day: date, pk: int) -> str:
    return f"{prefix}-{day.year}-{pk:06d}"


def _free_code(model: type[models.Model], field: str, given: str, label: str) -> str:
    """The code or number a user gave for a new record (refused when taken), or "" for one to be
    numbered from the record's id once saved (save it under _placeholder(), then _number())."""
    given = given.strip()
    if given and model._default_manager.filter(**{field: given}).exists():
        raise ApplicationError("duplicate_code", f"{label}“{given}”已被使用。")
    return given


def _placeholder() -> str:
    return f"tmp-{uuid.uuid4().hex[:24]}"  # fits every code field (32 characters)


def _belongs_to(person: Person, org: Organization) -> bool:
    """The person works in the organization's subtree, or is a current member of a branch in it."""
    if person.organization.path.startswith(org.path):
        return True
    return Membership.objects.filter(
        person=person, ended_on__isnull=True, branch__path__startswith=org.path
    ).exists()


def is_member_on(person: Person, day: date) -> bool:
    """A party member (full or probationary) on that day, per the registry."""
    return Membership.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day), person=person, joined_on__lte=day
    ).exists()


def _required(value: str, label: str) -> str:
    """Text a record cannot do without, stripped; left empty, the refusal names the field."""
    value = value.strip()
    if not value:
        raise ApplicationError("required", f"请填写{label}。")
    return value


def _active(org: Organization) -> None:
    if not org.is_active:
        raise ApplicationError("org_dissolved", f"“{org.name}”已撤销。")


# --- campaigns ----------------------------------------------------------------------------------------


def _takes_part(org: Organization, campaign_org: Organization, participants: Sequence[Organization]) -> bool:
    """Inside a campaign: in the subtree of the committee that set it and, when it names its
    participants, in the subtree of one of them."""
    return org.path.startswith(campaign_org.path) and (
        not participants or any(org.path.startswith(p.path) for p in participants)
    )


def _check_campaign(
    *,
    org: Organization,
    name: str,
    starts_on: date,
    ends_on: date,
    target: Decimal,
    participants: Sequence[Organization],
    campaign: Campaign | None = None,
) -> None:
    """The rules of a campaign of ``org``, when it is set and whenever it is changed (``campaign`` is
    then the one being changed): a period that ends after it starts, a target that is not negative,
    participants inside the committee, a name used once by the committee; and every branch of an
    alliance of the campaign still takes part in it."""
    if ends_on <= starts_on:
        raise ApplicationError("bad_period", "结束日期必须晚于开始日期。")
    if target < 0:
        raise ApplicationError("invalid", "降本目标不能为负数。")
    outside = [p.name for p in participants if not p.path.startswith(org.path)]
    if outside:
        raise ApplicationError("outside", f"参与组织必须是“{org.name}”的下级组织：{'、'.join(outside)}。")
    same_name = Campaign.objects.filter(organization=org, name=name)
    if campaign is not None:
        same_name = same_name.exclude(pk=campaign.pk)
    if same_name.exists():
        raise ApplicationError("duplicate", f"活动名称“{name}”已被“{org.name}”的其他活动使用。")
    if campaign is None:
        return
    for alliance in campaign.alliances.prefetch_related("branches").order_by("code"):
        left_out = [b.name for b in alliance.branches.all() if not _takes_part(b, org, participants)]
        if left_out:
            raise ApplicationError(
                "alliance_left_out",
                f"参与组织须包含{'、'.join(left_out)}：降本联盟“{alliance.name}”属于本活动，"
                "由这些党支部组建。",
            )


def _campaign_facts(campaign: Campaign, participants: Iterable[Organization]) -> dict[str, Any]:
    """What a change of a campaign is audited by."""
    return {
        "name": campaign.name,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "savings_target": campaign.savings_target,
        "description": campaign.description,
        "participants": sorted({p.code for p in participants}),
    }


@transaction.atomic
def campaign_create(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    starts_on: date,
    ends_on: date,
    savings_target: Decimal,
    description: str = "",
    participants: Sequence[Organization] = (),
) -> Campaign:
    """A campaign is set at a committee (党委) by its managers, for the period [starts_on, ends_on), with
    a savings target; the organizations taking part lie in the committee's subtree."""
    require(can_run_campaigns(actor, organization))
    _active(organization)
    name = _required(name, "活动名称")
    target = money(savings_target, "降本目标")
    _check_campaign(
        org=organization,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        target=target,
        participants=participants,
    )
    campaign = Campaign(
        organization=organization,
        name=name,
        description=description.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        savings_target=target,
    )
    full_clean(campaign)
    campaign.save()
    campaign.participants.set(participants)
    audit.record(
        actor=actor,
        action="create",
        obj=campaign,
        changes={
            "name": name,
            "period": [starts_on, ends_on],
            "savings_target": target,
            "participants": [p.code for p in participants],
        },
    )
    return campaign


@transaction.atomic
def campaign_update(
    *,
    actor: User | None,
    campaign: Campaign,
    name: str,
    starts_on: date,
    ends_on: date,
    savings_target: Decimal,
    description: str,
    participants: Sequence[Organization],
) -> Campaign:
    """Correct a campaign's name, period, target, description or participants, by the managers of
    the committee that set it and under the same rules as when it was set. The committee itself does
    not change: the campaign's participants, alliances and projects lie in its subtree. A participant
    cannot be dropped while an alliance of the campaign is formed by one of its branches. A change
    of the period changes which verified savings count towards the target (they are derived)."""
    require(can_manage_campaign(actor, campaign))
    name = _required(name, "活动名称")
    target = money(savings_target, "降本目标")
    _check_campaign(
        org=campaign.organization,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        target=target,
        participants=participants,
        campaign=campaign,
    )
    before = _campaign_facts(campaign, campaign.participants.all())
    campaign.name, campaign.starts_on, campaign.ends_on = name, starts_on, ends_on
    campaign.savings_target, campaign.description = target, description.strip()
    full_clean(campaign)
    changes = audit.diff(before, _campaign_facts(campaign, participants))
    if not changes:
        return campaign
    campaign.save()
    campaign.participants.set(participants)
    audit.record(actor=actor, action="update", obj=campaign, changes=changes)
    return campaign


# --- alliances ----------------------------------------------------------------------------------------


def _check_alliance_branches(
    actor: User | None,
    branches: Sequence[Organization],
    lead: Organization,
    campaign: Campaign | None,
    already: Collection[int] = (),
) -> list[Organization]:
    """The branches forming an alliance: the lead branch among them, each once. A branch that joins
    (any not ``already`` in the alliance) is an active 党支部 the actor manages; when the alliance
    belongs to a campaign, every branch takes part in the campaign."""
    if lead not in branches:
        branches = [lead, *branches]
    seen: dict[int, Organization] = {}
    for branch in branches:
        seen.setdefault(branch.pk, branch)
    unique = list(seen.values())
    for branch in unique:
        if branch.pk in already:
            continue
        if branch.kind != OrgKind.BRANCH:
            raise ApplicationError("invalid_kind", f"降本联盟由党支部组建，“{branch.name}”不是党支部。")
        _active(branch)
        require(can_manage_org(actor, branch))
    if campaign is not None:
        participants = list(campaign.participants.all())
        for branch in unique:
            if not _takes_part(branch, campaign.organization, participants):
                raise ApplicationError("not_participant", f"“{branch.name}”未参加活动“{campaign.name}”。")
    return unique


def _in_any(person: Person, orgs: Sequence[Organization]) -> bool:
    return any(_belongs_to(person, org) for org in orgs)


def _check_in_branches(role: str, person: Person, branches: Sequence[Organization]) -> None:
    """An alliance's leader and members are people of the branches forming it."""
    if not _in_any(person, branches):
        raise ApplicationError("not_in_branches", f"{role}{person.name}不属于组建联盟的党支部。")


def _works_with(org: Organization, branch_paths: Sequence[str]) -> bool:
    """An organization's project may belong to an alliance when the organization is one of the
    alliance's branches, lies under one, or contains one."""
    return any(org.path.startswith(p) or p.startswith(org.path) for p in branch_paths)


def _alliance_facts(alliance: Alliance, branches: Iterable[Organization]) -> dict[str, Any]:
    """What a change of an alliance is audited by."""
    return {
        "name": alliance.name,
        "leader": alliance.leader.employee_no,
        "goal": alliance.goal,
        "campaign": alliance.campaign.name if alliance.campaign is not None else None,
        "branches": sorted(b.code for b in branches),
    }


@transaction.atomic
def alliance_create(
    *,
    actor: User | None,
    name: str,
    lead_branch: Organization,
    leader: Person,
    founded_on: date,
    branches: Sequence[Organization] = (),
    code: str = "",
    campaign: Campaign | None = None,
    goal: str = "",
    members: Sequence[Person] = (),
) -> Alliance:
    """A 降本联盟 is formed by one or more active branches (the lead branch among them), by who manages
    every one of them; its leader and members are people of those branches; when it belongs to a
    campaign, every branch takes part in the campaign."""
    all_branches = _check_alliance_branches(actor, list(branches), lead_branch, campaign)
    name = _required(name, "联盟名称")
    _not_future(founded_on, "成立日期")
    _check_in_branches("负责人", leader, all_branches)
    for person in members:
        _check_in_branches("成员", person, all_branches)
    code = _free_code(Alliance, "code", code, "联盟编码")
    alliance = Alliance(
        code=code or _placeholder(),
        name=name,
        lead_branch=lead_branch,
        leader=leader,
        founded_on=founded_on,
        campaign=campaign,
        goal=goal.strip(),
    )
    full_clean(alliance)
    alliance.save()
    if not code:
        alliance.code = _number("LM", founded_on, alliance.pk)
        alliance.save(update_fields=["code"])
    AllianceBranch.objects.bulk_create([AllianceBranch(alliance=alliance, branch=b) for b in all_branches])
    people = {p.pk: p for p in (leader, *members)}
    AllianceMember.objects.bulk_create(
        [AllianceMember(alliance=alliance, person=p, joined_on=founded_on) for p in people.values()]
    )
    audit.record(
        actor=actor,
        action="create",
        obj=alliance,
        changes={
            "code": alliance.code,
            "branches": [b.code for b in all_branches],
            "leader": leader.employee_no,
            "members": [p.employee_no for p in people.values()],
        },
    )
    return alliance


@transaction.atomic
def alliance_update(
    *,
    actor: User | None,
    alliance: Alliance,
    name: str,
    leader: Person,
    branches: Sequence[Organization],
    goal: str,
    campaign: Campaign | None,
) -> Alliance:
    """Rename, change the leader, the goal, the campaign or the other branches of an alliance that is
    not dissolved (the managers of its lead branch), under the same rules as when it was formed. A
    branch that joins is one the actor manages. A branch cannot leave while a current member or a
    project of the alliance belongs only to it (members leave through alliance_member_remove first;
    a project keeps its alliance). A new leader who is not a member joins today. The code, the lead
    branch and the founding date do not change: the figures count an alliance under its lead branch
    from its founding date (alliance_count_for), so changing them would rewrite past reports."""
    require(can_manage_alliance(actor, alliance))
    if alliance.dissolved_on is not None:
        raise ApplicationError("dissolved", "该联盟已解散，不能修改。")
    name = _required(name, "联盟名称")
    current_branches = list(alliance.branches.all())
    all_branches = _check_alliance_branches(
        actor, list(branches), alliance.lead_branch, campaign, already={b.pk for b in current_branches}
    )
    _check_in_branches("负责人", leader, all_branches)
    current = list(alliance.memberships.filter(left_on__isnull=True).select_related("person__organization"))
    for membership in current:
        _check_in_branches("成员", membership.person, all_branches)
    paths = [b.path for b in all_branches]
    stranded = [
        p.code
        for p in alliance.projects.select_related("organization").order_by("code")
        if not _works_with(p.organization, paths)
    ]
    if stranded:
        raise ApplicationError(
            "projects_in_branch", f"联盟的项目{'、'.join(stranded)}在要移出的党支部，不能移出该党支部。"
        )
    before = _alliance_facts(alliance, current_branches)
    alliance.name, alliance.leader, alliance.goal, alliance.campaign = name, leader, goal.strip(), campaign
    full_clean(alliance)
    changes = audit.diff(before, _alliance_facts(alliance, all_branches))
    if not changes:
        return alliance
    alliance.save()
    AllianceBranch.objects.filter(alliance=alliance).exclude(branch__in=all_branches).delete()
    existing = set(AllianceBranch.objects.filter(alliance=alliance).values_list("branch_id", flat=True))
    AllianceBranch.objects.bulk_create(
        [AllianceBranch(alliance=alliance, branch=b) for b in all_branches if b.pk not in existing]
    )
    if not any(m.person_id == leader.pk for m in current):
        AllianceMember.objects.create(alliance=alliance, person=leader, joined_on=_today())
    audit.record(actor=actor, action="update", obj=alliance, changes=changes)
    return alliance


@transaction.atomic
def alliance_member_add(
    *, actor: User | None, alliance: Alliance, person: Person, joined_on: date
) -> AllianceMember:
    """A member joins: a person of one of the alliance's branches, not already a current member."""
    require(can_manage_alliance(actor, alliance))
    if alliance.dissolved_on is not None:
        raise ApplicationError("dissolved", "该联盟已解散。")
    _check_in_branches("", person, list(alliance.branches.all()))
    if alliance.memberships.filter(person=person, left_on__isnull=True).exists():
        raise ApplicationError("already_member", f"{person.name}已是联盟成员。")
    _not_future(joined_on, "加入日期")
    membership = AllianceMember(alliance=alliance, person=person, joined_on=joined_on)
    full_clean(membership)
    membership.save()
    audit.record(
        actor=actor,
        action="create",
        obj=membership,
        changes={"alliance": alliance.code, "person": person.employee_no},
    )
    return membership


@transaction.atomic
def alliance_member_remove(
    *, actor: User | None, alliance: Alliance, person: Person, left_on: date
) -> AllianceMember:
    """A current member leaves an alliance that is not dissolved (the managers of its lead branch),
    on a day between joining and today; the record stays, with the date. The leader cannot leave:
    change the leader first (alliance_update)."""
    require(can_manage_alliance(actor, alliance))
    if alliance.dissolved_on is not None:
        raise ApplicationError("dissolved", "该联盟已解散。")
    membership = alliance.memberships.filter(person=person, left_on__isnull=True).first()
    if membership is None:
        raise ApplicationError("not_member", f"{person.name}不是联盟的当前成员。")
    if alliance.leader_id == person.pk:
        raise ApplicationError("leader", "负责人不能退出联盟，请先更换负责人。")
    if left_on < membership.joined_on:
        raise ApplicationError("bad_date", f"退出日期不能早于加入日期{membership.joined_on}。")
    _not_future(left_on, "退出日期")
    membership.left_on = left_on
    full_clean(membership)
    membership.save(update_fields=["left_on"])
    audit.record(actor=actor, action="update", obj=membership, changes={"left_on": [None, left_on]})
    return membership


@transaction.atomic
def alliance_dissolve(*, actor: User | None, alliance: Alliance, on: date) -> Alliance:
    """Dissolve an alliance (the managers of its lead branch) on a day between its founding and
    today. Its projects and their savings stay as they are; it counts in the figures up to that day
    (alliance_count_for), and no project or member joins it afterwards."""
    require(can_manage_alliance(actor, alliance))
    if alliance.dissolved_on is not None:
        raise ApplicationError("dissolved", f"该联盟已于{alliance.dissolved_on}解散。")
    if on < alliance.founded_on:
        raise ApplicationError("bad_date", f"解散日期不能早于成立日期{alliance.founded_on}。")
    _not_future(on, "解散日期")
    alliance.dissolved_on = on
    alliance.save(update_fields=["dissolved_on", "updated_at"])
    audit.record(actor=actor, action="dissolve", obj=alliance, changes={"dissolved_on": on})
    return alliance


# --- projects -----------------------------------------------------------------------------------------


def project_tokens(project: Project) -> str:
    return text.index_tokens(project.title, project.description, project.category_label, project.code)


def _check_category(category: str, custom: str) -> None:
    if category not in Category.values:
        raise ApplicationError("invalid", f"“{category}”不是可选的类别。")
    if category == Category.CUSTOM and not custom.strip():
        raise ApplicationError("invalid", "类别为“其他”时请填写自定义类别。")


def _check_project_details(
    *, title: str, category: str, custom_category: str, savings_target: Decimal | int | str
) -> tuple[str, Decimal]:
    """What a project states, when it is registered and whenever it is changed: a title, a category
    (“其他” with its own name), a savings target in yuan to the fen that is not negative. Returns the
    title stripped and the target."""
    title = _required(title, "项目名称")
    _check_category(category, custom_category)
    target = money(savings_target, "节约目标")
    if target < 0:
        raise ApplicationError("invalid", "节约目标不能为负数。")
    return title, target


def _check_project_links(
    project_org: Organization, alliances: Sequence[Alliance], campaign: Campaign | None, studio: Studio | None
) -> None:
    """The alliances, campaign and studio a project is linked to: alliances not dissolved that its
    organization works with, a campaign of a committee above it, a studio not closed."""
    for alliance in alliances:
        if alliance.dissolved_on is not None:
            raise ApplicationError("dissolved", f"联盟“{alliance.name}”已解散。")
        if not _works_with(project_org, [b.path for b in alliance.branches.all()]):
            raise ApplicationError(
                "not_in_alliance", f"“{project_org.name}”不是联盟“{alliance.name}”的参与党支部。"
            )
    if campaign is not None and not project_org.path.startswith(campaign.organization.path):
        raise ApplicationError("not_participant", f"“{project_org.name}”不在活动“{campaign.name}”的范围内。")
    if studio is not None and studio.closed_on is not None:
        raise ApplicationError("closed", f"工作室“{studio.name}”已撤销。")


@transaction.atomic
def project_create(
    *,
    actor: User | None,
    organization: Organization,
    title: str,
    owner: Person,
    category: str,
    started_on: date,
    custom_category: str = "",
    description: str = "",
    savings_target: Decimal | int = 0,
    alliances: Sequence[Alliance] = (),
    campaign: Campaign | None = None,
    studio: Studio | None = None,
    team: Sequence[tuple[Person, str]] = (),
    code: str = "",
) -> Project:
    """Register a project (立项). Its organization's managers may register anyone of the organization;
    anyone else registers only themselves as owner (党员立项). Whether the owner is a party member on
    the 立项 date is recorded from the registry. Its alliances must include its branch."""
    require(can_start_project_in(actor, organization))
    _active(organization)
    if not can_manage_org(actor, organization) and not access.is_self(actor, owner.pk):
        raise ApplicationError("owner_self", "只能以本人为负责人立项；为他人立项请联系支部书记。")
    if not _belongs_to(owner, organization):
        raise ApplicationError("owner_outside", f"{owner.name}不属于“{organization.name}”。")
    title, target = _check_project_details(
        title=title, category=category, custom_category=custom_category, savings_target=savings_target
    )
    _not_future(started_on, "立项日期")
    _check_project_links(organization, alliances, campaign, studio)
    code = _free_code(Project, "code", code, "项目编号")
    project = Project(
        code=code or _placeholder(),
        title=title,
        description=description.strip(),
        organization=organization,
        owner=owner,
        owner_is_member=is_member_on(owner, started_on),
        category=category,
        custom_category=custom_category.strip() if category == Category.CUSTOM else "",
        started_on=started_on,
        stage_changed_on=started_on,
        savings_target=target,
        campaign=campaign,
        studio=studio,
    )
    full_clean(project)
    project.save()
    if not code:
        project.code = _number("XM", started_on, project.pk)
    project.search_tokens = project_tokens(project)
    project.save(update_fields=["code", "search_tokens"])
    search.index_rows(Project, [(project.pk, project.search_tokens)])
    project.alliances.set(alliances)
    members = {person.pk: (person, role) for person, role in team}
    members.setdefault(owner.pk, (owner, "负责人"))
    ProjectMember.objects.bulk_create(
        [ProjectMember(project=project, person=p, role=role.strip()[:40]) for p, role in members.values()]
    )
    ProjectStageChange.objects.create(
        project=project,
        from_stage="",
        to_stage=Stage.PROPOSED,
        changed_on=started_on,
        actor=actor if actor and actor.pk else None,
    )
    audit.record(
        actor=actor,
        action="create",
        obj=project,
        changes={
            "code": project.code,
            "organization": organization.code,
            "owner": owner.employee_no,
            "owner_is_member": project.owner_is_member,
            "alliances": [a.code for a in alliances],
            "savings_target": target,
        },
    )
    return project


def _project_facts(project: Project, alliances: Iterable[Alliance]) -> dict[str, Any]:
    """What a change of a project's details is audited by."""
    return {
        "title": project.title,
        "category": project.category_label,
        "description": project.description,
        "savings_target": project.savings_target,
        "alliances": sorted(a.code for a in alliances),
        "campaign": project.campaign.name if project.campaign is not None else None,
        "studio": project.studio.code if project.studio is not None else None,
    }


@transaction.atomic
def project_update(
    *,
    actor: User | None,
    project: Project,
    title: str,
    category: str,
    custom_category: str,
    description: str,
    savings_target: Decimal | int | str,
    alliances: Sequence[Alliance],
    campaign: Campaign | None,
    studio: Studio | None,
) -> Project:
    """Change a project's details (its owner or its organization's managers) under the same rules as
    when it was registered. A link it already has stays allowed (an alliance dissolved or a studio
    closed since keeps its projects: alliance_dissolve, studio_close); a new one is checked as at
    registration. Every field is given, so nothing is cleared by leaving it out. The organization,
    owner and 立项 date do not change (the figures count the project under them); its stage moves
    only through project_move, its savings only through the ledger, its team through project_team_set."""
    require(can_edit_project(actor, project))
    title, target = _check_project_details(
        title=title, category=category, custom_category=custom_category, savings_target=savings_target
    )
    current_alliances = list(project.alliances.all())
    kept = {a.pk for a in current_alliances}
    _check_project_links(
        project.organization,
        [a for a in alliances if a.pk not in kept],
        campaign,
        studio if studio is not None and studio.pk != project.studio_id else None,
    )
    before = _project_facts(project, current_alliances)
    project.title, project.description = title, description.strip()
    project.category = category
    project.custom_category = custom_category.strip() if category == Category.CUSTOM else ""
    project.savings_target, project.campaign, project.studio = target, campaign, studio
    full_clean(project)
    changes = audit.diff(before, _project_facts(project, alliances))
    if not changes:
        return project
    project.search_tokens = project_tokens(project)
    project.save()
    search.index_rows(Project, [(project.pk, project.search_tokens)])
    project.alliances.set(alliances)
    audit.record(actor=actor, action="update", obj=project, changes=changes)
    return project


@transaction.atomic
def project_team_set(
    *, actor: User | None, project: Project, members: Sequence[tuple[Person, str]]
) -> Project:
    """Set the team: people of the project's organization; the owner always stays on it."""
    require(can_edit_project(actor, project))
    wanted = {person.pk: (person, role) for person, role in members}
    wanted.setdefault(project.owner_id, (project.owner, "负责人"))
    for person, _role in wanted.values():
        if not _belongs_to(person, project.organization):
            raise ApplicationError("outside", f"{person.name}不属于“{project.organization.name}”。")
    ProjectMember.objects.filter(project=project).exclude(person_id__in=wanted).delete()
    existing = {m.person_id: m for m in ProjectMember.objects.filter(project=project)}
    for pk, (person, role) in wanted.items():
        if pk in existing:
            if existing[pk].role != role.strip()[:40]:
                existing[pk].role = role.strip()[:40]
                existing[pk].save(update_fields=["role"])
        else:
            ProjectMember.objects.create(project=project, person=person, role=role.strip()[:40])
    audit.record(
        actor=actor,
        action="update",
        obj=project,
        changes={"team": sorted(p.employee_no for p, _ in wanted.values())},
    )
    return project


@transaction.atomic
def project_move(*, actor: User | None, project: Project, to_stage: str, on: date, note: str = "") -> Project:
    """Move a project along 立项 → 实施 → 验收 → 结项 (or 终止), as STAGE_TRANSITIONS allows: the team
    starts and submits for acceptance; the organization's managers accept, send back or terminate.
    The date is not before the previous move nor after today; a termination states its reason."""
    project = Project.objects.select_for_update().select_related("organization", "owner").get(pk=project.pk)
    require(can_view_project(actor, project), hide=True)
    who = STAGE_TRANSITIONS.get((project.stage, to_stage))
    if who is None:
        raise ApplicationError(
            "bad_transition",
            f"项目处于“{project.stage}”阶段，不能变更为“{Stage(to_stage).label if to_stage in Stage.values else to_stage}”。",
        )
    allowed = can_manage_org(actor, project.organization) or (
        who == "team" and (can_edit_project(actor, project) or is_on_team(actor, project))
    )
    if not allowed:
        raise ApplicationError(
            "forbidden",
            "验收、退回和终止由所在组织的书记或党务工作者办理。"
            if who == "manager"
            else "您不是该项目的成员。",
            status=403,
        )
    if on < project.stage_changed_on:
        raise ApplicationError("bad_date", f"变更日期不能早于上次变更日期{project.stage_changed_on}。")
    _not_future(on, "变更日期")
    if to_stage == Stage.TERMINATED and not note.strip():
        raise ApplicationError("reason_required", "终止项目请说明原因。")
    before = project.stage
    project.stage, project.stage_changed_on = to_stage, on
    project.save(update_fields=["stage", "stage_changed_on", "updated_at"])
    ProjectStageChange.objects.create(
        project=project,
        from_stage=before,
        to_stage=to_stage,
        changed_on=on,
        actor=actor if actor and actor.pk else None,
        note=note.strip()[:200],
    )
    audit.record(
        actor=actor,
        action="stage",
        obj=project,
        changes={"stage": [before, to_stage], "on": on, "note": note},
    )
    return project


# --- the savings ledger -------------------------------------------------------------------------------


def _check_claim(
    project: Project, amount: Decimal | int | str, occurred_on: date, description: str
) -> tuple[Decimal, str]:
    """What a claim states, when it is made and whenever it is corrected: an amount above zero to the
    fen, a day between the 立项 date and today, what was saved. Returns the amount and the text."""
    value = money(amount, "节约金额")
    if value <= 0:
        raise ApplicationError("invalid", "节约金额必须大于零；更正已核定的金额请由财务冲销。")
    if occurred_on < project.started_on:
        raise ApplicationError("bad_date", f"节约实现日期不能早于立项日期{project.started_on}。")
    _not_future(occurred_on, "节约实现日期")
    if not description.strip():
        raise ApplicationError("invalid", "请说明节约的内容。")
    return value, description.strip()[:200]


@transaction.atomic
def savings_claim(
    *,
    actor: User | None,
    project: Project,
    amount: Decimal | int | str,
    occurred_on: date,
    description: str,
    evidence: str = "",
    number: str = "",
) -> SavingsEntry:
    """The team claims a saving (positive, to the fen) realized on a day between the 立项 date and
    today, once the project is being implemented. It counts only after finance verifies it."""
    require(can_view_project(actor, project), hide=True)
    require(can_claim_savings(actor, project))
    if project.stage not in CLAIMABLE_STAGES:
        raise ApplicationError("bad_stage", f"项目处于“{project.stage}”阶段，进入实施后才能申报节约额。")
    value, description = _check_claim(project, amount, occurred_on, description)
    number = _free_code(SavingsEntry, "number", number, "流水号")
    entry = SavingsEntry(
        number=number or _placeholder(),
        project=project,
        amount=value,
        occurred_on=occurred_on,
        description=description,
        evidence=evidence.strip(),
        claimed_by=actor if actor and actor.pk else None,
        claimed_at=timezone.now(),
    )
    full_clean(entry, exclude=["reverses"])
    entry.save()
    if not number:
        entry.number = _number("JS", occurred_on, entry.pk)
        entry.save(update_fields=["number"])
    audit.record(
        actor=actor,
        action="claim",
        obj=entry,
        changes={"project": project.code, "amount": value, "occurred_on": occurred_on},
    )
    return entry


def _locked(entry: SavingsEntry) -> SavingsEntry:
    return (
        SavingsEntry.objects.select_for_update()
        .select_related("project__organization", "project__owner")
        .get(pk=entry.pk)
    )


def _claim_facts(entry: SavingsEntry) -> dict[str, Any]:
    """What a correction of a claim is audited by."""
    return {
        "amount": entry.amount,
        "occurred_on": entry.occurred_on,
        "description": entry.description,
        "evidence": entry.evidence,
    }


@transaction.atomic
def savings_claim_update(
    *,
    actor: User | None,
    entry: SavingsEntry,
    amount: Decimal | int | str,
    occurred_on: date,
    description: str,
    evidence: str,
) -> SavingsEntry:
    """Correct a claim while it waits for verification (who may claim on the project), under the
    same rules as when it was claimed. A verified entry is never edited: finance reverses it and the
    team claims again. Whoever corrects a claim states its amount, so they become its claimant: a
    finance verifier never verifies an amount they set (can_verify_savings)."""
    entry = _locked(entry)
    require(can_view_project(actor, entry.project), hide=True)
    require(can_claim_savings(actor, entry.project))
    if entry.status != SavingsStatus.CLAIMED:
        raise ApplicationError(
            "immutable",
            f"该记录{entry.get_status_display()}，不能修改。已核定的节约额如需更正，请由财务冲销后重新申报。",
        )
    value, description = _check_claim(entry.project, amount, occurred_on, description)
    before = _claim_facts(entry)
    entry.amount, entry.occurred_on = value, occurred_on
    entry.description, entry.evidence = description, evidence.strip()
    full_clean(entry, exclude=["reverses"])
    changes = audit.diff(before, _claim_facts(entry))
    if not changes:
        return entry
    if actor is not None and actor.pk and entry.claimed_by_id != actor.pk:
        claimant = entry.claimed_by.username if entry.claimed_by is not None else None
        changes["claimed_by"] = [claimant, actor.username]
        entry.claimed_by = actor
    entry.save()
    audit.record(actor=actor, action="update", obj=entry, changes=changes)
    return entry


@transaction.atomic
def savings_withdraw(*, actor: User | None, entry: SavingsEntry) -> SavingsEntry:
    """The team withdraws a claim not yet verified (it stays in the ledger, marked withdrawn)."""
    entry = _locked(entry)
    require(can_view_project(actor, entry.project), hide=True)
    require(can_claim_savings(actor, entry.project))
    if entry.status != SavingsStatus.CLAIMED:
        raise ApplicationError("immutable", f"该记录{entry.get_status_display()}，不能撤回。")
    entry.status = SavingsStatus.WITHDRAWN
    entry.save(update_fields=["status"])
    audit.record(
        actor=actor, action="withdraw", obj=entry, changes={"status": [SavingsStatus.CLAIMED, entry.status]}
    )
    return entry


@transaction.atomic
def savings_verify(*, actor: User | None, entry: SavingsEntry, verified_on: date, note: str) -> SavingsEntry:
    """Finance verifies a claim (a designated 财务核定人 of the project's organization who is not on
    its team and did not claim it), on a day between the saving and today, stating the basis (凭证号
    等). From then on the entry counts and never changes."""
    entry = _locked(entry)
    require(can_view_project(actor, entry.project), hide=True)
    require(can_verify_savings(actor, entry))
    if entry.status != SavingsStatus.CLAIMED:
        raise ApplicationError("not_claimed", f"该记录{entry.get_status_display()}，不能核定。")
    if not note.strip():
        raise ApplicationError("invalid", "请填写核定依据（如财务凭证号）。")
    if verified_on < entry.occurred_on:
        raise ApplicationError("bad_date", f"核定日期不能早于节约实现日期{entry.occurred_on}。")
    _not_future(verified_on, "核定日期")
    entry.status, entry.verified_on = SavingsStatus.VERIFIED, verified_on
    entry.verified_by = actor if actor and actor.pk else None
    entry.verification_note = note.strip()[:200]
    entry.save(update_fields=["status", "verified_on", "verified_by", "verification_note"])
    audit.record(
        actor=actor,
        action="verify",
        obj=entry,
        changes={"amount": entry.amount, "verified_on": verified_on, "note": entry.verification_note},
    )
    return entry


@transaction.atomic
def savings_reject(*, actor: User | None, entry: SavingsEntry, reason: str) -> SavingsEntry:
    """Finance refuses a claim, with the reason shown to the team. It never counts."""
    entry = _locked(entry)
    require(can_view_project(actor, entry.project), hide=True)
    require(can_verify_savings(actor, entry))
    if entry.status != SavingsStatus.CLAIMED:
        raise ApplicationError("not_claimed", f"该记录{entry.get_status_display()}，不能退回。")
    if not reason.strip():
        raise ApplicationError("reason_required", "请说明未通过的原因。")
    entry.status, entry.rejection_reason = SavingsStatus.REJECTED, reason.strip()[:200]
    entry.verified_by = actor if actor and actor.pk else None
    entry.save(update_fields=["status", "rejection_reason", "verified_by"])
    audit.record(actor=actor, action="reject", obj=entry, changes={"reason": entry.rejection_reason})
    return entry


@transaction.atomic
def savings_reverse(*, actor: User | None, entry: SavingsEntry, on: date, reason: str) -> SavingsEntry:
    """Finance reverses a verified entry by a new verified entry of the opposite amount, dated `on`
    (so the correction counts in the period it is made). The original stays untouched; an entry is
    reversed at most once, and a reversal is never reversed."""
    entry = _locked(entry)
    require(can_view_project(actor, entry.project), hide=True)
    if entry.status != SavingsStatus.VERIFIED or entry.is_reversal:
        raise ApplicationError("not_reversible", "只有已核定的节约记录可以冲销（冲销记录本身不能再冲销）。")
    require(can_verify_savings(actor, entry))
    if SavingsEntry.objects.filter(reverses=entry).exists():
        raise ApplicationError("already_reversed", f"记录{entry.number}已经冲销过。")
    if not reason.strip():
        raise ApplicationError("reason_required", "请说明冲销原因。")
    assert entry.verified_on is not None
    if on < entry.verified_on:
        raise ApplicationError("bad_date", f"冲销日期不能早于原记录的核定日期{entry.verified_on}。")
    _not_future(on, "冲销日期")
    reversal = SavingsEntry(
        number=f"{entry.number}-R",
        project=entry.project,
        amount=-entry.amount,
        occurred_on=entry.occurred_on,
        description=f"冲销{entry.number}：{reason.strip()}"[:200],
        status=SavingsStatus.VERIFIED,
        claimed_by=actor if actor and actor.pk else None,
        claimed_at=timezone.now(),
        verified_by=actor if actor and actor.pk else None,
        verified_on=on,
        verification_note=reason.strip()[:200],
        reverses=entry,
    )
    full_clean(reversal)
    reversal.save()
    audit.record(
        actor=actor,
        action="reverse",
        obj=entry,
        changes={"reversal": reversal.number, "amount": reversal.amount, "on": on, "reason": reason},
    )
    return reversal


# --- suggestions --------------------------------------------------------------------------------------


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
    return text.index_tokens(suggestion.title, suggestion.text, suggestion.number)


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
    from .selectors import likely_duplicates_of

    require(actor is not None and can_submit_suggestion(actor))
    own = submitter is not None and access.is_self(actor, submitter.pk)
    if not own and not can_manage_org(actor, organization):
        raise ApplicationError(
            "not_self",
            "只能以本人名义提交建议；代为录入或匿名录入请由所在组织的书记或党务工作者办理。",
            status=403,
        )
    if source not in Source.values:
        raise ApplicationError("invalid", f"“{source}”不是有效的来源，应为：{'、'.join(Source.values)}。")
    external_ref = external_ref.strip()
    if external_ref:
        existing = Suggestion.objects.filter(external_ref=external_ref).first()
        if existing is not None:
            return existing
    _active(organization)
    body = text.strip()
    if len(body) < SUGGESTION_MIN_LENGTH:
        raise ApplicationError("too_short", f"建议内容太短，请至少写{SUGGESTION_MIN_LENGTH}个字。")
    if len(body) > SUGGESTION_MAX_LENGTH:
        raise ApplicationError("too_long", f"建议内容不能超过{SUGGESTION_MAX_LENGTH}个字。")
    if kind not in SuggestionKind.values:
        raise ApplicationError("invalid", f"“{kind}”不是有效的建议类型。")
    _check_category(category, custom_category)
    benefit = (
        None if expected_benefit is None or expected_benefit == "" else money(expected_benefit, "预期效益")
    )
    if benefit is not None and benefit < 0:
        raise ApplicationError("invalid", "预期效益不能为负数。")
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
    for upload in attachments:
        stored = SuggestionAttachment(
            suggestion=suggestion,
            name=PurePath(upload.name).name[:200],
            size=len(upload.content),
            content_type=upload.content_type[:100],
        )
        stored.file.save(PurePath(upload.name).name[-80:], ContentFile(upload.content), save=False)
        stored.save()
    if submitter is not None:
        SuggestionCredit.objects.create(suggestion=suggestion, person=submitter)
        _award(suggestion, [PointsEvent.SUBMITTED], timezone.localdate(suggestion.submitted_at))
    _event(suggestion, "", SuggestionStatus.SUBMITTED, actor, note=Source(source).label)
    found = likely_duplicates_of(suggestion)
    DuplicateCandidate.objects.bulk_create(
        [
            DuplicateCandidate(suggestion=suggestion, candidate_id=pk, score=round(score, 3), found_at=now)
            for pk, score in found
        ]
    )
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


# --- designations -------------------------------------------------------------------------------------


@transaction.atomic
def designation_grant(
    *,
    actor: User | None,
    user: User,
    kind: str,
    organization: Organization,
    starts_on: date,
    department: str = "",
    ends_on: date | None = None,
) -> Designation:
    """A manager of an organization designates a suggestion reviewer (optionally for one department)
    or a finance verifier of savings for its subtree."""
    require(can_designate(actor, organization))
    if kind not in DesignationKind.values:
        raise ApplicationError("invalid", "请选择职责。")
    if kind == DesignationKind.VERIFIER and department.strip():
        raise ApplicationError("invalid", "财务核定人按组织指定，不按部门。")
    if ends_on is not None and ends_on < starts_on:
        raise ApplicationError("bad_date", "终止日期不能早于生效日期。")
    designation = Designation(
        user=user,
        kind=kind,
        organization=organization,
        department=department.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        granted_by=actor if actor and actor.pk else None,
    )
    full_clean(designation)
    designation.save()
    forget_duties(user)
    audit.record(
        actor=actor,
        action="grant",
        obj=designation,
        changes={
            "user": user.username,
            "kind": kind,
            "organization": organization.code,
            "department": department,
        },
    )
    return designation


@transaction.atomic
def designation_end(*, actor: User | None, designation: Designation, ends_on: date) -> Designation:
    require(can_designate(actor, designation.organization))
    if designation.ends_on is not None and designation.ends_on <= ends_on:
        raise ApplicationError("ended", "该职责已终止。")
    if ends_on < designation.starts_on:
        raise ApplicationError("bad_date", "终止日期不能早于生效日期。")
    designation.ends_on = ends_on
    designation.save(update_fields=["ends_on", "updated_at"])
    forget_duties(designation.user)
    audit.record(actor=actor, action="revoke", obj=designation, changes={"ends_on": ends_on})
    return designation


# --- studios ------------------------------------------------------------------------------------------


@transaction.atomic
def studio_create(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    leader: Person,
    founded_on: date,
    kind: str = "创新工作室",
    code: str = "",
    focus: str = "",
    members: Sequence[Person] = (),
) -> Studio:
    """Found a studio at an organization (its managers); its leader and members are people of the
    organization's subtree. Whether the leader is a party member is read from the registry."""
    require(can_manage_org(actor, organization))
    _active(organization)
    _not_future(founded_on, "成立日期")
    for person in (leader, *members):
        if not _belongs_to(person, organization):
            raise ApplicationError("outside", f"{person.name}不属于“{organization.name}”。")
    code = _free_code(Studio, "code", code, "工作室编码")
    studio = Studio(
        code=code or _placeholder(),
        name=name.strip(),
        kind=kind,
        organization=organization,
        leader=leader,
        founded_on=founded_on,
        focus=focus.strip(),
    )
    full_clean(studio)
    studio.save()
    if not code:
        studio.code = _number("GZS", founded_on, studio.pk)
        studio.save(update_fields=["code"])
    people = {p.pk: p for p in (leader, *members)}
    StudioMember.objects.bulk_create(
        [StudioMember(studio=studio, person=p, joined_on=founded_on) for p in people.values()]
    )
    audit.record(
        actor=actor,
        action="create",
        obj=studio,
        changes={
            "code": studio.code,
            "leader": leader.employee_no,
            "members": [p.employee_no for p in people.values()],
        },
    )
    return studio


@transaction.atomic
def studio_update(
    *,
    actor: User | None,
    studio: Studio,
    name: str,
    leader: Person,
    kind: str,
    focus: str = "",
    members: Sequence[Person] | None = None,
) -> Studio:
    """Change a studio's name, kind, focus, leader or members (people of its organization)."""
    require(can_manage_studio(actor, studio))
    if studio.closed_on is not None:
        raise ApplicationError("closed", "该工作室已撤销。")
    wanted = (
        list(members)
        if members is not None
        else [m.person for m in studio.memberships.select_related("person")]
    )
    for person in (leader, *wanted):
        if not _belongs_to(person, studio.organization):
            raise ApplicationError("outside", f"{person.name}不属于“{studio.organization.name}”。")
    before = {
        "name": studio.name,
        "kind": studio.kind,
        "focus": studio.focus,
        "leader": studio.leader.employee_no,
    }
    studio.name, studio.kind, studio.focus, studio.leader = name.strip(), kind, focus.strip(), leader
    full_clean(studio)
    studio.save()
    people = {p.pk: p for p in (leader, *wanted)}
    StudioMember.objects.filter(studio=studio).exclude(person_id__in=people).delete()
    existing = set(StudioMember.objects.filter(studio=studio).values_list("person_id", flat=True))
    StudioMember.objects.bulk_create(
        [
            StudioMember(studio=studio, person=p, joined_on=_today())
            for pk, p in people.items()
            if pk not in existing
        ]
    )
    changes = audit.diff(
        before, {"name": studio.name, "kind": kind, "focus": studio.focus, "leader": leader.employee_no}
    )
    audit.record(
        actor=actor,
        action="update",
        obj=studio,
        changes={**changes, "members": sorted(p.employee_no for p in people.values())},
    )
    return studio


@transaction.atomic
def studio_close(*, actor: User | None, studio: Studio, on: date) -> Studio:
    """Close (撤销) a studio (its organization's managers) on a day between its founding and today.
    Its members, projects, cases and awards stay; it counts in the figures up to that day
    (studio_counts_for), and no project is linked to it afterwards."""
    require(can_manage_studio(actor, studio))
    if studio.closed_on is not None:
        raise ApplicationError("closed", f"该工作室已于{studio.closed_on}撤销。")
    if on < studio.founded_on:
        raise ApplicationError("bad_date", f"撤销日期不能早于成立日期{studio.founded_on}。")
    _not_future(on, "撤销日期")
    studio.closed_on = on
    studio.save(update_fields=["closed_on", "updated_at"])
    audit.record(actor=actor, action="close", obj=studio, changes={"closed_on": on})
    return studio


# --- improvement cases -------------------------------------------------------------------------------


def case_tokens(case: ImprovementCase) -> str:
    return text.index_tokens(case.title, case.before, case.after, case.category_label, case.code)


def _check_case_details(
    *,
    title: str,
    category: str,
    custom_category: str,
    before: str,
    after: str,
    savings: Decimal | int | str,
) -> tuple[str, Decimal]:
    """What a case states, when it is recorded and whenever it is changed: a title, a category, the
    situation before and after, yearly savings in yuan to the fen that are not negative. Returns the
    title stripped and the savings."""
    title = _required(title, "案例名称")
    _check_category(category, custom_category)
    if not before.strip() or not after.strip():
        raise ApplicationError("invalid", "请填写改善前和改善后的情况。")
    value = money(savings, "节约金额")
    if value < 0:
        raise ApplicationError("invalid", "节约金额不能为负数。")
    return title, value


@transaction.atomic
def case_create(
    *,
    actor: User | None,
    organization: Organization,
    title: str,
    lead: Person,
    category: str,
    year: int,
    completed_on: date,
    before: str,
    after: str,
    savings: Decimal | int = 0,
    custom_category: str = "",
    team: Sequence[Person] = (),
    studio: Studio | None = None,
    project: Project | None = None,
    code: str = "",
) -> ImprovementCase:
    """Record an improvement case (its organization's managers): before and after are both stated,
    the year is the completion date's, the lead is a person of the organization; whether the lead is
    a party member on the completion date is recorded (党员主导)."""
    require(can_manage_org(actor, organization))
    _active(organization)
    title, value = _check_case_details(
        title=title,
        category=category,
        custom_category=custom_category,
        before=before,
        after=after,
        savings=savings,
    )
    _not_future(completed_on, "完成日期")
    if completed_on.year != year:
        raise ApplicationError("bad_year", f"完成日期{completed_on}不在{year}年度内。")
    for person in (lead, *team):
        if not _belongs_to(person, organization):
            raise ApplicationError("outside", f"{person.name}不属于“{organization.name}”。")
    code = _free_code(ImprovementCase, "code", code, "案例编号")
    case = ImprovementCase(
        code=code or _placeholder(),
        title=title,
        organization=organization,
        lead=lead,
        lead_is_member=is_member_on(lead, completed_on),
        category=category,
        custom_category=custom_category.strip() if category == Category.CUSTOM else "",
        year=year,
        completed_on=completed_on,
        before=before.strip(),
        after=after.strip(),
        savings=value,
        studio=studio,
        project=project,
    )
    full_clean(case)
    case.save()
    if not code:
        case.code = _number("AL", completed_on, case.pk)
    case.search_tokens = case_tokens(case)
    case.save(update_fields=["code", "search_tokens"])
    search.index_rows(ImprovementCase, [(case.pk, case.search_tokens)])
    case.team.set([p for p in team if p.pk != lead.pk])
    audit.record(
        actor=actor,
        action="create",
        obj=case,
        changes={"code": case.code, "lead": lead.employee_no, "year": year, "savings": value},
    )
    return case


def _case_facts(case: ImprovementCase) -> dict[str, Any]:
    """What a change of a case is audited by."""
    return {
        "title": case.title,
        "category": case.category_label,
        "before": case.before,
        "after": case.after,
        "savings": case.savings,
    }


@transaction.atomic
def case_update(
    *,
    actor: User | None,
    case: ImprovementCase,
    title: str,
    before: str,
    after: str,
    savings: Decimal | int | str,
    category: str,
    custom_category: str,
) -> ImprovementCase:
    """Change a case's title, category, text or stated savings (its organization's managers), under
    the same rules as when it was recorded. Its organization, lead, year and completion date do not
    change: whether it was 党员主导 and the year it may be selected in are read from them."""
    require(can_manage_case(actor, case))
    title, value = _check_case_details(
        title=title,
        category=category,
        custom_category=custom_category,
        before=before,
        after=after,
        savings=savings,
    )
    old = _case_facts(case)
    case.title, case.before, case.after, case.savings = title, before.strip(), after.strip(), value
    case.category = category
    case.custom_category = custom_category.strip() if category == Category.CUSTOM else ""
    full_clean(case)
    changes = audit.diff(old, _case_facts(case))
    if not changes:
        return case
    case.search_tokens = case_tokens(case)
    case.save()
    search.index_rows(ImprovementCase, [(case.pk, case.search_tokens)])
    audit.record(actor=actor, action="update", obj=case, changes=changes)
    return case


@transaction.atomic
def case_rate(
    *, actor: User | None, case: ImprovementCase, rating: int, on: date | None = None
) -> ImprovementCase:
    """Rate a case from 1 to 5 stars (the managers of its organization or above)."""
    require(can_manage_case(actor, case))
    if not 1 <= rating <= 5:
        raise ApplicationError("invalid", "评级为1到5星。")
    day = on or _today()
    _not_future(day, "评级日期")
    old = case.rating
    case.rating, case.rated_on = rating, day
    case.rated_by = actor if actor and actor.pk else None
    case.save(update_fields=["rating", "rated_on", "rated_by", "updated_at"])
    audit.record(actor=actor, action="rate", obj=case, changes={"rating": [old, rating]})
    return case


@transaction.atomic
def excellent_select(
    *,
    actor: User | None,
    organization: Organization,
    year: int,
    cases: Sequence[ImprovementCase],
    on: date,
    citation: str = "",
) -> list[ExcellentCase]:
    """A committee selects its excellent cases of a year: rated cases of that year in its subtree,
    each selected once."""
    require(can_select_excellent(actor, organization))
    _not_future(on, "评选日期")
    problems = []
    for case in cases:
        if not case.organization.path.startswith(organization.path):
            problems.append(Problem(message=f"{case.code}不在“{organization.name}”范围内", field=case.code))
        elif case.year != year:
            problems.append(Problem(message=f"{case.code}是{case.year}年度的案例", field=case.code))
        elif case.rating is None:
            problems.append(Problem(message=f"{case.code}尚未评级", field=case.code))
    already = set(
        ExcellentCase.objects.filter(organization=organization, year=year, case__in=cases).values_list(
            "case__code", flat=True
        )
    )
    problems += [Problem(message=f"{code}已入选", field=code) for code in sorted(already)]
    if problems:
        raise ApplicationError("invalid_selection", "以下案例不能入选，没有做任何改动。", problems)
    selected = ExcellentCase.objects.bulk_create(
        [
            ExcellentCase(
                organization=organization,
                year=year,
                case=case,
                selected_on=on,
                selected_by=actor if actor and actor.pk else None,
                citation=citation.strip()[:200],
            )
            for case in cases
        ]
    )
    audit.record(
        actor=actor,
        action="select",
        model="improve.ExcellentCase",
        object_repr=f"{organization.name} {year}",
        changes={"year": year, "cases": [c.code for c in cases]},
    )
    return selected


@transaction.atomic
def excellent_unselect(*, actor: User | None, selection: ExcellentCase, reason: str) -> None:
    """Withdraw a case from a committee's excellent cases of its year (the managers of that
    committee, as for the selection), stating why. The selection is deleted, so the figures of that
    year no longer count it; the audit entry keeps what was withdrawn, when it had been selected,
    and the reason."""
    require(can_select_excellent(actor, selection.organization))
    reason = _required(reason, "撤销原因")
    code = selection.case.code
    facts = {
        "organization": selection.organization.code,
        "year": selection.year,
        "case": code,
        "selected_on": selection.selected_on,
        "reason": reason[:200],
    }
    selection.delete()
    audit.record(
        actor=actor,
        action="unselect",
        model="improve.ExcellentCase",
        object_repr=f"{selection.year} {code}",
        changes=facts,
    )


# --- awards -------------------------------------------------------------------------------------------


@transaction.atomic
def award_create(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    level: str,
    awarded_on: date,
    achievement: str,
    issuer: str = "",
    savings: Decimal | int = 0,
    savings_note: str = "",
    people: Sequence[Person] = (),
    studios: Sequence[Studio] = (),
    projects: Sequence[Project] = (),
) -> Award:
    """Record an award of an organization's achievement (its managers), linked to people, studios and
    projects of its subtree, with the savings it brought as stated."""
    require(can_manage_org(actor, organization))
    _not_future(awarded_on, "获奖日期")
    value = money(savings, "累计节约")
    if value < 0:
        raise ApplicationError("invalid", "累计节约不能为负数。")
    for person in people:
        if not _belongs_to(person, organization):
            raise ApplicationError("outside", f"{person.name}不属于“{organization.name}”。")
    linked: list[Studio | Project] = [*studios, *projects]
    for item in linked:
        if not item.organization.path.startswith(organization.path):
            raise ApplicationError("outside", f"“{item}”不属于“{organization.name}”。")
    award = Award(
        name=name.strip(),
        level=level,
        issuer=issuer.strip(),
        awarded_on=awarded_on,
        achievement=achievement.strip(),
        organization=organization,
        savings=value,
        savings_note=savings_note.strip(),
    )
    full_clean(award)
    award.save()
    award.people.set(people)
    award.studios.set(studios)
    award.projects.set(projects)
    audit.record(
        actor=actor,
        action="create",
        obj=award,
        changes={
            "achievement": award.achievement,
            "savings": value,
            "people": [p.employee_no for p in people],
            "studios": [s.code for s in studios],
            "projects": [p.code for p in projects],
        },
    )
    return award


def reindex_all() -> dict[str, int]:
    """Recompute every record's search tokens and rebuild the indexes (after a dictionary change)."""
    counts = {}
    pairs: list[tuple[Any, Any]] = [
        (Suggestion, suggestion_tokens),
        (Project, project_tokens),
        (ImprovementCase, case_tokens),
    ]
    for model, tokens in pairs:
        rows: list[Any] = list(model.objects.all())
        for row in rows:
            row.search_tokens = tokens(row)
        model.objects.bulk_update(rows, ["search_tokens"], batch_size=2000)
        search.index_rebuild(model)
        counts[model._meta.label] = len(rows)
    suggestions = list(Suggestion.objects.only("id", "title", "text"))
    for suggestion in suggestions:
        suggestion.dedup_tokens = similarity.dedup_tokens(f"{suggestion.title}。{suggestion.text}")
    Suggestion.objects.bulk_update(suggestions, ["dedup_tokens"], batch_size=2000)
    similarity.forget_indexes()
    return counts
