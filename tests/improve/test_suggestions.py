"""Suggestions: submission from every channel, the review workflow and its refusals, points, and
merging duplicates with every submitter credited."""

import pytest
from django.utils import timezone

from qixin.core.errors import ApplicationError
from qixin.core.services import system_user
from qixin.improve import selectors, services
from qixin.improve.models import (
    DuplicateCandidate,
    DuplicateStatus,
    PointsEntry,
    Source,
    Suggestion,
    SuggestionCredit,
    SuggestionStatus,
)

ORIGINAL = (
    "总装车间空压机夜间和周末低负荷时仍满功率运行，建议加装变频控制，按用气量自动调节，预计每年节电约30万度。"
)
NEAR_COPY = "总装车间空压机夜间和周末低负荷时仍然满功率运行，建议加装变频控制器，按实际用气量自动调节，预计每年可节电30万度左右。"
OTHER = "焊装车间电极帽修磨频次偏高，建议按焊点数量设定修磨周期，延长电极帽寿命。"


def points(person):
    return sorted(PointsEntry.objects.filter(person=person).values_list("event", "points"))


def test_employee_submits_as_themselves_and_earns_submission_points(world, make):
    suggestion = make.suggestion(OTHER, who=world.employee_user)

    assert (suggestion.status, suggestion.source, suggestion.submitter_id) == (
        SuggestionStatus.SUBMITTED,
        Source.UI,
        world.employee.pk,
    )
    assert suggestion.number.startswith("JY-")
    assert list(suggestion.credits.values_list("person_id", flat=True)) == [world.employee.pk]
    assert points(world.employee) == [("提交", 1)]


def test_member_cannot_submit_in_someone_elses_name(world, make):
    with pytest.raises(ApplicationError) as refused:
        services.suggestion_submit(
            actor=make.fresh(world.member_user),
            organization=world.branch,
            submitter=world.employee,
            text=OTHER,
        )

    assert refused.value.status == 403
    assert Suggestion.objects.count() == 0


def test_qr_channel_forwards_anonymous_suggestion_once_with_system_actor(world):
    first = services.suggestion_submit(
        actor=system_user(), organization=world.branch, text=OTHER, source="qr", external_ref="QR-0001"
    )
    again = services.suggestion_submit(
        actor=system_user(), organization=world.branch, text=OTHER, source="qr", external_ref="QR-0001"
    )

    assert again.pk == first.pk
    assert (first.source, first.submitter_id, first.external_ref) == ("qr", None, "QR-0001")
    assert Suggestion.objects.count() == 1
    assert PointsEntry.objects.count() == 0


def test_submission_refuses_unknown_source_and_too_short_text(world, make):
    with pytest.raises(ApplicationError) as source:
        make.suggestion(OTHER, source="fax")
    with pytest.raises(ApplicationError) as short:
        make.suggestion("省电")

    assert (source.value.code, short.value.code) == ("invalid", "too_short")
    assert Suggestion.objects.count() == 0


def test_rejection_needs_a_reason_that_the_submitter_sees(world, make):
    suggestion = make.suggestion(OTHER)
    reviewer = make.fresh(world.reviewer)

    with pytest.raises(ApplicationError) as no_reason:
        services.suggestion_decide(actor=reviewer, suggestion=suggestion, accept=False, reply="")
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.SUBMITTED

    services.suggestion_decide(
        actor=reviewer, suggestion=suggestion, accept=False, reply="已列入年度改造计划"
    )
    seen = selectors.suggestion_get_for(actor=make.fresh(world.member_user), pk=suggestion.pk)

    assert no_reason.value.code == "reason_required"
    assert (seen.status, seen.reply) == (SuggestionStatus.REJECTED, "已列入年度改造计划")
    assert points(world.member) == [("提交", 1)]


def test_accepted_suggestion_is_implemented_and_earns_points(world, make):
    suggestion = make.suggestion(OTHER)
    reviewer = make.fresh(world.reviewer)
    services.suggestion_start_review(actor=reviewer, suggestion=suggestion)
    services.suggestion_decide(actor=reviewer, suggestion=suggestion, accept=True, reply="同意")
    services.suggestion_implement(actor=reviewer, suggestion=suggestion, on=timezone.localdate())

    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.IMPLEMENTED
    assert points(world.member) == [("实施", 10), ("提交", 1), ("采纳", 5)]
    events = list(suggestion.events.values_list("to_status", flat=True))
    assert events == ["已提交", "评审中", "已采纳", "已实施"]


