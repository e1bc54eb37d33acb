"""The rule engine: frequency windows across month, quarter and year boundaries, inheritance and
override, organizations founded mid-period, meetings counting for another kind only where the rules
say so, and the compliance numbers of a small known world."""

import pytest
from tests.builders import D, org

from qixin.core.periods import Period
from qixin.life import rulebook as rb
from qixin.life import selectors, services
from qixin.life.models import MeetingKind
from qixin.orgs import services as org_services
from qixin.orgs.models import OrgKind

from .conftest import at

YEAR = Period(D(2026, 1, 1), D(2027, 1, 1))
TODAY = D(2026, 11, 1)


def _row(report, org):
    return next(r for r in report.rows if r.org.pk == org.pk)


def test_windows_follow_calendar_months_quarters_and_years():
    assert rb.window_containing(D(2026, 3, 31), "quarter") == rb.Window(D(2026, 1, 1), D(2026, 4, 1))
    assert rb.window_containing(D(2026, 12, 31), "month") == rb.Window(D(2026, 12, 1), D(2027, 1, 1))
    assert rb.window_containing(D(2026, 7, 1), "half_year") == rb.Window(D(2026, 7, 1), D(2027, 1, 1))
    # a period from mid-February to mid-April holds the deadlines of February, March and Q1
    months = rb.windows_with_deadline_in(D(2026, 2, 15), D(2026, 4, 15), "month")
    assert [w.deadline for w in months] == [D(2026, 2, 28), D(2026, 3, 31)]
    quarters = rb.windows_with_deadline_in(D(2026, 2, 15), D(2026, 4, 15), "quarter")
    assert [w.deadline for w in quarters] == [D(2026, 3, 31)]
    assert rb.windows_with_deadline_in(D(2026, 2, 15), D(2026, 4, 15), "year") == []


def test_meeting_on_the_last_day_of_a_quarter_counts_for_that_quarter_only(world):
    world.hold("party_congress", at(2026, 3, 31, 20))  # 20:00 Beijing time, still 31 March
    world.hold("party_congress", at(2026, 4, 1, 9))

    report = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)
    rule = _row(report, world.branch).rule("party_congress")

    assert [(w.window.start, w.held, w.state) for w in rule.windows] == [
        (D(2026, 1, 1), 1, "met"),
        (D(2026, 4, 1), 1, "met"),
        (D(2026, 7, 1), 0, "behind"),
        (D(2026, 10, 1), 0, "open"),
    ]
    assert (rule.required, rule.met, rule.behind, rule.remaining) == (3, 2, 1, 1)


def test_yearly_rule_is_open_until_the_year_ends_and_behind_after(world):
    report = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)
    rule = _row(report, world.branch).rule("life_meeting")
    assert (rule.required, rule.behind, rule.remaining) == (0, 0, 1)

    later = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=D(2027, 1, 5))
    rule = _row(later, world.branch).rule("life_meeting")
    assert (rule.required, rule.behind, rule.remaining) == (1, 1, 0)


def test_branch_founded_mid_month_owes_nothing_for_that_month(world):
    report = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)
    theme_day = _row(report, world.new_branch).rule("theme_day")
    congress = _row(report, world.new_branch).rule("party_congress")
    old_theme_day = _row(report, world.branch).rule("theme_day")

    # founded 15 March: April to October are due (7 months); the old branch owes January to October.
    assert theme_day.required == 7
    assert old_theme_day.required == 10
    assert congress.required == 2  # Q2 and Q3; Q1 was not a whole quarter
    assert _row(report, world.new_branch).rule("life_meeting").windows == []  # not a whole year


def test_dissolved_branch_owes_nothing_after_it_is_dissolved(world):
    org_services.org_dissolve(actor=world.admin, org=world.new_branch, on=D(2026, 6, 20), reason="撤并")

    report = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)
    rule = _row(report, world.new_branch).rule("theme_day")

    # founded 15 March, dissolved 20 June: April and May were whole months of its life
    assert [w.window.start.month for w in rule.windows] == [4, 5]
    assert _row(report, world.new_branch).rule("party_congress").windows == []


def test_override_at_the_committee_is_inherited_and_a_branch_overrides_it_again(world):
    kind = world.kind("party_lecture")
    services.frequency_set(
        actor=world.admin,
        org=world.root,
        kind=kind,
        frequency={"every": "month", "times": 1, "org_kinds": ["branch"]},
        effective_from=D(2026, 1, 1),
    )
    services.frequency_set(
        actor=world.admin,
        org=world.branch,
        kind=kind,
        frequency={"every": "half_year", "times": 2, "org_kinds": ["branch"]},
        effective_from=D(2026, 1, 1),
    )

    report = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)

    assert _row(report, world.other).rule("party_lecture").frequency.label == "每月1次"
    assert _row(report, world.other).rule("party_lecture").required == 10
    own = _row(report, world.branch).rule("party_lecture")
    assert (own.frequency.label, own.required) == ("每半年2次", 2)


