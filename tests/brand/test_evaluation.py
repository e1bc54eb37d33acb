import datetime as dt

import pytest

from qixin.brand import selectors, services
from qixin.brand.models import EvaluationEntry
from qixin.core.errors import ApplicationError, NotFound
from qixin.core.models import RuleOverride

D = dt.date


@pytest.fixture
def evaluation(world):
    return services.evaluation_open(actor=world["secretary"], branch=world["b1"], year=2026)


def entry_of(evaluation, person):
    return EvaluationEntry.objects.get(evaluation=evaluation, person=person)


def test_opening_lists_every_current_member_of_the_branch(world, evaluation):
    # A1, A2 full; A3 probationary; E1 is an employee, not evaluated.
    assert sorted(evaluation.entries.values_list("person__employee_no", flat=True)) == ["A1", "A2", "A3"]
    with pytest.raises(ApplicationError) as exc:
        services.evaluation_open(actor=world["secretary"], branch=world["b1"], year=2026)
    assert exc.value.code == "evaluation_exists"


def test_evaluation_only_for_a_branch(world):
    with pytest.raises(ApplicationError) as exc:
        services.evaluation_open(actor=world["admin"], branch=world["plant"], year=2026)
    assert exc.value.code == "not_branch"


def test_secretary_cannot_evaluate_another_branch(world):
    with pytest.raises(NotFound):
        services.evaluation_open(actor=world["secretary"], branch=world["b2"], year=2026)


def test_member_writes_own_self_assessment_not_a_colleagues(world, evaluation):
    services.evaluation_self_assess(
        actor=world["member"], entry=entry_of(evaluation, world["m2"]), text="认真履职"
    )
    assert entry_of(evaluation, world["m2"]).self_assessment == "认真履职"
    with pytest.raises(ApplicationError):
        services.evaluation_self_assess(
            actor=world["member"], entry=entry_of(evaluation, world["m1"]), text="x"
        )
    assert entry_of(evaluation, world["m1"]).self_assessment == ""


def test_grade_with_a_majority_of_voting_members(world, evaluation):
    # Two full members vote (the probationary member has no vote): 2 ballots > half of 2.
    entry = services.evaluation_grade(
        actor=world["secretary"], entry=entry_of(evaluation, world["m2"]), grade="优秀", votes_excellent=2
    )
    assert entry.grade == "优秀"


def test_ballots_must_exceed_half_of_voting_members(world, evaluation):
    with pytest.raises(ApplicationError) as exc:
        services.evaluation_grade(
            actor=world["secretary"], entry=entry_of(evaluation, world["m2"]), grade="合格", votes_qualified=1
        )
    assert "未超过" in str(exc.value)
    assert entry_of(evaluation, world["m2"]).grade == ""


def test_ballots_cannot_exceed_voting_members(world, evaluation):
    with pytest.raises(ApplicationError):
        services.evaluation_grade(
            actor=world["secretary"], entry=entry_of(evaluation, world["m2"]), grade="合格", votes_qualified=3
        )
    assert entry_of(evaluation, world["m2"]).votes_qualified == 0


def test_unqualified_requires_a_follow_up(world, evaluation):
    entry = entry_of(evaluation, world["m3"])
    with pytest.raises(ApplicationError):
        services.evaluation_grade(actor=world["secretary"], entry=entry, grade="不合格", votes_unqualified=2)
    assert entry_of(evaluation, world["m3"]).grade == ""
    services.evaluation_grade(
        actor=world["secretary"],
        entry=entry,
        grade="不合格",
        votes_unqualified=2,
        follow_up="限期改正，谈话提醒",
    )
    assert entry_of(evaluation, world["m3"]).follow_up == "限期改正，谈话提醒"


def test_share_of_excellent_is_capped_by_the_rulebook(world, evaluation):
    RuleOverride.objects.create(
        organization=world["root"],
        key="brand.evaluation.excellent_share_max",
        value=0.34,
        effective_from=D(2020, 1, 1),
    )
    # 3 members × 0.34 → at most 1 优秀.
    services.evaluation_grade(
        actor=world["secretary"], entry=entry_of(evaluation, world["m1"]), grade="优秀", votes_excellent=2
    )
    with pytest.raises(ApplicationError) as exc:
        services.evaluation_grade(
            actor=world["secretary"], entry=entry_of(evaluation, world["m2"]), grade="优秀", votes_excellent=2
        )
    assert "上限" in str(exc.value)
    assert entry_of(evaluation, world["m2"]).grade == ""


def test_close_requires_every_grade_then_freezes(world, evaluation):
    for person in (world["m1"], world["m2"]):
        services.evaluation_grade(
            actor=world["secretary"], entry=entry_of(evaluation, person), grade="合格", votes_qualified=2
        )
    with pytest.raises(ApplicationError) as exc:
        services.evaluation_close(actor=world["secretary"], evaluation=evaluation, held_on=D(2026, 12, 20))
    assert exc.value.code == "ungraded"
    services.evaluation_grade(
        actor=world["secretary"], entry=entry_of(evaluation, world["m3"]), grade="基本合格", votes_basic=2
    )
    services.evaluation_close(actor=world["secretary"], evaluation=evaluation, held_on=D(2026, 12, 20))
    with pytest.raises(ApplicationError) as exc:
        services.evaluation_grade(
            actor=world["secretary"], entry=entry_of(evaluation, world["m3"]), grade="合格", votes_qualified=2
        )
    assert exc.value.code == "evaluation_closed"
    assert selectors.grade_counts_for(actor=world["worker"], org=world["root"], year=2026) == {
        "合格": 2,
        "基本合格": 1,
    }


def test_rows_show_deeds_of_the_year_at_hand(world, evaluation):
    services.deed_record(
        actor=world["admin"], person=world["m2"], pillars=[], on=D(2026, 5, 1), description="今年"
    )
    services.deed_record(
        actor=world["admin"], person=world["m2"], pillars=[], on=D(2025, 5, 1), description="去年"
    )
    rows = selectors.evaluation_rows_for(actor=world["secretary"], evaluation=evaluation)
    by_no = {r.entry.person.employee_no: [d.description for d in r.deeds] for r in rows}
    assert by_no == {"A1": [], "A2": ["今年"], "A3": []}
