"""预备期 (RULES.md, Members): it lasts the rule `member.probation_years` from admission; at its end
the branch confirms (转正), extends once by 6 to 12 months (rules), or cancels, each with the
superior's approval. A refusal changes nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.builders import D, account, org, person

from qixin.core.errors import ApplicationError
from qixin.core.models import AuditEntry, RuleOverride
from qixin.core.periods import add_months, add_years
from qixin.core.services import system_user
from qixin.core.text import chinese_date
from qixin.orgs import services as org_services
from qixin.orgs.models import OrgKind, PositionTitle
from qixin.people import selectors
from qixin.people.models import Membership
from qixin.people.services import (
    membership_cancel_probation,
    membership_confirm_full,
    membership_end,
    membership_extend_probation,
)

pytestmark = pytest.mark.django_db


# A probation that was over ten days ago, and one that has a month to run.
def day_joined() -> dt.date:
    return add_years(timezone.localdate(), -1) - dt.timedelta(days=10)


def day_due() -> dt.date:
    return add_years(day_joined(), 1)


def day_fresh() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=30)


def day_decided() -> dt.date:
    return day_due() + dt.timedelta(days=2)


def day_approved() -> dt.date:
    return day_due() + dt.timedelta(days=5)


@pytest.fixture
def world():
    root = org(None, "R", OrgKind.COMMITTEE)
    b1, b2 = org(root, "B1", name="第一党支部"), org(root, "B2", name="第二党支部")
    probationary = person(b1, "P1", name="张预备", category="预备党员", joined=day_joined())
    fresh = person(b1, "P2", category="预备党员", joined=day_fresh())
    full = person(b1, "F1", category="正式党员", joined=D(2015, 7, 1))
    secretary = person(b1, "S1", category="正式党员", joined=D(2012, 7, 1))
    org_services.position_assign(
        actor=system_user(),
        org=b1,
        person_id=secretary.pk,
        title=PositionTitle.SECRETARY,
        started_on=D(2025, 1, 1),
    )
    outsider = person(b2, "O1", category="正式党员")
    return {
        "root": root,
        "b1": b1,
        "probationary": probationary,
        "membership": Membership.objects.get(person=probationary),
        "fresh": Membership.objects.get(person=fresh),
        "full": Membership.objects.get(person=full),
        "secretary": account("secretary", password="x-Password-2026", person=secretary),
        "member": account("member", password="x-Password-2026", person=full),
        "outsider": account("outsider", password="x-Password-2026", person=outsider),
    }


def extend(
    membership,
    months=6,
    decided_on=None,
    approved_on=None,
    reason="需要继续考察",
    actor=None,
):
    return membership_extend_probation(
        actor=actor or system_user(),
        membership=membership,
        months=months,
        decided_on=decided_on or day_decided(),
        approved_on=approved_on or day_approved(),
        reason=reason,
    )


def extension_of(membership):
    membership.refresh_from_db()
    return (
        membership.probation_extended_until,
        membership.probation_extension_decided_on,
        membership.probation_extension_approved_on,
        membership.probation_extension_reason,
    )


NOT_EXTENDED = (None, None, None, "")


def refused(call, message):
    with pytest.raises(ApplicationError) as caught:
        call()
    assert message in str(caught.value)


# --- 延长预备期 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("months", [6, 12])
def test_an_extension_of_six_to_twelve_months_runs_on_from_the_end_of_probation(world, months):
    m = world["membership"]
    extend(m, months=months)
    assert extension_of(m) == (add_months(day_due(), months), day_decided(), day_approved(), "需要继续考察")
    entry = AuditEntry.objects.get(action="extend_probation", object_pk=str(m.pk))
    assert entry.changes["months"] == months
    assert entry.changes["reason"] == "需要继续考察"
    assert m.probation_due == add_months(day_due(), months)


@pytest.mark.parametrize("months", [5, 13])
def test_an_extension_outside_six_to_twelve_months_is_refused(world, months):
    m = world["membership"]
    refused(lambda: extend(m, months=months), "延长预备期应为6至12个月")
    assert extension_of(m) == NOT_EXTENDED
    assert not AuditEntry.objects.filter(action="extend_probation").exists()


def test_a_probation_is_extended_only_once(world):
    m = world["membership"]
    extend(m, months=6)
    refused(lambda: extend(m, months=6), "预备期只能延长一次")
    assert extension_of(m) == (add_months(day_due(), 6), day_decided(), day_approved(), "需要继续考察")
    assert AuditEntry.objects.filter(action="extend_probation").count() == 1


def test_only_a_current_probationary_member_can_be_extended(world):
    full = world["full"]
    refused(lambda: extend(full), "只有在册预备党员才能延长预备期")
    assert extension_of(full) == NOT_EXTENDED
    m = world["membership"]
    membership_end(actor=system_user(), membership=m, on=timezone.localdate(), reason="转出")
    refused(lambda: extend(m), "只有在册预备党员才能延长预备期")
    assert extension_of(m) == NOT_EXTENDED


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({"decided_on": timezone.localdate() + dt.timedelta(days=1)}, "支部大会日期不能晚于今天"),
        ({"decided_on": day_joined() - dt.timedelta(days=1)}, "支部大会日期不能早于入党日期"),
        ({"approved_on": day_decided() - dt.timedelta(days=1)}, "上级批准日期不能早于支部大会日期"),
        ({"approved_on": timezone.localdate() + dt.timedelta(days=1)}, "上级批准日期不能晚于今天"),
        ({"reason": "  "}, "请填写原因"),
    ],
)
def test_an_extension_needs_a_vote_an_approval_and_a_reason(world, dates, message):
    m = world["membership"]
    refused(lambda: extend(m, **dates), message)
    assert extension_of(m) == NOT_EXTENDED


def test_the_extension_bounds_are_rules_an_organization_may_override(world):
    for key, value in (
        ("member.probation_extension_min_months", 3),
        ("member.probation_extension_max_months", 9),
    ):
        RuleOverride.objects.create(
            organization=world["root"], key=key, value=value, effective_from=D(2020, 1, 1)
        )
    m = world["membership"]
    refused(lambda: extend(m, months=12), "延长预备期应为3至9个月")
    assert extension_of(m) == NOT_EXTENDED
    extend(m, months=3)
    assert extension_of(m)[0] == add_months(day_due(), 3)


def test_someone_who_does_not_manage_the_branch_cannot_extend(world):
    m = world["membership"]
    for user in (world["member"], world["outsider"]):
        with pytest.raises(ApplicationError):
            extend(m, actor=user)
    assert extension_of(m) == NOT_EXTENDED
    extend(m, actor=world["secretary"])
    assert extension_of(m)[0] == add_months(day_due(), 6)


# --- 预备期满 -------------------------------------------------------------------------------------


def test_the_probation_lasts_the_rule_of_the_branch(world):
    m = world["membership"]
    assert m.probation_due == day_due()
    RuleOverride.objects.create(
        organization=world["root"], key="member.probation_years", value=2, effective_from=D(2020, 1, 1)
    )
    m = Membership.objects.get(pk=m.pk)
    assert m.probation_due == add_years(day_joined(), 2)
    assert selectors.person_page_for(actor=system_user(), pk=m.person_id).probation_due == add_years(
        day_joined(), 2
    )
    assert world["full"].probation_due is None


# --- 转正 -----------------------------------------------------------------------------------------


def test_confirming_before_the_probation_is_over_is_refused(world):
    fresh = world["fresh"]
    refused(
        lambda: membership_confirm_full(actor=system_user(), membership=fresh, full_on=timezone.localdate()),
        f"预备期到{chinese_date(add_years(day_fresh(), 1))}才满",
    )
    m = world["membership"]
    refused(
        lambda: membership_confirm_full(
            actor=system_user(), membership=m, full_on=day_due() - dt.timedelta(days=1)
        ),
        "预备期满后才能讨论转正",
    )
    for membership in (fresh, m):
        membership.refresh_from_db()
        assert (membership.category, membership.full_on) == ("预备党员", None)
    assert not AuditEntry.objects.filter(action="confirm_full").exists()

    membership_confirm_full(actor=system_user(), membership=m, full_on=day_due())
    m.refresh_from_db()
    assert (m.category, m.full_on, m.probation_due) == ("正式党员", day_due(), None)


def test_after_an_extension_confirming_waits_for_the_extended_date(world):
    """A member admitted two years ago and extended by six months: full from 18 months on."""
    joined = add_years(timezone.localdate(), -2)
    member = person(world["b1"], "P3", category="预备党员", joined=joined)
    m = Membership.objects.get(person=member)
    extend(m, months=6, decided_on=add_years(joined, 1), approved_on=add_years(joined, 1))
    until = add_months(add_years(joined, 1), 6)
    refused(
        lambda: membership_confirm_full(
            actor=system_user(), membership=m, full_on=until - dt.timedelta(days=1)
        ),
        f"预备期到{chinese_date(until)}才满",
    )
    membership_confirm_full(actor=system_user(), membership=m, full_on=until)
    m.refresh_from_db()
    assert (m.category, m.full_on, m.probation_extended_until) == ("正式党员", until, until)


# --- 取消预备党员资格 -----------------------------------------------------------------------------


def test_cancelling_ends_the_membership_with_its_reason_and_keeps_it(world):
    m = world["membership"]
    membership_cancel_probation(
        actor=world["secretary"],
        membership=m,
        decided_on=day_decided(),
        approved_on=day_approved(),
        reason="不履行党员义务",
    )
    m.refresh_from_db()
    assert (m.ended_on, m.end_reason, m.end_decided_on, m.end_approved_on, m.end_note) == (
        day_approved(),
        "取消预备党员资格",
        day_decided(),
        day_approved(),
        "不履行党员义务",
    )
    assert list(Membership.objects.filter(person=world["probationary"]).values_list("pk", flat=True)) == [
        m.pk
    ]
    entry = AuditEntry.objects.get(action="end_membership", object_pk=str(m.pk))
    assert entry.changes["reason"] == "取消预备党员资格"
    assert entry.changes["note"] == "不履行党员义务"
    page = selectors.person_page_for(actor=system_user(), pk=m.person_id)
    assert (page.membership, page.probation_due, page.memberships) == (None, None, [m])


def test_only_a_current_probationary_member_can_be_cancelled(world):
    full = world["full"]
    refused(
        lambda: membership_cancel_probation(
            actor=system_user(),
            membership=full,
            decided_on=day_decided(),
            approved_on=day_approved(),
            reason="x",
        ),
        "只有在册预备党员才能取消预备党员资格",
    )
    full.refresh_from_db()
    assert (full.ended_on, full.end_reason) == (None, "")


def test_cancelling_without_the_vote_and_approval_is_refused(world):
    m = world["membership"]
    refused(
        lambda: membership_end(
            actor=system_user(), membership=m, on=timezone.localdate(), reason="取消预备党员资格"
        ),
        "须经支部大会讨论通过和上级党组织批准",
    )
    refused(
        lambda: membership_cancel_probation(
            actor=system_user(), membership=m, decided_on=day_decided(), approved_on=day_approved(), reason=""
        ),
        "请填写原因",
    )
    m.refresh_from_db()
    assert (m.ended_on, m.end_reason) == (None, "")
    assert not AuditEntry.objects.filter(action="end_membership").exists()


# --- the person page ------------------------------------------------------------------------------


def _actions(client, user, person_pk):
    client.force_login(user)
    page = client.get(reverse("people:detail", args=[person_pk])).content.decode()
    return {
        name
        for name in ("confirm_full", "extend_probation", "cancel_probation")
        if reverse(f"people:{name}", args=[person_pk]) in page
    }


def test_the_probation_buttons_are_offered_for_a_probationary_member_to_who_manages(client, world):
    probationary, full = world["membership"].person_id, world["full"].person_id
    assert _actions(client, world["secretary"], probationary) == {
        "confirm_full",
        "extend_probation",
        "cancel_probation",
    }
    assert _actions(client, world["secretary"], full) == set()
    assert _actions(client, world["member"], probationary) == set()  # reads the branch, does not manage it
    extend(world["membership"])
    assert _actions(client, world["secretary"], probationary) == {"confirm_full", "cancel_probation"}


def test_the_page_shows_the_extended_probation(client, world):
    client.force_login(world["secretary"])
    pk = world["membership"].person_id
    before = client.get(reverse("people:detail", args=[pk])).content.decode()
    assert f"{day_due().year}年{day_due().month}月{day_due().day}日" in before
    extend(world["membership"], months=6)
    until = add_months(day_due(), 6)
    after = client.get(reverse("people:detail", args=[pk])).content.decode()
    assert "已延长预备期" in after
    assert f"延长至 {until.year}年{until.month}月{until.day}日" in after
    assert "需要继续考察" in after


def test_the_extend_page_saves_and_reports_bad_input(client, world):
    client.force_login(world["secretary"])
    pk = world["membership"].person_id
    url = reverse("people:extend_probation", args=[pk])
    form = client.get(url).content.decode()
    assert 'name="months" value="6"' in form  # the shortest extension the rules allow
    data = {
        "months": 13,
        "decided_on": day_decided().isoformat(),
        "approved_on": day_approved().isoformat(),
        "reason": "考察",
    }
    bad = client.post(url, data)
    assert bad.status_code == 400
    assert "延长预备期应为6至12个月" in bad.content.decode()
    assert extension_of(world["membership"]) == NOT_EXTENDED
    done = client.post(url, data | {"months": 12})
    assert done.status_code == 302
    assert extension_of(world["membership"])[0] == add_months(day_due(), 12)


def test_the_cancel_page_ends_the_membership_and_shows_it_in_history(client, world):
    client.force_login(world["secretary"])
    pk = world["membership"].person_id
    done = client.post(
        reverse("people:cancel_probation", args=[pk]),
        {
            "decided_on": day_decided().isoformat(),
            "approved_on": day_approved().isoformat(),
            "reason": "不具备党员条件",
        },
    )
    assert done.status_code == 302
    page = client.get(reverse("people:detail", args=[pk])).content.decode()
    assert "取消预备党员资格" in page
    assert "不具备党员条件" in page
    assert reverse("people:cancel_probation", args=[pk]) not in page


def test_the_probation_pages_refuse_who_does_not_manage(client, world):
    pk = world["membership"].person_id
    data = {
        "months": 6,
        "decided_on": day_decided().isoformat(),
        "approved_on": day_approved().isoformat(),
        "reason": "x",
    }
    client.force_login(world["member"])
    assert client.post(reverse("people:extend_probation", args=[pk]), data).status_code == 403
    assert client.post(reverse("people:cancel_probation", args=[pk]), data).status_code == 403
    client.force_login(world["outsider"])
    assert client.post(reverse("people:extend_probation", args=[pk]), data).status_code == 404
    assert client.post(reverse("people:cancel_probation", args=[pk]), data).status_code == 404
    m = world["membership"]
    assert extension_of(m) == NOT_EXTENDED
    assert (m.ended_on, m.end_reason) == (None, "")


def test_the_end_membership_form_does_not_offer_cancelling_probation(client, world):
    client.force_login(world["secretary"])
    form = client.get(reverse("people:end_membership", args=[world["membership"].person_id])).content.decode()
    assert 'value="退党"' in form
    assert 'value="取消预备党员资格"' not in form
