"""组织生活预警: members long without organizational life, warned before 自行脱党 (RULES.md, Members).

The world's branch Q-1 (A1..A5 full members joined in 2010, P1 probationary since 1 June 2026)
begins recording attendance person by person on 10 March 2026."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core import mail
from django.test import Client
from tests.builders import D, account, grant, org

from qixin.core import services as core_services
from qixin.core.errors import ApplicationError
from qixin.core.models import Role, RuleOverride
from qixin.life import rulebook as rb
from qixin.life import selectors, services
from qixin.life.models import Reminder
from qixin.orgs import services as org_services
from qixin.people import services as people_services
from qixin.people.models import Membership

from .conftest import add_person, at


def record(world, when, present=(), excused=(), org=None, code="theme_day"):
    """A held meeting of the branch: `present` present, `excused` excused (病假), the others absent."""
    org = org or world.branch
    meeting = services.meeting_plan(
        actor=world.admin,
        org=org,
        kind=world.kind(code),
        starts_at=when,
        ends_at=when + dt.timedelta(hours=2),
    )
    attendance = {
        m.person_id: services.AttendanceEntry("present")
        if m.person in present
        else services.AttendanceEntry("excused", "病假")
        if m.person in excused
        else services.AttendanceEntry("absent")
        for m in services.roster(org)
    }
    return services.meeting_record(actor=world.admin, meeting=meeting, attendance=attendance)


@pytest.fixture
def spring(world):
    """10 March: A1 to A4 present. 10 May: A2 and A3 present, A4 excused (病假). A5 never attends;
    P1 (joined 1 June) neither."""
    a1, a2, a3, a4, _a5 = world.full
    record(world, at(2026, 3, 10), present=[a1, a2, a3, a4])
    record(world, at(2026, 5, 10), present=[a2, a3], excused=[a4])
    return world


def listed(report):
    return [(w.employee_no, w.months, w.severe) for w in report.warnings]


def lapse(world, today, actor=None, org=None):
    return selectors.lapse_list_for(actor=actor or world.admin, org=org or world.branch, today=today)


def test_rules_are_data_with_the_partys_six_months_and_a_warning_at_three():
    from qixin.core.rules import REGISTRY

    assert REGISTRY[rb.LAPSE_KEY].default == 6
    assert REGISTRY[rb.LAPSE_KEY].source == "党章第九条"
    assert REGISTRY[rb.LAPSE_WARN_KEY].default == 3


def test_whole_months_count_to_the_same_day_or_the_months_last_day():
    assert rb.whole_months_between(D(2026, 3, 10), D(2026, 6, 9)) == 2
    assert rb.whole_months_between(D(2026, 3, 10), D(2026, 6, 10)) == 3
    assert rb.whole_months_between(D(2026, 8, 31), D(2026, 11, 29)) == 2
    assert rb.whole_months_between(D(2026, 8, 31), D(2026, 11, 30)) == 3
    assert rb.whole_months_between(D(2026, 8, 31), D(2026, 1, 1)) == 0


def test_warned_at_exactly_three_months_not_one_day_before(spring):
    a5 = spring.full[4]

    assert listed(lapse(spring, D(2026, 6, 9))) == []
    report = lapse(spring, D(2026, 6, 10))

    assert listed(report) == [("A1", 3, False), ("A5", 3, False)]
    warning = report.warnings[1]
    assert (warning.person_id, warning.name, warning.branch_name) == (a5.pk, "党员A5", "总装第一党支部")
    assert (warning.last_present, warning.last_excused) == (None, None)
    assert (warning.counted_from, warning.counted_from_label) == (D(2026, 3, 10), "本支部开始逐人登记出席")
    assert (warning.warn_months, warning.lapse_months, warning.level) == (3, 6, "预警")


def test_severe_from_six_months_with_the_last_attendance(spring):
    assert listed(lapse(spring, D(2026, 9, 9))) == [
        ("A1", 5, False),
        ("A5", 5, False),
        ("A2", 3, False),
        ("A3", 3, False),
        ("A4", 3, False),
        ("P1", 3, False),
    ]

    report = lapse(spring, D(2026, 9, 10))

    # severe first, then the longest; within, by 工号
    assert listed(report) == [
        ("A1", 6, True),
        ("A5", 6, True),
        ("A2", 4, False),
        ("A3", 4, False),
        ("A4", 4, False),
        ("P1", 3, False),
    ]
    a1 = report.warnings[0]
    assert (a1.last_present, a1.counted_from_label, a1.level) == (D(2026, 3, 10), "最近一次出席", "严重")
    assert [w.employee_no for w in report.severe] == ["A1", "A5"]


def test_member_who_attended_recently_is_not_listed(spring):
    record(spring, at(2026, 8, 10), present=[spring.full[0]])

    assert [w.employee_no for w in lapse(spring, D(2026, 9, 10)).warnings] == ["A5", "A2", "A3", "A4", "P1"]


def test_an_excused_absence_is_a_good_reason_and_stops_the_count(spring):
    """A4 was present in March and excused (病假) in May: counted from May, like A2 who was present."""
    report = lapse(spring, D(2026, 8, 10))

    a4 = next(w for w in report.warnings if w.employee_no == "A4")
    assert (a4.months, a4.last_present, a4.last_excused) == (3, D(2026, 3, 10), D(2026, 5, 10))
    assert a4.counted_from_label == "最近一次请假"
    assert sorted(listed(report)) == [
        ("A1", 5, False),
        ("A2", 3, False),
        ("A3", 3, False),
        ("A4", 3, False),
        ("A5", 5, False),
    ]


def test_an_unexcused_absence_does_not_stop_the_count(spring):
    record(spring, at(2026, 7, 1), present=[])  # everybody absent

    assert listed(lapse(spring, D(2026, 9, 10)))[:2] == [("A1", 6, True), ("A5", 6, True)]


def test_member_who_joined_recently_is_not_listed(spring):
    """P1 joined on 1 June 2026 and has not attended since: counted from joining, not from March."""
    assert "P1" not in [w.employee_no for w in lapse(spring, D(2026, 8, 31)).warnings]

    p1 = next(w for w in lapse(spring, D(2026, 9, 1)).warnings if w.employee_no == "P1")
    assert (p1.months, p1.counted_from, p1.counted_from_label) == (3, D(2026, 6, 1), "加入党组织")


def test_member_transferred_in_is_counted_from_the_transfer(spring):
    """X1 comes from Q-3 on 1 July: the branch answers for her organizational life from then."""
    membership = Membership.objects.get(person=spring.outsider)
    people_services.membership_transfer(
        actor=spring.admin, membership=membership, target=spring.branch, on=D(2026, 7, 1)
    )

    assert "X1" not in [w.employee_no for w in lapse(spring, D(2026, 9, 30)).warnings]
    x1 = next(w for w in lapse(spring, D(2026, 10, 1)).warnings if w.employee_no == "X1")
    assert (x1.months, x1.counted_from, x1.counted_from_label) == (3, D(2026, 7, 1), "转入本支部")


def test_ended_and_suspended_memberships_are_not_listed(spring):
    a5 = Membership.objects.get(person=spring.full[4])
    a1 = Membership.objects.get(person=spring.full[0])
    people_services.membership_end(actor=spring.admin, membership=a5, on=D(2026, 8, 1), reason="转出")
    people_services.membership_set_standing(
        actor=spring.admin, membership=a1, values={"standing": "停止党籍"}
    )

    assert [w.employee_no for w in lapse(spring, D(2026, 9, 10)).warnings] == ["A2", "A3", "A4", "P1"]


def test_a_branch_recording_no_attendance_is_not_judged_and_said_so(spring):
    """Q-3 holds no meeting recorded person by person: X1 is not listed, Q-3 is named instead."""
    report = lapse(spring, D(2026, 9, 10), org=spring.root)

    assert "X1" not in [w.employee_no for w in report.warnings]
    assert [o.code for o in report.unrecorded] == ["Q-3"]

    record(spring, at(2026, 4, 1), present=[spring.outsider], org=spring.other)
    report = lapse(spring, D(2026, 9, 10), org=spring.root)
    assert report.unrecorded == []
    x1 = next(w for w in report.warnings if w.employee_no == "X1")
    assert (x1.branch_code, x1.months, x1.last_present) == ("Q-3", 5, D(2026, 4, 1))


def test_a_meeting_recorded_with_counts_only_may_have_been_attended_by_anyone(spring):
    """A ledger imported with 应到/实到 only says someone came, not who: nobody is counted absent
    before it. One attended by nobody says nothing either way and changes nothing."""
    from qixin.life import importers

    ledger = "组织编码,会议类型,日期,应到,实到\nQ-1,党课,2026-07-20,6,4\nQ-1,主题党日,2026-08-20,6,0\n"
    report = importers.import_meetings(actor=spring.admin, data=ledger.encode(), filename="m.csv")
    assert report.created == 2

    assert lapse(spring, D(2026, 10, 19)).warnings == []  # A1 and A5 would be at seven months
    warnings = lapse(spring, D(2026, 10, 20)).warnings

    assert {(w.months, w.counted_from, w.counted_from_label) for w in warnings} == {
        (3, D(2026, 7, 20), "本支部最近一次只记人数的会议")
    }
    assert [(w.employee_no, w.last_present) for w in warnings] == [
        ("A1", D(2026, 3, 10)),
        ("A2", D(2026, 5, 10)),
        ("A3", D(2026, 5, 10)),
        ("A4", D(2026, 3, 10)),
        ("A5", None),
        ("P1", None),
    ]


def test_an_organization_sets_its_own_months(spring):
    services.rule_set(
        actor=spring.admin, org=spring.root, key=rb.LAPSE_WARN_KEY, value=2, effective_from=D(2026, 1, 1)
    )

    assert listed(lapse(spring, D(2026, 7, 10))) == [
        ("A1", 4, False),
        ("A5", 4, False),
        ("A2", 2, False),
        ("A3", 2, False),
        ("A4", 2, False),
    ]


def test_a_warning_not_before_the_lapse_is_refused_and_nothing_saved(spring):
    with pytest.raises(ApplicationError) as caught:
        services.rule_set(
            actor=spring.admin, org=spring.root, key=rb.LAPSE_WARN_KEY, value=6, effective_from=D(2026, 1, 1)
        )

    assert (
        caught.value.message
        == "提前预警的月数（6个月）应少于视为自行脱党的月数（6个月），才能在此之前提醒支部。"
    )
    assert not RuleOverride.objects.exists()


# --- who sees it ------------------------------------------------------------------------------------


@pytest.fixture
def party_worker(world):
    user = account("dangwu", password="pw-secret-2026")
    grant(user, Role.PARTY_WORKER, world.root)
    return user


@pytest.fixture
def committee_member(world):
    org_services.position_assign(
        actor=world.admin,
        org=world.branch,
        person_id=world.full[2].pk,
        title="organization",
        started_on=D(2024, 1, 1),
    )
    return account("weiyuan", password="pw-secret-2026", person=world.full[2])


@pytest.mark.parametrize(
    ("who", "branches"),
    [
        ("admin", ["Q-1", "Q-3"]),
        ("party_worker", ["Q-1", "Q-3"]),
        ("secretary", ["Q-1"]),
        ("committee_member", None),
        ("member", None),
        ("outsider", None),
    ],
)
def test_who_sees_the_warning_list_of_their_scope(spring, party_worker, committee_member, who, branches):
    record(spring, at(2026, 4, 1), present=[spring.outsider], org=spring.other)
    actor = {
        "admin": spring.admin,
        "party_worker": party_worker,
        "secretary": spring.secretary,
        "committee_member": committee_member,
        "member": spring.member_user,
        "outsider": spring.outsider_user,
    }[who]

    if branches is None:
        with pytest.raises(ApplicationError) as caught:
            selectors.lapse_list_for(actor=actor, today=D(2026, 9, 10))
        assert caught.value.status == 404
        with pytest.raises(ApplicationError):
            selectors.lapse_list_for(actor=actor, org=spring.branch, today=D(2026, 9, 10))
    else:
        report = selectors.lapse_list_for(actor=actor, today=D(2026, 9, 10))
        assert sorted({w.branch_code for w in report.warnings}) == branches


def test_a_secretary_cannot_ask_for_the_committee(spring):
    with pytest.raises(ApplicationError) as caught:
        selectors.lapse_list_for(actor=spring.secretary, org=spring.root, today=D(2026, 9, 10))

    assert caught.value.status == 404


def test_query_count_does_not_grow_with_members_and_meetings(spring, django_assert_num_queries):
    report = lapse(spring, D(2026, 9, 10), org=spring.root)  # the admin's scope, computed once
    # members, their latest attendance and excuse, transfers in, what each branch's meetings record,
    # the branches, their rulebooks
    with django_assert_num_queries(6):
        small = lapse(spring, D(2026, 9, 10), org=spring.root)
    assert len(small.warnings) == len(report.warnings) == 6

    for n in range(4, 8):
        branch = org(spring.root, f"Q-{n}", name=f"第{n}党支部", actor=spring.admin, established_on=None)
        people = [add_person(spring.admin, branch, f"B{n}{i}") for i in range(3)]
        record(spring, at(2026, 3, 1), present=people[:1], org=branch)
        people_services.membership_transfer(
            actor=spring.admin,
            membership=Membership.objects.get(person=people[2]),
            target=spring.branch,
            on=D(2026, 3, 2),
        )
    with django_assert_num_queries(6):
        large = lapse(spring, D(2026, 9, 10), org=spring.root)
    assert len(large.warnings) == 6 + 4 * 2 + 4  # the six of Q-1, two a new branch, the four moved in


# --- pages, export, API -----------------------------------------------------------------------------


@pytest.fixture
def september(monkeypatch):
    """The pages and the API on 10 September 2026."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: D(2026, 9, 10))


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_secretary_sees_the_count_and_the_list_on_the_due_page(spring, september):
    text = _client(spring.secretary).get("/life/").content.decode()

    assert "组织生活预警" in text
    assert f"/life/lapse/?org={spring.branch.pk}" in text
    assert 'data-employee-no="A5"' in text
    assert "6名党员已连续3个月以上未参加组织生活" in text
    assert "其中2名已满6个月" in text
    assert "严重：已满6个月" in text


