"""The organizational-life metrics of the reports, each with its drill-down."""

from tests.builders import D

from qixin.core.periods import Period
from qixin.life import services
from qixin.reports import selectors as report_selectors  # noqa: F401  (registers the metrics)
from qixin.reports.metrics import REGISTRY, Drill, Scope

from .conftest import at

YEAR = Period(D(2026, 1, 1), D(2027, 1, 1))


def _drill(key: str, scope: Scope) -> Drill:
    """The records behind the figure `key` (every figure here has them)."""
    drill = REGISTRY[key].drill
    assert drill is not None, key
    return drill(scope)


def test_life_metrics_and_their_drill_downs(world):
    for month in range(1, 11):
        world.hold("theme_day", at(2026, month, 8), present=world.full[:3])  # 3 of 6 each time
    campaign = services.campaign_create(
        actor=world.admin,
        org=world.root,
        name="专题教育",
        starts_on=D(2026, 3, 1),
        ends_on=D(2026, 12, 31),
        required_sessions=1,
    )
    meeting = services.meeting_plan(
        actor=world.admin,
        org=world.branch,
        kind=world.kind("party_lecture"),
        starts_at=at(2026, 4, 1),
        ends_at=at(2026, 4, 1, 16),
        speaker=world.full[0],
        campaign=campaign,
    )
    services.meeting_record(actor=world.admin, meeting=meeting, attendance=world.attendance(world.full[:2]))
    scope = Scope(actor=world.admin, org=world.root, period=YEAR)

    values = {key: REGISTRY[key].compute(scope) for key in REGISTRY if key.startswith("life.")}

    assert values["life.meetings_held"] == 11
    assert values["life.orgs_behind"] == 3
    assert str(values["life.attendance_rate"]) == "48.5"  # (30 + 2) of 66
    assert values["life.campaign_sessions"] == 1
    assert str(values["life.campaign_participation_rate"]) == "28.6"  # 2 of 7 members
    held = _drill("life.meetings_held", scope)
    assert len(list(held.all_rows())) == 11
    behind = list(_drill("life.orgs_behind", scope).all_rows())
    assert [row[0][0] for row in behind] == ["总装第一党支部", "新成立党支部", "研发党支部"]
    for key in values:
        assert REGISTRY[key].drill is not None


def test_life_metrics_are_zero_for_a_member(world):
    scope = Scope(actor=world.member_user, org=world.branch, period=YEAR)
    assert REGISTRY["life.meetings_required"].compute(scope) == 0


def test_narrative_paragraph_of_organizational_life(world):
    from qixin.reports import narrative
    from qixin.reports import selectors as reports

    world.hold("theme_day", at(2026, 3, 8), present=world.full[:3])

    summary = reports.summary_for(actor=world.admin, org=world.root, period=YEAR)

    paragraph = next(p for p in narrative.plain(summary.paragraphs) if "组织生活会议" in p)
    assert paragraph.startswith("2026年，各党支部召开组织生活会议1次，党员出席率50%，组织生活按要求完成率")
