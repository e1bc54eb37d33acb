"""Every write to the people registry: validated, permission-checked, audited, one transaction.

`check_person` holds the cross-field rules shared by the form, the API and the roster import, so a
value refused in one is refused in all.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from qixin.core import audit, bulk, crypto, idcard
from qixin.core.access import require
from qixin.core.errors import ApplicationError, Problem
from qixin.core.models import User
from qixin.core.periods import whole_years_between
from qixin.core.rules import Rulebook, rulebook
from qixin.core.text import chinese_date, pinyin_full, pinyin_initials
from qixin.core.validation import full_clean
from qixin.orgs.models import Organization, OrgKind

from .models import Category, EmploymentStatus, EndReason, Membership, MembershipTransfer, Person, Standing
from .permissions import can_add_to, can_manage
from .rulebook import extended_probation_end, extension_bounds, min_age

PERSON_FIELDS = (
    "employee_no",
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "education",
    "department",
    "job",
    "phone",
    "id_number",
    "address",
    "hired_on",
    "employment_status",
    "left_on",
)
MEMBERSHIP_FIELDS = (
    "category",
    "joined_on",
    "full_on",
    "branch",
    "party_group",
    "standing",
    "lost_contact_since",
    "floating_to",
)
MOBILE_LENGTH = 11


def check_person(
    values: dict[str, Any],
    *,
    row: int | None = None,
    today: date | None = None,
    rules: Rulebook | None = None,
) -> list[Problem]:
    """Cross-field rules for a person and their membership; normalises `values` in place.

    - 身份证号 (GB 11643 checksum) agrees with 出生日期 and 性别, which it fills when missing;
    - a 正式党员 has a 转正日期 not before joining, a 预备党员 none (RULES.md, Members);
    - an applicant must be of the rule `member.min_age` (18, 党章第一条) or older when joining
      (RULES.md, Members); `rules` is the rulebook of the branch, looked up when not given (an
      import passes the books of all its branches, read in one query);
    - 离职/退休 needs its date; 失联 and 流动 need their date and destination.
    """
    today = today or timezone.localdate()
    problems: list[Problem] = []

    def bad(message: str, column: str) -> None:
        problems.append(
            Problem(message=message, row=row, column=column if row else None, field=None if row else column)
        )

    raw_id = values.get("id_number") or ""
    if raw_id:
        try:
            parsed = idcard.parse(raw_id)
        except idcard.IdNumberError as exc:
            bad(str(exc), "公民身份号码")
        else:
            values["id_number"] = parsed.value
            if values.get("birth_date") and values["birth_date"] != parsed.birth_date:
                bad(f"出生日期{values['birth_date']}与身份证号中的{parsed.birth_date}不一致", "出生日期")
            values.setdefault("birth_date", parsed.birth_date)
            values["birth_date"] = values["birth_date"] or parsed.birth_date
            if values.get("gender") and values["gender"] != parsed.gender:
                bad(f"性别“{values['gender']}”与身份证号（{parsed.gender}）不一致", "性别")
            values["gender"] = values.get("gender") or parsed.gender
    if not values.get("gender") and not raw_id:  # a bad ID number is reported on its own
        bad("请填写性别（或填写身份证号以自动识别）", "性别")
    phone = (values.get("phone") or "").strip().replace("-", "").replace(" ", "")
    if phone and not (
        phone.isdigit() and ((len(phone) == MOBILE_LENGTH and phone.startswith("1")) or 7 <= len(phone) <= 12)
    ):
        bad(f"“{values['phone']}”不是有效的电话号码", "联系电话")
    birth = values.get("birth_date")
    if birth and birth > today:
        bad("出生日期不能晚于今天", "出生日期")

    status = values.get("employment_status") or EmploymentStatus.ACTIVE
    values["employment_status"] = status
    if status != EmploymentStatus.ACTIVE and not values.get("left_on"):
        values["left_on"] = today
    if status == EmploymentStatus.ACTIVE:
        values["left_on"] = None

    category = values.get("category") or ""
    if category:
        joined, full_on = values.get("joined_on"), values.get("full_on")
        if not values.get("branch"):
            bad("党员必须填写所在党支部", "所在党支部")
        if joined is None:
            bad("党员必须填写加入党组织日期", "加入党组织日期")
        elif joined > today:
            bad("加入党组织日期不能晚于今天", "加入党组织日期")
        elif birth:
            if rules is None:
                branch = values.get("branch")
                rules = rulebook(branch) if branch is not None else Rulebook({})
            youngest = min_age(rules)
            if whole_years_between(birth, joined) < youngest:
                bad(f"入党时未满{youngest}周岁（{birth}出生，{joined}入党）", "加入党组织日期")
        if category == Category.FULL:
            if full_on is None:
                bad("正式党员必须填写转为正式党员日期", "转为正式党员日期")
            elif joined and full_on < joined:
                bad("转为正式党员日期不能早于加入党组织日期", "转为正式党员日期")
            elif full_on > today:
                bad("转为正式党员日期不能晚于今天", "转为正式党员日期")
        elif full_on is not None:
            bad("预备党员不应填写转为正式党员日期", "转为正式党员日期")
        since = values.get("lost_contact_since")
        if not values.get("lost_contact"):
            values["lost_contact_since"] = None
        elif since is None:
            bad("失联党员须填写失联日期", "失联日期")
        elif since > today:
            bad("失联日期不能晚于今天", "失联日期")
        elif joined and since < joined:
            bad("失联日期不能早于加入党组织日期", "失联日期")
        if values.get("floating") and not values.get("floating_to"):
            bad("流动党员须填写流动去向", "流动去向")
        if not values.get("floating"):
            values["floating_to"] = ""
        group = values.get("party_group")
        branch = values.get("branch")
        if group is not None and branch is not None and not group.path.startswith(branch.path):
            bad(f"党小组“{group.name}”不属于党支部“{branch.name}”", "所在党小组")
    else:
        for key, label in (
            ("joined_on", "加入党组织日期"),
            ("full_on", "转为正式党员日期"),
            ("branch", "所在党支部"),
        ):
            if values.get(key):
                bad(f"人员类别为群众时不应填写{label}（党员请填写人员类别）", label)
    return problems


def _person_values(values: dict[str, Any]) -> dict[str, Any]:
    out = {k: values.get(k) for k in PERSON_FIELDS if k in values}
    for key in ("ethnicity", "education", "department", "job", "phone", "id_number", "address"):
        if key in out and out[key] is None:
            out[key] = ""
    if "name" in out:
        out["name_initials"] = pinyin_initials(out["name"] or "")
        out["name_pinyin"] = pinyin_full(out["name"] or "")
    if "id_number" in out:
        out["id_digest"] = crypto.digest(out["id_number"]) if out["id_number"] else None
    return out


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise ApplicationError("invalid", "填写的内容有误，请修改后再提交。", problems)


def _check_id_unique(id_number: str, exclude_pk: int | None) -> None:
    if not id_number:
        return
    same = Person.objects.filter(id_digest=crypto.digest(id_number))
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    clash = same.first()
    if clash is not None:
        raise ApplicationError(
            "duplicate_id",
            "身份证号与已有人员重复。",
            [Problem(message=f"与工号{clash.employee_no}的身份证号相同", field="公民身份号码")],
        )


@transaction.atomic
def person_create(*, actor: User | None, organization: Organization, values: dict[str, Any]) -> Person:
    """Register an employee (and, when `category` is given, their party membership)."""
    branch = values.get("branch")
    require(can_add_to(actor, branch or organization))
    _raise(check_person(values))
    if Person.objects.filter(employee_no=values["employee_no"]).exists():
        raise ApplicationError("duplicate_employee_no", f"工号“{values['employee_no']}”已存在。")
    _check_id_unique(values.get("id_number") or "", None)
    person = Person(organization=branch or organization, **_person_values(values))
    full_clean(person, exclude=["id_digest"])
    person.save()
    if values.get("category"):
        _membership_create(person, values)
    audit.record(
        actor=actor,
        action="create",
        obj=person,
        changes={"employee_no": person.employee_no, "category": values.get("category") or "群众"},
    )
    return person


def _membership_create(person: Person, values: dict[str, Any]) -> Membership:
    membership = Membership(
        person=person, **{k: values[k] for k in MEMBERSHIP_FIELDS if values.get(k) is not None}
    )
    full_clean(membership)
    membership.save()
    return membership


@transaction.atomic
def person_update(*, actor: User | None, person: Person, values: dict[str, Any]) -> Person:
    """Correct an employee's details. Membership changes go through the membership services."""
    require(can_manage(actor, person))
    merged = {k: getattr(person, k) for k in PERSON_FIELDS} | values
    _raise(check_person(merged))
    _check_id_unique(merged.get("id_number") or "", person.pk)
    before = {k: getattr(person, k) for k in PERSON_FIELDS}
    for key, value in _person_values(merged).items():
        setattr(person, key, value)
    full_clean(person, exclude=["id_digest"])
    changes = audit.diff(before, {k: getattr(person, k) for k in PERSON_FIELDS})
    if changes:
        person.save()
        audit.record(actor=actor, action="update", obj=person, changes=_redact(changes))
    return person