def test_warning_page_lists_the_scope_and_filters_by_organization(spring, september):
    record(spring, at(2026, 4, 1), present=[spring.outsider], org=spring.other)
    client = _client(spring.admin)

    everything = client.get("/life/lapse/").content.decode()
    only_q3 = client.get(f"/life/lapse/?org={spring.other.pk}").content.decode()

    assert 'data-employee-no="A5"' in everything
    assert 'data-employee-no="X1"' in everything
    assert 'data-employee-no="X1"' in only_q3
    assert 'data-employee-no="A5"' not in only_q3


def test_warning_page_and_export_are_refused_to_a_member(spring):
    client = _client(spring.member_user)

    assert client.get("/life/lapse/").status_code == 404
    assert client.get("/life/lapse.csv").status_code == 404


def test_warning_list_exports_one_row_a_member(spring, september):
    response = _client(spring.secretary).get("/life/lapse.csv")

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["姓名", "工号", "所在党支部"]
    by_number = {r[1]: r for r in rows[1:]}
    assert sorted(by_number) == ["A1", "A2", "A3", "A4", "A5", "P1"]
    a5 = by_number["A5"]
    assert (a5[4], a5[6], a5[7]) == ("", "2026-03-10", "本支部开始逐人登记出席")
    assert a5[9] == "严重（满6个月视为自行脱党）"