def test_override_takes_effect_from_its_date(world):
    services.frequency_set(
        actor=world.admin,
        org=world.root,
        kind=world.kind("party_lecture"),
        frequency={"every": "month", "times": 1, "org_kinds": ["branch"]},
        effective_from=D(2027, 1, 1),
    )

    report = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)

    assert _row(report, world.branch).rule("party_lecture").frequency.every == "quarter"


def test_a_meeting_counts_for_another_kind_only_where_the_rules_say_so(world):
    world.hold("theme_day", at(2026, 1, 20))  # a 主题党日 in January, no 党课 held

    before = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)
    assert _row(before, world.branch).rule("party_lecture").windows[0].held == 0

    services.frequency_set(
        actor=world.admin,
        org=world.branch,
        kind=world.kind("party_lecture"),
        frequency={
            "every": "quarter",
            "times": 1,
            "org_kinds": ["branch"],
            "counts": ["party_lecture", "theme_day"],
        },
        effective_from=D(2026, 1, 1),
    )
    after = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)

    assert _row(after, world.branch).rule("party_lecture").windows[0].held == 1
    assert _row(after, world.other).rule("party_lecture").windows[0].held == 0  # the override is the branch's


def test_branch_committee_meetings_are_due_only_where_a_committee_exists(world):
    report = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)
    assert _row(report, world.branch).rule("branch_committee") is None

    org_services.position_assign(
        actor=world.admin,
        org=world.branch,
        person_id=world.full[1].pk,
        title="organization",
        started_on=D(2024, 1, 1),
    )
    report = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)
    assert _row(report, world.branch).rule("branch_committee").required == 10


def test_kind_added_by_an_organization_is_used_in_its_subtree_only(world):
    kind = services.kind_create(
        actor=world.admin,
        org=world.branch,
        name="“品牌+”主题活动",
        frequency={"every": "quarter", "times": 1, "org_kinds": ["branch"]},
    )
    world.hold(kind.code, at(2026, 2, 3))

    report = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)

    rule = _row(report, world.branch).rule(kind.code)
    assert (rule.required, rule.met) == (3, 1)
    assert _row(report, world.other).rule(kind.code) is None
    assert kind in selectors.kinds_for(org=world.branch)
    assert kind not in selectors.kinds_for(org=world.other)


def test_topics_list_is_inherited_and_editable(world):
    services.topics_set(
        actor=world.admin,
        org=world.root,
        name="6+6",
        pattern="6+6",
        topics=["组织要求", "形势变化", "学习贯彻"],
        effective_from=D(2026, 1, 1),
    )
    world.hold("theme_day", at(2026, 5, 5), topics=["组织要求"])
    world.hold("party_congress", at(2026, 6, 5), topics=["形势变化"])

    report = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)

    assert _row(report, world.branch).topics_missing == ["学习贯彻"]
    assert _row(report, world.branch).topic_list == "6+6（6+6）"
    assert _row(report, world.other).topics_missing == ["组织要求", "形势变化", "学习贯彻"]


def test_compliance_numbers_of_a_small_known_world(world):
    for month in range(1, 11):
        world.hold("theme_day", at(2026, month, 8), present=world.full[: (4 if month % 2 else 5)])
    world.hold("party_congress", at(2026, 2, 8))
    meeting = world.hold("party_congress", at(2026, 5, 8))
    services.resolution_add(
        actor=world.admin, meeting=meeting, text="整改问题清单", owner=world.full[1], due_on=D(2026, 9, 30)
    )
    services.resolution_add(actor=world.admin, meeting=meeting, text="已完成事项", due_on=D(2026, 10, 30))
    done = meeting.resolutions.get(text="已完成事项")
    services.resolution_follow_up(
        actor=world.admin, resolution=done, follow_up="已完成", done_on=D(2026, 10, 1)
    )

    report = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)
    row = _row(report, world.branch)

    assert row.rule("theme_day").behind == 0
    assert (row.rule("party_congress").required, row.rule("party_congress").behind) == (3, 1)
    assert (row.rule("party_lecture").required, row.rule("party_lecture").behind) == (3, 3)
    assert row.behind == 4
    assert not row.compliant
    # 10 theme days (5 with 4 present, 5 with 5 present) and 2 congresses with all 6: 57 of 72
    assert (row.present, row.should_attend, row.meetings_held) == (57, 72, 12)
    assert row.resolutions_overdue == 1
    assert [r.org.code for r in report.behind_rows] == ["Q-1", "Q-2", "Q-3"]
    assert [r.org.code for r in report.rows] == ["Q-1", "Q-2", "Q-3"]