def test_suggestion_turned_into_a_project_keeps_the_link(world, make):
    suggestion = make.suggestion(OTHER)
    project = services.suggestion_to_project(
        actor=world.worker,
        suggestion=services.suggestion_start_review(actor=world.worker, suggestion=suggestion),
        organization=world.branch,
        title="电极帽修磨周期优化",
        owner=world.member,
        started_on=make.start,
    )

    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.project_id) == (SuggestionStatus.CONVERTED, project.pk)
    assert list(project.suggestions.all()) == [suggestion]


def test_reviewer_of_one_department_cannot_decide_another_departments_suggestion(world, make):
    suggestion = make.suggestion(OTHER, department="焊装车间")

    with pytest.raises(ApplicationError) as refused:
        services.suggestion_decide(
            actor=make.fresh(world.reviewer), suggestion=suggestion, accept=True, reply=""
        )

    assert refused.value.status == 404
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.SUBMITTED


def test_employee_cannot_review_a_suggestion(world, make):
    suggestion = make.suggestion(OTHER, who=world.member_user)

    with pytest.raises(ApplicationError) as refused:
        services.suggestion_decide(
            actor=make.fresh(world.member_user), suggestion=suggestion, accept=True, reply="自己采纳"
        )

    assert refused.value.status == 403
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.SUBMITTED


def test_near_copy_goes_to_the_reviewers_duplicate_queue(world, make):
    original = make.suggestion(ORIGINAL)
    copy = make.suggestion(NEAR_COPY, who=world.member2_user, organization=world.branch2)
    make.suggestion(OTHER, who=world.employee_user)

    queue = list(selectors.duplicate_queue_for(actor=make.fresh(world.worker)))

    assert [(d.suggestion_id, d.candidate_id) for d in queue] == [(copy.pk, original.pk)]
    assert queue[0].score >= 0.51
    similar = selectors.similar_suggestions_for(actor=world.worker, text=ORIGINAL, exclude=(original.pk,))
    assert similar[0].suggestion.pk == copy.pk


def test_merging_duplicates_keeps_every_submitter_credited(world, make):
    original = make.suggestion(ORIGINAL)
    copy = make.suggestion(NEAR_COPY, who=world.member2_user, organization=world.branch2)
    worker = make.fresh(world.worker)

    into = services.suggestion_merge(actor=worker, duplicate=copy, into=original)
    services.suggestion_decide(actor=worker, suggestion=into, accept=True, reply="采纳")

    copy.refresh_from_db()
    assert (copy.status, copy.merged_into_id) == (SuggestionStatus.MERGED, original.pk)
    assert sorted(
        SuggestionCredit.objects.filter(suggestion=original).values_list("person_id", flat=True)
    ) == sorted([world.member.pk, world.member2.pk])
    assert list(copy.credits.values_list("person_id", flat=True)) == [world.member2.pk]
    assert points(world.member2) == [("提交", 1), ("采纳", 5)]
    assert DuplicateCandidate.objects.get(suggestion=copy).status == DuplicateStatus.MERGED


def test_merge_refusals_change_nothing(world, make):
    original = make.suggestion(ORIGINAL)
    copy = make.suggestion(NEAR_COPY, who=world.member2_user, organization=world.branch2)
    rejected = make.suggestion(OTHER, who=world.employee_user)
    worker = make.fresh(world.worker)
    services.suggestion_decide(actor=worker, suggestion=rejected, accept=False, reply="不可行")

    with pytest.raises(ApplicationError) as itself:
        services.suggestion_merge(actor=worker, duplicate=copy, into=copy)
    with pytest.raises(ApplicationError) as into_rejected:
        services.suggestion_merge(actor=worker, duplicate=copy, into=rejected)
    with pytest.raises(ApplicationError) as by_member:
        services.suggestion_merge(actor=make.fresh(world.member2_user), duplicate=copy, into=original)

    assert (itself.value.code, into_rejected.value.code, by_member.value.status) == (
        "same",
        "target_rejected",
        403,
    )
    copy.refresh_from_db()
    assert copy.status == SuggestionStatus.SUBMITTED
    assert SuggestionCredit.objects.filter(suggestion=original).count() == 1


def test_outsider_does_not_see_the_suggestion(world, make):
    suggestion = make.suggestion(OTHER)

    with pytest.raises(ApplicationError) as hidden:
        selectors.suggestion_get_for(actor=world.outsider, pk=suggestion.pk)

    assert hidden.value.status == 404
    assert list(selectors.suggestion_list_for(actor=world.outsider)) == []