def _token(user):
    _row, key = core_services.api_token_create(actor=user, name="测试", days=30)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_api_lists_the_warnings_of_an_organization(spring, september):
    response = Client().get("/api/v1/life/lapse?org=Q-1&severe_only=true", **_token(spring.secretary))

    assert response.status_code == 200
    body = response.json()
    assert body["org_code"] == "Q-1"
    assert [m["employee_no"] for m in body["members"]] == ["A1", "A5"]
    a1 = body["members"][0]
    assert (a1["last_present"], a1["severe"], a1["level"], a1["lapse_months"]) == (
        "2026-03-10",
        True,
        "严重",
        6,
    )
    assert body["count"] == body["severe_count"] == 2


def test_api_refuses_a_member_and_an_organization_outside_scope(spring):
    assert Client().get("/api/v1/life/lapse", **_token(spring.member_user)).status_code == 404
    outside = Client().get("/api/v1/life/lapse?org=Q", **_token(spring.secretary))
    assert outside.status_code == 404
    assert json.loads(outside.content)["code"] == "not_found"


# --- reminders --------------------------------------------------------------------------------------


def test_one_reminder_per_branch_lists_its_members_once_a_month(spring):
    sent = services.reminders_send(actor=spring.admin, today=D(2026, 9, 10))

    lapse_sent = [r for r in sent if r.rule_key == rb.LAPSE_WARN_KEY]
    assert [(r.organization.code, r.window_start, r.deadline) for r in lapse_sent] == [
        ("Q-1", D(2026, 9, 1), D(2026, 9, 30))
    ]
    assert lapse_sent[0].message == (
        "总装第一党支部：6名党员已连续3个月以上未参加组织生活（其中2名已满6个月），请及时了解情况："
        "党员A1（A1，6个月）、党员A5（A5，6个月）、党员A2（A2，4个月）、党员A3（A3，4个月）、"
        "党员A4（A4，4个月）、党员P1（P1，3个月）。"
    )
    assert lapse_sent[0].emailed_to == "sec@example.com"
    body = next(m.body for m in mail.outbox if "未参加组织生活" in m.subject)
    assert "党员A1（工号A1）：严重，连续6个月未参加组织生活，自2026年3月10日（最近一次出席）起算" in body
    assert "按党章第九条" in body

    later = services.reminders_send(actor=spring.admin, today=D(2026, 9, 25))
    assert [r for r in later if r.rule_key == rb.LAPSE_WARN_KEY] == []
    again = services.reminders_send(actor=spring.admin, today=D(2026, 10, 2))
    assert [r.rule_key for r in again if r.organization == spring.branch] == [rb.LAPSE_WARN_KEY]
    assert Reminder.objects.filter(rule_key=rb.LAPSE_WARN_KEY).count() == 2


