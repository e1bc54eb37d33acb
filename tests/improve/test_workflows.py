"""Campaigns, alliances, projects' stages, studios, cases with the yearly selection, awards: each
workflow and its refusals (a refusal changes nothing)."""

import datetime as dt
from decimal import Decimal

import pytest

from qixin.core.errors import ApplicationError
from qixin.improve import selectors, services
from qixin.improve.models import (
    Alliance,
    Award,
    Campaign,
    Category,
    ExcellentCase,
    ImprovementCase,
    Project,
    ProjectStageChange,
    Stage,
    Studio,
)


def test_campaign_is_set_at_a_committee_with_participants_inside_it(world, make):
    campaign = services.campaign_create(
        actor=world.worker,
        organization=world.committee,
        name="Fit for 2020",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2027, 1, 1),
        savings_target=Decimal("1000000000"),
        participants=[world.branch, world.branch2],
    )
    alliance = services.alliance_create(
        actor=world.worker,
        name="总装降本联盟",
        lead_branch=world.branch,
        leader=world.member,
        founded_on=make.start,
        campaign=campaign,
    )
    project = make.project(alliances=[alliance], campaign=campaign)
    make.verified(project, "2500.00")

    page = selectors.campaign_page_for(actor=world.worker, pk=campaign.pk)
    assert (page.alliances, page.projects, page.verified) == (1, 1, Decimal("2500.00"))

    with pytest.raises(ApplicationError) as at_branch:
        services.campaign_create(
            actor=world.worker,
            organization=world.branch,
            name="支部活动",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2027, 1, 1),
            savings_target=Decimal(1),
        )
    with pytest.raises(ApplicationError) as outside:
        services.campaign_create(
            actor=world.admin,
            organization=world.committee,
            name="跨公司",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2027, 1, 1),
            savings_target=Decimal(1),
            participants=[world.other_branch],
        )
    assert (at_branch.value.status, outside.value.code) == (403, "outside")
    assert Campaign.objects.count() == 1


def test_alliance_refusals_change_nothing(world, make):
    with pytest.raises(ApplicationError) as committee:
        services.alliance_create(
            actor=world.worker,
            name="x",
            lead_branch=world.committee,
            leader=world.member,
            founded_on=make.start,
        )
    with pytest.raises(ApplicationError) as outsider_leader:
        services.alliance_create(
            actor=world.worker,
            name="x",
            lead_branch=world.branch,
            leader=world.outsider_person,
            founded_on=make.start,
        )
    with pytest.raises(ApplicationError) as secretary_of_one:
        services.alliance_create(
            actor=make.fresh(world.secretary_user),
            name="x",
            lead_branch=world.branch,
            branches=[world.branch2],
            leader=world.member,
            founded_on=make.start,
        )

    assert (committee.value.code, outsider_leader.value.code, secretary_of_one.value.status) == (
        "invalid_kind",
        "not_in_branches",
        403,
    )
    assert Alliance.objects.count() == 0


def test_project_stages_record_who_moved_them_and_refuse_skips(world, make):
    project = make.project(stage=Stage.PROPOSED)
    member = make.fresh(world.member_user)

    services.project_move(actor=member, project=project, to_stage=Stage.IMPLEMENTING, on=make.start)
    services.project_move(actor=member, project=project, to_stage=Stage.ACCEPTANCE, on=make.start)
    with pytest.raises(ApplicationError) as team_closes:
        services.project_move(actor=member, project=project, to_stage=Stage.CLOSED, on=make.start)
    with pytest.raises(ApplicationError) as skip:
        services.project_move(actor=world.worker, project=project, to_stage=Stage.PROPOSED, on=make.start)
    services.project_move(actor=world.worker, project=project, to_stage=Stage.CLOSED, on=make.start)

    assert (team_closes.value.status, skip.value.code) == (403, "bad_transition")
    moves = list(
        ProjectStageChange.objects.filter(project=project).values_list("to_stage", "actor__username")
    )
    assert moves == [
        (Stage.PROPOSED, "dangwu"),
        (Stage.IMPLEMENTING, "E001"),
        (Stage.ACCEPTANCE, "E001"),
        (Stage.CLOSED, "dangwu"),
    ]


def test_termination_needs_a_reason(world, make):
    project = make.project()

    with pytest.raises(ApplicationError) as refused:
        services.project_move(actor=world.worker, project=project, to_stage=Stage.TERMINATED, on=make.start)

    assert refused.value.code == "reason_required"
    project.refresh_from_db()
    assert project.stage == Stage.IMPLEMENTING