SENSITIVE = ("id_number", "phone", "address")


def _redact(changes: dict[str, Any]) -> dict[str, Any]:
    """The audit log records that a sensitive field changed, never its value."""
    return {k: (["***", "***"] if k in SENSITIVE else v) for k, v in changes.items()}


@transaction.atomic
def membership_admit(*, actor: User | None, person: Person, values: dict[str, Any]) -> Membership:
    """Record a person's party membership (a newly admitted 预备党员, or a member transferred in)."""
    branch: Organization | None = values.get("branch")
    if branch is None or branch.kind != OrgKind.BRANCH:
        raise ApplicationError("invalid", "请选择所在党支部。")
    require(can_add_to(actor, branch))
    if person.memberships.filter(ended_on__isnull=True).exists():
        raise ApplicationError("already_member", f"{person.name}已是在册党员。")
    merged = {k: getattr(person, k) for k in PERSON_FIELDS} | values
    _raise(check_person(merged))
    membership = _membership_create(person, merged)
    person.organization = branch
    person.save(update_fields=["organization", "updated_at"])
    audit.record(
        actor=actor,
        action="create",
        obj=membership,
        changes={"category": membership.category, "branch": branch.code, "joined_on": membership.joined_on},
    )
    return membership


def _require_probationary(membership: Membership, what: str) -> None:
    if membership.category != Category.PROBATIONARY or not membership.is_current:
        raise ApplicationError("not_probationary", f"只有在册预备党员才能{what}。")


