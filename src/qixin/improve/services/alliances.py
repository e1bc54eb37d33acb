"""Writes of alliances (联盟): creating, correcting, members, dissolving."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Any, TypedDict, Unpack

from django.db import transaction

from qixin.core import audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError
from qixin.core.models import User
from qixin.core.services import update_values
from qixin.core.validation import full_clean
from qixin.orgs.models import Organization, OrgKind
from qixin.people.models import Person

from ..models import Alliance, AllianceBranch, AllianceMember, Campaign
from ..permissions import can_manage_alliance, can_manage_org
from ._common import (
    Ending,
    _active,
    _belongs_to,
    _end_group,
    _free_code,
    _not_future,
    _number,
    _placeholder,
    _required,
    _today,
)
from .campaigns import _takes_part


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


class AllianceChanges(TypedDict, total=False):
    name: str
    leader: Person
    branches: Sequence[Organization]
    goal: str
    campaign: Campaign | None


ALLIANCE_FIELDS = ("name", "leader", "goal", "campaign")


@transaction.atomic
def alliance_update(
    *, actor: User | None, alliance: Alliance, **changes: Unpack[AllianceChanges]
) -> Alliance:
    """Rename, change the leader, the goal, the campaign or the other branches of an alliance that is
    not dissolved (the managers of its lead branch), under the same rules as when it was formed. A
    branch that joins is one the actor manages. A branch cannot leave while a current member or a
    project of the alliance belongs only to it (members leave through alliance_member_remove first;
    a project keeps its alliance). A new leader who is not a member joins today. The code, the lead
    branch and the founding date do not change: the figures count an alliance under its lead branch
    from its founding date (alliance_count_for), so changing them would rewrite past reports. Only
    the fields given change (a partial update); `branches` is the whole list of the other branches."""
    require(can_manage_alliance(actor, alliance))
    if alliance.dissolved_on is not None:
        raise ApplicationError("dissolved", "该联盟已解散，不能修改。")
    wanted = changes.pop("branches", None)
    values = update_values(alliance, changes, ALLIANCE_FIELDS)
    name, leader, goal, campaign = values["name"], values["leader"], values["goal"], values["campaign"]
    name = _required(name, "联盟名称")
    current_branches = list(alliance.branches.all())
    branches = list(wanted) if wanted is not None else current_branches
    all_branches = _check_alliance_branches(
        actor, branches, alliance.lead_branch, campaign, already={b.pk for b in current_branches}
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
    diff = audit.diff(before, _alliance_facts(alliance, all_branches))
    if not diff:
        return alliance
    alliance.save()
    AllianceBranch.objects.filter(alliance=alliance).exclude(branch__in=all_branches).delete()
    existing = set(AllianceBranch.objects.filter(alliance=alliance).values_list("branch_id", flat=True))
    AllianceBranch.objects.bulk_create(
        [AllianceBranch(alliance=alliance, branch=b) for b in all_branches if b.pk not in existing]
    )
    if not any(m.person_id == leader.pk for m in current):
        AllianceMember.objects.create(alliance=alliance, person=leader, joined_on=_today())
    audit.record(actor=actor, action="update", obj=alliance, changes=diff)
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


DISSOLVED = Ending(field="dissolved_on", code="dissolved", action="dissolve", noun="联盟", verb="解散")


@transaction.atomic
def alliance_dissolve(*, actor: User | None, alliance: Alliance, on: date) -> Alliance:
    """Dissolve an alliance (the managers of its lead branch) on a day between its founding and
    today. Its projects and their savings stay as they are; it counts in the figures up to that day
    (alliance_count_for), and no project or member joins it afterwards."""
    require(can_manage_alliance(actor, alliance))
    _end_group(actor=actor, group=alliance, ending=DISSOLVED, on=on)
    return alliance
