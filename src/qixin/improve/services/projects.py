"""Writes of improvement projects (项目): creating, correcting, the team, moving between stages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.db import transaction

from qixin.core import access, audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError
from qixin.core.models import User
from qixin.core.services import update_values
from qixin.core.validation import full_clean
from qixin.orgs.models import Organization
from qixin.people.models import Person

from ..models import (
    STAGE_TRANSITIONS,
    Alliance,
    Campaign,
    Category,
    Project,
    ProjectMember,
    ProjectStageChange,
    Stage,
    Studio,
)
from ..permissions import can_edit_project, can_manage_org, can_start_project_in, can_view_project, is_on_team
from ..text import search, segment
from ._common import (
    _active,
    _belongs_to,
    _free_code,
    _not_future,
    _number,
    _placeholder,
    _required,
    is_member_on,
    money,
)
from .alliances import _works_with


def project_tokens(project: Project) -> str:
    return segment.index_tokens(project.title, project.description, project.category_label, project.code)


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


def _check_owner(actor: User | None, organization: Organization, owner: Person) -> None:
    """The owner of a new project: anyone of the organization, for its managers; oneself otherwise."""
    if not can_manage_org(actor, organization) and not access.is_self(actor, owner.pk):
        raise ApplicationError("owner_self", "只能以本人为负责人立项；为他人立项请联系支部书记。")
    if not _belongs_to(owner, organization):
        raise ApplicationError("owner_outside", f"{owner.name}不属于“{organization.name}”。")


def _start(project: Project, team: Sequence[tuple[Person, str]], actor: User | None) -> None:
    """A new project's team (its owner always on it, as 负责人 unless given a part) and its first
    stage, 立项, on its start date."""
    members = {person.pk: (person, role) for person, role in team}
    members.setdefault(project.owner.pk, (project.owner, "负责人"))
    ProjectMember.objects.bulk_create(
        [ProjectMember(project=project, person=p, role=role.strip()[:40]) for p, role in members.values()]
    )
    ProjectStageChange.objects.create(
        project=project,
        from_stage="",
        to_stage=Stage.PROPOSED,
        changed_on=project.started_on,
        actor=actor if actor and actor.pk else None,
    )


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
    _check_owner(actor, organization, owner)
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
    _start(project, team, actor)
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


class ProjectChanges(TypedDict, total=False):
    title: str
    category: str
    custom_category: str
    description: str
    savings_target: Decimal | int | str
    alliances: Sequence[Alliance]
    campaign: Campaign | None
    studio: Studio | None


PROJECT_FIELDS = (
    "title",
    "category",
    "custom_category",
    "description",
    "savings_target",
    "campaign",
    "studio",
)


@transaction.atomic
def project_update(*, actor: User | None, project: Project, **changes: Unpack[ProjectChanges]) -> Project:
    """Change a project's details (its owner or its organization's managers) under the same rules as
    when it was registered. A link it already has stays allowed (an alliance dissolved or a studio
    closed since keeps its projects: alliance_dissolve, studio_close); a new one is checked as at
    registration. Only the fields given change (a partial update); `alliances` is the whole list.
    The organization, owner and 立项 date do not change (the figures count the project under them);
    its stage moves only through project_move, its savings only through the ledger, its team
    through project_team_set."""
    require(can_edit_project(actor, project))
    wanted = changes.pop("alliances", None)
    values = update_values(project, changes, PROJECT_FIELDS)
    title, category, custom_category = values["title"], values["category"], values["custom_category"]
    description, savings_target = values["description"], values["savings_target"]
    campaign, studio = values["campaign"], values["studio"]
    title, target = _check_project_details(
        title=title, category=category, custom_category=custom_category, savings_target=savings_target
    )
    current_alliances = list(project.alliances.all())
    alliances = list(wanted) if wanted is not None else current_alliances
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
    diff = audit.diff(before, _project_facts(project, alliances))
    if not diff:
        return project
    project.search_tokens = project_tokens(project)
    project.save()
    search.index_rows(Project, [(project.pk, project.search_tokens)])
    project.alliances.set(alliances)
    audit.record(actor=actor, action="update", obj=project, changes=diff)
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