def test_member_registers_own_project_not_someone_elses(world, make):
    member = make.fresh(world.member_user)
    own = services.project_create(
        actor=member,
        organization=world.branch,
        title="工位照明改LED",
        owner=world.member,
        category=Category.ENERGY,
        started_on=make.start,
    )
    with pytest.raises(ApplicationError) as for_other:
        services.project_create(
            actor=member,
            organization=world.branch,
            title="替人立项",
            owner=world.employee,
            category=Category.ENERGY,
            started_on=make.start,
        )

    assert own.owner_is_member is True
    assert for_other.value.code == "owner_self"
    assert Project.objects.count() == 1


def test_studio_leader_membership_is_read_from_the_registry(world, make):
    led = services.studio_create(
        actor=world.worker,
        organization=world.branch,
        name="焊装机器人创新工作室",
        leader=world.member,
        founded_on=make.start,
    )
    services.studio_create(
        actor=world.worker,
        organization=world.branch,
        name="技师工作室",
        kind="技师工作室",
        leader=world.employee,
        founded_on=make.start,
    )
    with pytest.raises(ApplicationError) as by_member:
        services.studio_create(
            actor=make.fresh(world.member_user),
            organization=world.branch,
            name="x",
            leader=world.member,
            founded_on=make.start,
        )

    rows = {
        s.name: s.leader_is_member  # type: ignore[attr-defined]  # annotated by the selector
        for s in selectors.studio_search_for(actor=world.worker)
    }
    assert rows == {"焊装机器人创新工作室": True, "技师工作室": False}
    assert selectors.studio_page_for(actor=world.worker, pk=led.pk).leader_is_member is True
    assert by_member.value.status == 403
    assert Studio.objects.count() == 2


def make_case(world, make, **extra):
    return services.case_create(
        actor=world.worker,
        organization=world.branch,
        title=extra.pop("title", "涂装烘炉待机降温"),
        lead=extra.pop("lead", world.member),
        category=Category.ENERGY,
        year=make.start.year,
        completed_on=make.start,
        before="烘炉停线时仍保持工作温度",
        after="停线30分钟以上自动降温待机",
        savings=Decimal("420000"),
        **extra,
    )


def test_yearly_selection_of_excellent_cases(world, make):
    rated = make_case(world, make)
    unrated = make_case(world, make, title="线边库存核定")
    services.case_rate(actor=world.worker, case=rated, rating=5)

    with pytest.raises(ApplicationError) as not_rated:
        services.excellent_select(
            actor=world.worker,
            organization=world.committee,
            year=make.start.year,
            cases=[rated, unrated],
            on=make.start,
        )
    assert ExcellentCase.objects.count() == 0

    services.excellent_select(
        actor=world.worker, organization=world.committee, year=make.start.year, cases=[rated], on=make.start
    )
    with pytest.raises(ApplicationError) as twice:
        services.excellent_select(
            actor=world.worker,
            organization=world.committee,
            year=make.start.year,
            cases=[rated],
            on=make.start,
        )

    assert [p.field for p in not_rated.value.problems] == [unrated.code]
    assert twice.value.code == "invalid_selection"
    assert rated.lead_is_member is True
    assert list(selectors.case_search_for(actor=world.worker, excellent=True)) == [rated]


def test_case_refuses_missing_before_and_wrong_year(world, make):
    with pytest.raises(ApplicationError) as no_before:
        services.case_create(
            actor=world.worker,
            organization=world.branch,
            title="x",
            lead=world.member,
            category=Category.ENERGY,
            year=make.start.year,
            completed_on=make.start,
            before=" ",
            after="y",
        )
    with pytest.raises(ApplicationError) as year:
        services.case_create(
            actor=world.worker,
            organization=world.branch,
            title="x",
            lead=world.member,
            category=Category.ENERGY,
            year=make.start.year - 1,
            completed_on=make.start,
            before="a",
            after="b",
        )

    assert (no_before.value.code, year.value.code) == ("invalid", "bad_year")
    assert ImprovementCase.objects.count() == 0


def test_award_links_people_studios_and_projects_with_its_savings(world, make):
    studio = services.studio_create(
        actor=world.worker,
        organization=world.branch,
        name="数字化工作室",
        leader=world.member,
        founded_on=make.start,
    )
    project = make.project(title="整车前期研发数字化平台")
    award = services.award_create(
        actor=world.worker,
        organization=world.branch,
        name="上海市第32届优秀发明金奖",
        level="省市级",
        awarded_on=make.start,
        achievement="整车前期研发数字化平台",
        savings=Decimal("60000000"),
        people=[world.member],
        studios=[studio],
        projects=[project],
    )
    with pytest.raises(ApplicationError) as outsider:
        services.award_create(
            actor=world.outsider,
            organization=world.branch,
            name="x",
            level="公司级",
            awarded_on=make.start,
            achievement="x",
        )

    assert (award.savings, list(award.people.all()), list(award.studios.all())) == (
        Decimal("60000000.00"),
        [world.member],
        [studio],
    )
    assert outsider.value.status in (403, 404)
    assert Award.objects.count() == 1