def test_a_long_list_is_cut_in_the_app_and_whole_in_the_mail(spring):
    for i in range(30):
        add_person(spring.admin, spring.branch, f"L{i:02d}")

    sent = services.reminders_send(actor=spring.admin, today=D(2026, 9, 10), org=spring.branch)

    reminder = next(r for r in sent if r.rule_key == rb.LAPSE_WARN_KEY)
    assert len(reminder.message) <= 300
    assert reminder.message.endswith("等36名。")
    body = next(m.body for m in mail.outbox if "未参加组织生活" in m.subject)
    assert body.count("（工号") == 36


def test_no_warning_reminder_when_nobody_is_behind(spring):
    sent = services.reminders_send(actor=spring.admin, today=D(2026, 6, 9))

    assert [r for r in sent if r.rule_key == rb.LAPSE_WARN_KEY] == []


def test_rules_page_shows_the_months_in_force(spring):
    services.rule_set(
        actor=spring.admin, org=spring.root, key=rb.LAPSE_WARN_KEY, value=2, effective_from=D(2026, 1, 1)
    )

    text = _client(spring.secretary).get(f"/life/org/{spring.branch.pk}/rules/").content.decode()

    assert "连续未参加组织生活视为自行脱党（月）：6（默认）" in text
    assert "连续未参加组织生活满N个月即提醒支部（月）：2（示例公司党委）" in text