def _check_decision(membership: Membership, decided_on: date, approved_on: date, reason: str) -> str:
    """A decision on a probation: voted by the 党员大会 after admission and not in the future, approved
    by the superior on or after the vote (RULES.md, Members), with its reason written down."""
    today = timezone.localdate()
    problems: list[Problem] = []
    if decided_on > today:
        problems.append(Problem(message="支部大会日期不能晚于今天", field="支部大会日期"))
    elif decided_on < membership.joined_on:
        problems.append(
            Problem(message=f"支部大会日期不能早于入党日期{membership.joined_on}", field="支部大会日期")
        )
    if approved_on > today:
        problems.append(Problem(message="上级批准日期不能晚于今天", field="上级批准日期"))
    elif approved_on < decided_on:
        problems.append(Problem(message="上级批准日期不能早于支部大会日期", field="上级批准日期"))
    reason = reason.strip()
    if not reason:
        problems.append(Problem(message="请填写原因", field="原因"))
    _raise(problems)
    return reason


@transaction.atomic
def membership_confirm_full(*, actor: User | None, membership: Membership, full_on: date) -> Membership:
    """转正: a probationary member becomes a full member from the date the branch voted.

    The vote is held at the end of probation (RULES.md, Members; 党章第七条: 党龄 counts from the
    day probation is over), so a 转正 before the probation (or its extension) is over is refused.
    """
    require(can_manage(actor, membership.person))
    _require_probationary(membership, "办理转正")
    if full_on < membership.joined_on or full_on > timezone.localdate():
        raise ApplicationError("bad_date", "转正日期应在入党日期之后，且不晚于今天。")
    due = membership.probation_due
    if due is not None and full_on < due:
        raise ApplicationError(
            "probation_not_over",
            f"预备期到{chinese_date(due)}才满，预备期满后才能讨论转正（转正日期不能早于预备期满之日）。",
        )
    membership.category = Category.FULL
    membership.full_on = full_on
    full_clean(membership)
    membership.save(update_fields=["category", "full_on", "updated_at"])
    audit.record(actor=actor, action="confirm_full", obj=membership, changes={"full_on": full_on})
    return membership


