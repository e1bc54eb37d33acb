"""Every write to the organization tree: validated, permission-checked, audited, one transaction."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qixin.core import audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError
from qixin.core.models import User
from qixin.core.rules import rulebook
from qixin.core.validation import full_clean

from .models import (
    ALLOWED_CHILDREN,
    Election,
    Organization,
    OrgEvent,
    OrgEventKind,
    OrgKind,
    Position,
    PositionTitle,
    tree_insert,
    tree_move,
)
from .permissions import can_manage, can_restructure


def _check_child_kind(parent: Organization | None, kind: str) -> None:
    if parent is None:
        if kind != OrgKind.COMMITTEE:
            raise ApplicationError("invalid_kind", "最上级组织必须是党委。")
        return
    if not parent.is_active:
        raise ApplicationError("parent_dissolved", f"上级组织“{parent.name}”已撤销，不能在其下设立组织。")
    if kind not in ALLOWED_CHILDREN[parent.kind]:
        raise ApplicationError(
            "invalid_kind",
            f"{parent.get_kind_display()}下不能设立{OrgKind(kind).label}。",
        )


def _event(org: Organization, kind: str, actor: User | None, on: date, **details: object) -> None:
    OrgEvent.objects.create(organization=org, kind=kind, happened_on=on, actor=actor, details=details)


@transaction.atomic
def org_create(
    *,
    actor: User | None,
    parent: Organization | None,
    code: str,
    name: str,
    kind: str,
    unit: str = "",
    established_on: date | None = None,
) -> Organization:
    """Create an organization under `parent` (a root 党委 when parent is None: administrators only)."""
    require(can_restructure(actor, parent) if parent is None else can_manage(actor, parent))
    _check_child_kind(parent, kind)
    code = code.strip()
    if Organization.objects.filter(code=code).exists():
        raise ApplicationError("duplicate_code", f"组织编码“{code}”已被使用。")
    org = Organization(
        code=code, name=name.strip(), kind=kind, unit=unit.strip(), established_on=established_on
    )
    full_clean(org, exclude=["path", "depth", "numchild"])
    org = tree_insert(org, parent)
    _event(
        org,
        OrgEventKind.CREATED,
        actor,
        established_on or timezone.localdate(),
        parent=parent and parent.code,
    )
    audit.record(
        actor=actor, action="create", obj=org, changes={"code": code, "name": org.name, "kind": kind}
    )
    return org


@transaction.atomic
def org_update(
    *,
    actor: User | None,
    org: Organization,
    name: str | None = None,
    unit: str | None = None,
    established_on: date | None = None,
    on: date | None = None,
) -> Organization:
    """Rename or change the details of an organization. A rename is kept in its history."""
    require(can_restructure(actor, org) if name is not None and name != org.name else can_manage(actor, org))
    before = {"name": org.name, "unit": org.unit, "established_on": org.established_on}
    if name is not None:
        org.name = name.strip()
    if unit is not None:
        org.unit = unit.strip()
    if established_on is not None:
        org.established_on = established_on
    full_clean(org, exclude=["path", "depth", "numchild"])
    changes = audit.diff(before, {"name": org.name, "unit": org.unit, "established_on": org.established_on})
    if not changes:
        return org
    org.save()
    day = on or timezone.localdate()
    if "name" in changes:
        _event(org, OrgEventKind.RENAMED, actor, day, old=before["name"], new=org.name)
    if set(changes) - {"name"}:
        _event(
            org, OrgEventKind.UPDATED, actor, day, changes={k: v for k, v in changes.items() if k != "name"}
        )
    audit.record(actor=actor, action="update", obj=org, changes=changes)
    return org


@transaction.atomic
def org_move(
    *, actor: User | None, org: Organization, new_parent: Organization, on: date | None = None
) -> Organization:
    """Move an organization with its whole subtree under another parent."""
    require(can_restructure(actor, org) and can_manage(actor, new_parent))
    if new_parent.path.startswith(org.path):
        raise ApplicationError("move_into_itself", "不能把组织调整到它自己或它的下级组织之下。")
    old_parent = Organization.objects.get_parent(org)
    if old_parent is not None and old_parent.pk == new_parent.pk:
        return org
    _check_child_kind(new_parent, org.kind)
    tree_move(org, new_parent)
    _event(
        org,
        OrgEventKind.MOVED,
        actor,
        on or timezone.localdate(),
        old_parent=old_parent and old_parent.code,
        new_parent=new_parent.code,
    )
    audit.record(
        actor=actor,
        action="move",
        obj=org,
        changes={"parent": [old_parent and old_parent.code, new_parent.code]},
    )
    return org


def _current_members_q(org: Organization) -> Q:
    return Q(ended_on__isnull=True) & (Q(branch=org) | Q(party_group=org))


@transaction.atomic
def org_dissolve(*, actor: User | None, org: Organization, on: date, reason: str = "") -> Organization:
    """Dissolve an organization. It must be empty first: no current members, no active
    sub-organizations. Its records stay, marked with the dissolution date."""
    from qixin.people.models import Membership

    require(can_restructure(actor, org))
    if not org.is_active:
        raise ApplicationError("already_dissolved", f"“{org.name}”已于{org.dissolved_on}撤销。")
    if org.established_on and on < org.established_on:
        raise ApplicationError("bad_date", "撤销日期不能早于成立日期。")
    if (
        Organization.objects.filter(path__startswith=org.path, dissolved_on__isnull=True)
        .exclude(pk=org.pk)
        .exists()
    ):
        raise ApplicationError("has_children", f"“{org.name}”下还有未撤销的下级组织，请先撤销或调整。")
    count = Membership.objects.filter(_current_members_q(org)).count()
    if count:
        raise ApplicationError(
            "has_members",
            f"“{org.name}”还有{count}名党员，请先转接他们的组织关系，或将本支部合并到其他支部。",
        )
    org.dissolved_on = on
    org.save(update_fields=["dissolved_on", "updated_at"])
    Position.objects.filter(organization=org, ended_on__isnull=True).update(ended_on=on)
    _event(org, OrgEventKind.DISSOLVED, actor, on, reason=reason)
    audit.record(actor=actor, action="dissolve", obj=org, changes={"dissolved_on": on, "reason": reason})
    return org


@transaction.atomic
def branch_merge(
    *, actor: User | None, source: Organization, target: Organization, on: date, reason: str = ""
) -> Organization:
    """Merge one branch into another: its members are transferred (each transfer kept in their
    history), its party groups move under the target, and the source is dissolved with a pointer
    to where it went."""
    from qixin.people.services import membership_transfer_many

    require(can_restructure(actor, source) and can_manage(actor, target))
    if source.kind != OrgKind.BRANCH or target.kind != OrgKind.BRANCH:
        raise ApplicationError("invalid_kind", "只能将党支部合并到另一个党支部。")
    if source.pk == target.pk:
        raise ApplicationError("same_branch", "不能把党支部合并到它自己。")
    if not source.is_active or not target.is_active:
        raise ApplicationError("already_dissolved", "已撤销的党支部不能合并。")
    moved = membership_transfer_many(
        actor=actor, source=source, target=target, on=on, reason=reason or f"{source.name}并入{target.name}"
    )
    for group in list(Organization.objects.get_children(source).filter(dissolved_on__isnull=True)):
        tree_move(group, target)
    source.refresh_from_db()
    source.dissolved_on = on
    source.merged_into = target
    source.save(update_fields=["dissolved_on", "merged_into", "updated_at"])
    Position.objects.filter(organization=source, ended_on__isnull=True).update(ended_on=on)
    _event(source, OrgEventKind.MERGED, actor, on, into=target.code, members=moved, reason=reason)
    _event(target, OrgEventKind.MERGED, actor, on, absorbed=source.code, members=moved, reason=reason)
    audit.record(actor=actor, action="merge", obj=source, changes={"into": target.code, "members": moved})
    return target


def _overlaps(start: date, end: date | None, other_start: date, other_end: date | None) -> bool:
    """Whether two terms share a day beyond a handover (one ending the day the other starts)."""
    return (other_end is None or start < other_end) and (end is None or other_start < end)


@transaction.atomic
def position_assign(
    *,
    actor: User | None,
    org: Organization,
    person_id: int,
    title: str,
    started_on: date,
    custom_title: str = "",
    ended_on: date | None = None,
    replace_current: bool = False,
) -> Position:
    """Appoint a person to a post (`ended_on` given: record a past term).

    Rules (RULES.md, Organizations and Members):
    - every post is held by a current member of the organization (its branch for a 党小组) whose
      党籍状态 is 正常: a member whose standing is stopped takes no part in party life;
    - elected posts (书记, 副书记, the committee members, and a custom title ending in 委员, which the
      access rules also treat as a committee post) need a 正式党员, full on the start date:
      "probationary members … cannot be elected". A 党小组长 or another custom post (联络员, 干事) is
      not a post of the elected committee, so a 预备党员 may hold it;
    - the start date is not in the future, not before the organization was established, nor before
      the person joined the party;
    - one 书记 at a time: a second current secretary is refused unless `replace_current`, which
      ends the current secretary's term on the new start date (a handover, kept in both records).
    """
    from qixin.people.models import Category, Membership, Standing

    require(can_manage(actor, org))
    if not org.is_active:
        raise ApplicationError("org_dissolved", f"“{org.name}”已撤销，不能任命职务。")
    if title not in PositionTitle.values:
        raise ApplicationError("invalid_title", f"“{title}”不是可选的职务。")
    custom_title = custom_title.strip() if title == PositionTitle.CUSTOM else ""
    if title == PositionTitle.CUSTOM and not custom_title:
        raise ApplicationError("custom_title_missing", "职务选“其他”时，须填写职务名称。")
    today = timezone.localdate()
    if started_on > today:
        raise ApplicationError("future_date", "任职日期不能晚于今天。")
    if org.established_on and started_on < org.established_on:
        raise ApplicationError(
            "before_established", f"任职日期不能早于“{org.name}”的成立日期{org.established_on}。"
        )
    if ended_on is not None and ended_on < started_on:
        raise ApplicationError("bad_end_date", "离任日期不能早于任职日期。")
    # A party group's posts are held by members of its branch; other posts by members in the subtree.
    scope_path = org.path[: -org.steplen] if org.kind == OrgKind.GROUP else org.path
    membership = (
        Membership.objects.filter(
            person_id=person_id, ended_on__isnull=True, branch__path__startswith=scope_path
        )
        .select_related("person")
        .first()
    )
    if membership is None:
        # No name here: the person may lie outside the actor's reach.
        raise ApplicationError(
            "not_member", f"该人员不是“{org.name}”（含下级组织）的在册党员，不能担任本组织的党内职务。"
        )
    position = Position(
        organization=org,
        person_id=person_id,
        title=title,
        custom_title=custom_title,
        started_on=started_on,
        ended_on=ended_on,
    )
    name, post = membership.person.name, position.display_title
    if membership.standing != Standing.NORMAL:
        raise ApplicationError("not_eligible", f"{name}的党籍状态为“{membership.standing}”，不能担任{post}。")
    if position.is_committee:
        if membership.category != Category.FULL:
            raise ApplicationError(
                "not_eligible",
                f"{name}是预备党员。{post}须经选举产生，预备党员没有表决权、选举权和被选举权，不能担任。",
            )
        if membership.full_on and membership.full_on > started_on:
            raise ApplicationError(
                "not_eligible",
                f"{name}于{membership.full_on}转为正式党员，任职日期{started_on}时还是预备党员，"
                f"不能担任{post}（须经选举产生）。",
            )
    if membership.joined_on > started_on:
        raise ApplicationError(
            "bad_date", f"任职日期{started_on}早于{name}加入党组织的日期{membership.joined_on}。"
        )
    same_post = Position.objects.filter(
        organization=org, person_id=person_id, title=title, custom_title=custom_title
    )
    for held in same_post:
        if _overlaps(started_on, ended_on, held.started_on, held.ended_on):
            raise ApplicationError(
                "duplicate",
                f"{name}在{held.started_on}至{held.ended_on or '今'}已任{post}，任期不能重叠。",
            )
    if title == PositionTitle.SECRETARY:
        current = (
            Position.objects.select_for_update()
            .filter(organization=org, title=title, ended_on__isnull=True)
            .select_related("person")
            .first()
        )
        if current is not None and ended_on is None:
            if not replace_current:
                raise ApplicationError(
                    "secretary_taken",
                    f"“{org.name}”已有在任书记{current.person.name}（自{current.started_on}起），"
                    "一个组织同时只能有一名书记。请先为其办理离任，或选择同时免去现任书记。",
                )
            if started_on <= current.started_on:
                raise ApplicationError(
                    "bad_date",
                    f"新任书记的任职日期须晚于现任书记{current.person.name}的任职日期{current.started_on}。",
                )
            position_end(actor=actor, position=current, ended_on=started_on)
        for other in Position.objects.filter(organization=org, title=title).select_related("person"):
            if _overlaps(started_on, ended_on, other.started_on, other.ended_on):
                raise ApplicationError(
                    "secretary_taken",
                    f"{other.started_on}至{other.ended_on or '今'}“{org.name}”的书记是{other.person.name}，"
                    "同一时间只能有一名书记。",
                )
    full_clean(position)
    position.save()
    audit.record(
        actor=actor,
        action="create",
        obj=position,
        changes={
            "person": person_id,
            "title": position.display_title,
            "started_on": started_on,
            "ended_on": ended_on,
        },
    )
    return position


@transaction.atomic
def position_end(*, actor: User | None, position: Position, ended_on: date) -> Position:
    """End a term. The end date is not before the start date (a handover ends and starts the same day)."""
    require(can_manage(actor, position.organization))
    if position.ended_on is not None:
        raise ApplicationError("already_ended", f"该职务已于{position.ended_on}离任。")
    if ended_on < position.started_on:
        raise ApplicationError("bad_end_date", "离任日期不能早于任职日期。")
    position.ended_on = ended_on
    position.save(update_fields=["ended_on", "updated_at"])
    audit.record(actor=actor, action="update", obj=position, changes={"ended_on": [None, ended_on]})
    return position


@transaction.atomic
def election_record(
    *, actor: User | None, org: Organization, held_on: date, term_years: int | None = None, note: str = ""
) -> Election:
    """Record a 换届选举. The term length defaults to the rule for the organization's kind
    (RULES.md, Terms: 党委 5 years, 党总支 and 党支部 3 years)."""
    require(can_manage(actor, org))
    if org.kind == OrgKind.GROUP:
        raise ApplicationError("invalid_kind", "党小组不进行换届选举。")
    if held_on > timezone.localdate():
        raise ApplicationError("future_date", "换届日期不能晚于今天。")
    if term_years is None:
        term_years = int(rulebook(org, held_on).get("org.term_years")[org.kind])
    if Election.objects.filter(organization=org, held_on=held_on).exists():
        raise ApplicationError("duplicate", f"{held_on}已记录过一次换届选举。")
    election = Election(organization=org, held_on=held_on, term_years=term_years, note=note)
    full_clean(election)
    election.save()
    audit.record(
        actor=actor, action="create", obj=election, changes={"held_on": held_on, "term_years": term_years}
    )
    return election