def test_compliance_of_the_whole_subtree_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    for month in range(1, 11):
        world.hold("theme_day", at(2026, month, 8))
        world.hold("theme_day", at(2026, month, 9), org=world.other)
    for n in range(4, 10):
        org(world.root, f"Q-{n}", name=f"第{n}党支部", established_on=None)
    services.campaign_create(
        actor=world.admin,
        org=world.root,
        name="“四史”学习教育",
        starts_on=D(2026, 3, 1),
        ends_on=D(2026, 12, 31),
        required_sessions=2,
    )

    # 7 reads, and one asking whether the root is the tree's only one (access.subtree_q).
    with django_assert_num_queries(8):
        report = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)
    assert len(report.rows) == 9


def test_secretary_sees_compliance_of_own_branch_only(world):
    report = selectors.compliance_for(actor=world.secretary, org=world.branch, period=YEAR, today=TODAY)
    assert [r.org.code for r in report.rows] == ["Q-1"]


def test_campaign_sessions_and_participation(world):
    campaign = services.campaign_create(
        actor=world.admin,
        org=world.root,
        name="“克难奋进、共度时艰”专题教育",
        starts_on=D(2026, 3, 1),
        ends_on=D(2026, 12, 31),
        required_sessions=2,
    )
    meeting = services.meeting_plan(
        actor=world.admin,
        org=world.branch,
        kind=MeetingKind.objects.get(code="party_lecture"),
        starts_at=at(2026, 4, 2),
        ends_at=at(2026, 4, 2, 16),
        speaker=world.full[0],
        campaign=campaign,
    )
    services.meeting_record(actor=world.admin, meeting=meeting, attendance=world.attendance(world.full[:3]))

    report = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)
    status = _row(report, world.branch).campaigns[0]
    participation = selectors.campaign_participation_for(actor=world.admin, campaign=campaign)

    assert (status.held, status.required, status.behind) == (1, 2, 1)
    assert _row(report, world.other).campaigns[0].held == 0
    assert {p.employee_no: p.attended for p in participation if p.attended} == {"A1": 1, "A2": 1, "A3": 1}
    assert len(participation) == 7
    assert selectors.campaign_participation_counts(actor=world.admin, org=world.root, period=YEAR) == (3, 7)


def test_group_meetings_are_due_for_party_groups(world):
    group = org(world.branch, "Q-1-1", OrgKind.GROUP, "第一党小组", established_on=None)
    world.hold("group_meeting", at(2026, 10, 12), org=group)

    report = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)
    rule = _row(report, group).rule("group_meeting")

    assert [(w.window.start.month, w.state) for w in rule.windows[-4:]] == [
        (9, "behind"),
        (10, "met"),
        (11, "open"),
        (12, "future"),
    ]
    assert (rule.required, rule.met, rule.behind, rule.remaining) == (10, 1, 9, 1)
    assert _row(report, world.branch).rule("group_meeting") is None


def test_secretary_sees_last_december_in_january(world):
    page = selectors.due_page_for(actor=world.secretary, org=world.branch, today=D(2027, 1, 10))

    assert page.compliance is not None
    theme_day = page.compliance.rule("theme_day")
    life_meeting = page.compliance.rule("life_meeting")
    assert theme_day is not None
    assert life_meeting is not None
    assert [w.window.start for w in theme_day.windows if w.state == "behind"] == [D(2026, 12, 1)]
    assert life_meeting.behind == 1  # last year's was never held


def test_committee_sees_a_summary_per_sub_organization(world):
    plant = org(world.root, "Q-9", OrgKind.GENERAL_BRANCH, "焊装党总支", established_on=None)
    org(plant, "Q-9-1", name="焊装第一党支部", established_on=None)

    report = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)

    assert [(c.org.code, c.rows, c.behind) for c in report.children] == [("Q-9", 1, 1)]


def test_compliance_leaves_the_garbage_collector_as_it_found_it(world):
    import gc

    from qixin.core.errors import NotFound

    assert gc.isenabled()
    selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)
    assert gc.isenabled()
    with pytest.raises(NotFound):
        selectors.compliance_for(actor=world.member_user, org=world.root, period=YEAR, today=TODAY)
    assert gc.isenabled()