@transaction.atomic
def membership_extend_probation(
    *,
    actor: User | None,
    membership: Membership,
    months: int,
    decided_on: date,
    approved_on: date,
    reason: str,
) -> Membership:
    """延长预备期: the branch may extend a probation once, by the rules
    `member.probation_extension_min_months` to `member.probation_extension_max_months` (6 to 12
    months), with the superior's approval (RULES.md, Members; 党章第七条). The extension runs on from
    the day the regular probation is over; 转正 and the health check then wait for the new date.
    """
    require(can_manage(actor, membership.person))
    _require_probationary(membership, "延长预备期")
    if membership.probation_extended_until is not None:
        raise ApplicationError(
            "already_extended",
            f"{membership.person.name}的预备期已延长至{membership.probation_extended_until:%Y年%m月%d日}，"
            "预备期只能延长一次。",
        )
    book = rulebook(membership.branch)
    shortest, longest = extension_bounds(book)
    if not shortest <= months <= longest:
        raise ApplicationError(
            "invalid",
            "填写的内容有误，请修改后再提交。",
            [Problem(message=f"延长预备期应为{shortest}至{longest}个月", field="延长月数")],
        )
    reason = _check_decision(membership, decided_on, approved_on, reason)
    membership.probation_extended_until = extended_probation_end(membership.joined_on, months, book)
    membership.probation_extension_decided_on = decided_on
    membership.probation_extension_approved_on = approved_on
    membership.probation_extension_reason = reason
    full_clean(membership)
    membership.save(update_fields=[*PROBATION_EXTENSION_FIELDS, "updated_at"])
    audit.record(
        actor=actor,
        action="extend_probation",
        obj=membership,
        changes={
            "months": months,
            "until": membership.probation_extended_until,
            "decided_on": decided_on,
            "approved_on": approved_on,
            "reason": reason,
        },
    )
    return membership


PROBATION_EXTENSION_FIELDS = (
    "probation_extended_until",
    "probation_extension_decided_on",
    "probation_extension_approved_on",
    "probation_extension_reason",
)


@transaction.atomic
def membership_cancel_probation(
    *, actor: User | None, membership: Membership, decided_on: date, approved_on: date, reason: str
) -> Membership:
    """取消预备党员资格: the branch votes, the superior approves (RULES.md, Members; 党章第七条).

    The membership ends (membership_end, reason 取消预备党员资格) on the day of the approval, since
    the decision is not in force before it; it stays in the person's history with both dates.
    """
    require(can_manage(actor, membership.person))
    _require_probationary(membership, "取消预备党员资格")
    reason = _check_decision(membership, decided_on, approved_on, reason)
    return membership_end(
        actor=actor,
        membership=membership,
        on=approved_on,
        reason=EndReason.PROBATION_CANCELLED,
        decided_on=decided_on,
        approved_on=approved_on,
        note=reason,
    )


def _transfer(
    membership: Membership, target: Organization, on: date, reason: str, actor: User | None
) -> None:
    MembershipTransfer.objects.create(
        membership=membership,
        from_branch_id=membership.branch_id,
        to_branch=target,
        transferred_on=on,
        reason=reason,
        actor=actor if actor is not None and actor.pk else None,
    )
    membership.branch = target
    membership.party_group = None
    membership.save(update_fields=["branch", "party_group", "updated_at"])
    Person.objects.filter(pk=membership.person_id).update(organization=target)


@transaction.atomic
def membership_transfer(
    *, actor: User | None, membership: Membership, target: Organization, on: date, reason: str = ""
) -> Membership:
    """组织关系转接 between two branches; the move is kept in the member's history."""
    require(can_manage(actor, membership.person) and can_add_to(actor, target))
    if not membership.is_current:
        raise ApplicationError("not_current", "该党员的组织关系已终止，不能转接。")
    if target.kind != OrgKind.BRANCH or not target.is_active:
        raise ApplicationError("invalid_target", "只能转入一个现有的党支部。")
    if target.pk == membership.branch_id:
        raise ApplicationError("same_branch", "转入支部与当前所在支部相同。")
    if on > timezone.localdate():
        raise ApplicationError("bad_date", "转接日期不能晚于今天。")
    source = membership.branch
    _transfer(membership, target, on, reason, actor)
    audit.record(
        actor=actor,
        action="transfer",
        obj=membership,
        changes={"from": source.code, "to": target.code, "on": on, "reason": reason},
    )
    return membership


def membership_transfer_many(
    *, actor: User | None, source: Organization, target: Organization, on: date, reason: str
) -> int:
    """Transfer every current member of `source` (part of a merge, inside its transaction)."""
    memberships = list(Membership.objects.filter(branch=source, ended_on__isnull=True))
    for membership in memberships:
        _transfer(membership, target, on, reason, actor)
    # Employees who are not members follow their organization too.
    Person.objects.filter(organization=source).update(organization=target)
    return len(memberships)


@transaction.atomic
def membership_end(
    *,
    actor: User | None,
    membership: Membership,
    on: date,
    reason: str,
    decided_on: date | None = None,
    approved_on: date | None = None,
    note: str = "",
) -> Membership:
    """End a membership (transferred out of the enterprise, withdrawn, deceased ...). Nothing is
    deleted: the membership stays in the person's history with its end date and reason.

    An end decided by a meeting and approved by the superior (取消预备党员资格, through
    membership_cancel_probation) also keeps both dates and the reason given (`note`)."""
    require(can_manage(actor, membership.person))
    if not membership.is_current:
        raise ApplicationError("not_current", "该党员的组织关系已经终止。")
    if reason not in EndReason.values:
        raise ApplicationError("invalid", "请选择终止原因。")
    if reason == EndReason.PROBATION_CANCELLED:
        _require_probationary(membership, "取消预备党员资格")
        if decided_on is None or approved_on is None:
            raise ApplicationError(
                "needs_decision",
                "取消预备党员资格须经支部大会讨论通过和上级党组织批准，请通过“取消预备党员资格”办理。",
            )
    if on < membership.joined_on or on > timezone.localdate():
        raise ApplicationError("bad_date", "终止日期应在入党日期之后，且不晚于今天。")
    membership.ended_on = on
    membership.end_reason = reason
    membership.end_decided_on = decided_on
    membership.end_approved_on = approved_on
    membership.end_note = note
    full_clean(membership)
    membership.save(
        update_fields=[
            "ended_on",
            "end_reason",
            "end_decided_on",
            "end_approved_on",
            "end_note",
            "updated_at",
        ]
    )
    changes: dict[str, Any] = {"on": on, "reason": reason}
    if decided_on is not None or approved_on is not None or note:
        changes |= {"decided_on": decided_on, "approved_on": approved_on, "note": note}
    audit.record(actor=actor, action="end_membership", obj=membership, changes=changes)
    return membership


STANDING_FIELDS = ("standing", "lost_contact_since", "floating_to")


@transaction.atomic
def membership_set_standing(
    *, actor: User | None, membership: Membership, values: dict[str, Any]
) -> Membership:
    """党籍状态 (正常 or 停止党籍), 失联 (since when) and 流动 (where to) of a current member.

    `values`: standing, lost_contact (bool) with lost_contact_since, floating (bool) with floating_to;
    what is left out stays as it is.
    """
    require(can_manage(actor, membership.person))
    if not membership.is_current:
        raise ApplicationError("not_current", "该党员的组织关系已终止，不能修改党籍状态。")
    if values.get("standing", membership.standing) not in Standing.values:
        raise ApplicationError("invalid", "请选择党籍状态：正常或停止党籍。")
    person = membership.person
    merged = (
        {k: getattr(person, k) for k in PERSON_FIELDS}
        | {k: getattr(membership, k) for k in MEMBERSHIP_FIELDS}
        | {"lost_contact": membership.is_lost_contact, "floating": membership.is_floating}
        | values
    )
    _raise(check_person(merged))
    before = {k: getattr(membership, k) for k in STANDING_FIELDS}
    for key in STANDING_FIELDS:
        setattr(membership, key, merged[key])
    full_clean(membership)
    changes = audit.diff(before, {k: getattr(membership, k) for k in STANDING_FIELDS})
    if changes:
        membership.save(update_fields=[*STANDING_FIELDS, "updated_at"])
        audit.record(actor=actor, action="set_standing", obj=membership, changes=changes)
    return membership


@transaction.atomic
def person_leave(*, actor: User | None, person: Person, on: date, status: str) -> Person:
    """An employee leaves the company or retires; the record and its history stay."""
    require(can_manage(actor, person))
    if status not in (EmploymentStatus.LEFT, EmploymentStatus.RETIRED):
        raise ApplicationError("invalid", "请选择离职或退休。")
    if person.employment_status != EmploymentStatus.ACTIVE:
        raise ApplicationError("not_active", f"{person.name}已经{person.employment_status}。")
    if on > timezone.localdate() or (person.hired_on is not None and on < person.hired_on):
        raise ApplicationError("bad_date", "离职或退休日期应在入职日期之后，且不晚于今天。")
    person.employment_status = status
    person.left_on = on
    full_clean(person, exclude=["id_digest"])
    person.save(update_fields=["employment_status", "left_on", "updated_at"])
    audit.record(actor=actor, action="leave", obj=person, changes={"status": status, "on": on})
    return person


# --- accounts -----------------------------------------------------------------------------------------


def _initial_password() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


@transaction.atomic
def accounts_create(*, actor: User | None, people: list[Person]) -> list[tuple[Person, str]]:
    """Open accounts (username = 工号) for people who have none, each with a one-time initial password
    that must be changed at first login. Returns the passwords to hand over; they are not stored.

    Here, not in the kernel: the account is core's User, but whether one may open it is the registry's
    rule (who manages the person)."""
    created: list[tuple[Person, str]] = []
    for person in people:
        require(can_manage(actor, person))
        if (
            User.objects.filter(person=person).exists()
            or User.objects.filter(username=person.employee_no).exists()
        ):
            continue
        password = _initial_password()
        user = User(
            username=person.employee_no, first_name=person.name, person=person, must_change_password=True
        )
        user.set_password(password)
        user.save()
        created.append((person, password))
    audit.record(
        actor=actor,
        action="accounts_create",
        model="core.User",
        changes={"employee_nos": [p.employee_no for p, _ in created]},
    )
    return created


MEMBERSHIP_COMPARED = (
    "category",
    "joined_on",
    "full_on",
    "party_group_id",
    "standing",
    "lost_contact_since",
    "floating_to",
)


def roster_write(
    *,
    actor: User | None,
    filename: str,
    creates: list[tuple[Person, dict[str, Any]]],
    updates: list[Person],
    changed_fields: set[str],
    new_memberships: list[tuple[Person, dict[str, Any]]],
    membership_updates: list[Membership],
    transfers: list[tuple[Membership, Organization]],
    updated_log: dict[str, list[str]],
) -> None:
    """Write a checked roster in bulk (people.importers: every row validated and compared first):
    the new people and their memberships, the changed people and memberships, and the transfers
    (组织关系转接, kept in the history), in one transaction; audited once, with what changed. A
    35,000-row roster cannot go through person_create one row at a time (see bench/bench_import.py)."""
    # Everything that is not the database's own work is done before the write transaction, so that
    # the database is locked only while the rows are written (SQLite has one writer at a time).
    new_people = [p for p, _ in creates]
    people_rows = bulk.prepare(Person, new_people)
    memberships = [
        _new_membership(person, values)
        for person, values in [*zip(new_people, [v for _, v in creates], strict=True), *new_memberships]
        if values.get("category")
    ]
    membership_rows = bulk.prepare(Membership, memberships)
    with transaction.atomic():
        bulk.execute(people_rows)
        _read_back_keys(new_people)
        if updates and changed_fields:
            Person.objects.bulk_update(updates, sorted(changed_fields | {"organization"}), batch_size=2000)
        # A new person's key is known only now: their membership was prepared without it.
        membership_rows.set_column("person_id", [m.person.pk for m in memberships])
        bulk.execute(membership_rows)
        for membership, target in transfers:
            MembershipTransfer.objects.create(
                membership=membership,
                from_branch_id=membership.branch_id,
                to_branch=target,
                transferred_on=timezone.localdate(),
                reason="名册导入",
                actor=actor if actor and actor.pk else None,
            )
            membership.branch = target
        if membership_updates or transfers:
            Membership.objects.bulk_update(
                {m.pk: m for m in [*membership_updates, *(m for m, _ in transfers)]}.values(),
                ["branch", *[f for f in MEMBERSHIP_COMPARED]],
                batch_size=2000,
            )
        audit.record(
            actor=actor,
            action="import",
            model="people.Person",
            object_repr=filename[:200],
            changes={
                "created": [p.employee_no for p, _ in creates],
                "updated": updated_log,
                "transferred": [m.person_id for m, _ in transfers],
            },
        )


def _read_back_keys(people: list[Person]) -> None:
    """Give the people just inserted their primary keys, found by 工号."""
    by_number = {p.employee_no: p for p in people}
    numbers = list(by_number)
    for start in range(0, len(numbers), 5000):
        chunk = numbers[start : start + 5000]
        for number, pk in Person.objects.filter(employee_no__in=chunk).values_list("employee_no", "pk"):
            by_number[number].pk = pk
            by_number[number]._state.adding = False


def _new_membership(person: Person, values: dict[str, Any]) -> Membership:
    return Membership(
        person=person,
        category=values["category"],
        joined_on=values["joined_on"],
        full_on=values.get("full_on"),
        branch=values["branch"],
        party_group=values.get("party_group"),
        standing=values.get("standing") or Standing.NORMAL,
        lost_contact_since=values.get("lost_contact_since"),
        floating_to=values.get("floating_to", ""),
    )
