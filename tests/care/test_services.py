"""Handling tickets: deadlines in working days, escalation up the tree, answers and notes, closing,
reopening, moderation, assignment, permissions, notifications and statistics."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from tests.builders import intake_form

from qixin.care import deadlines, selectors, services
from qixin.care.models import (
    CalendarDay,
    MessageKind,
    Moderation,
    Notification,
    Ticket,
    TicketKind,
    TicketStatus,
)
from qixin.core.errors import ApplicationError, NotFound, PermissionDenied
from qixin.core.models import AuditEntry, RuleOverride

SH = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SH)


# --- deadlines ------------------------------------------------------------------------------------


def test_deadlines_count_working_days_skipping_weekends_and_holidays(world):
    # Monday 2026-09-28 10:00; 2026-10-01..07 is the 国庆 holiday, Saturday 10-10 a working day (调休).
    for day in range(1, 8):
        CalendarDay.objects.create(day=dt.date(2026, 10, day), is_workday=False, name="国庆节")
    CalendarDay.objects.create(day=dt.date(2026, 10, 10), is_workday=True, name="调休上班")
    respond, close = deadlines.due_dates(TicketKind.APPEAL, world.branch, at(2026, 9, 28, 10))
    assert respond == at(2026, 10, 1, 0, 0)  # Tue 29, Wed 30 → end of Wednesday
    # 10 working days: 9-29, 9-30, 10-8, 10-9, 10-10 (Sat, 调休), 10-12 … 10-16
    assert close == at(2026, 10, 17, 0, 0)


def test_a_ticket_sent_on_saturday_counts_from_monday(world):
    respond, _ = deadlines.due_dates(TicketKind.PROBLEM, world.branch, at(2026, 11, 7, 22))
    assert respond == at(2026, 11, 11, 0, 0)  # Mon 9, Tue 10 → end of Tuesday


def test_an_organization_overrides_the_deadlines_for_its_subtree(world):
    RuleOverride.objects.create(
        organization=world.dept,
        key="care.respond_days",
        value={"appeal": 1, "problem": 1, "suggestion": 1, "wish": 1},
        effective_from=dt.date(2026, 1, 1),
    )
    respond, close = deadlines.due_dates(TicketKind.APPEAL, world.branch, at(2026, 11, 2, 9))
    assert respond == at(2026, 11, 4, 0, 0)  # 1 working day: end of Tuesday
    assert close == at(2026, 11, 17, 0, 0)  # unchanged default of 10


def test_a_holiday_of_one_organization_does_not_move_anothers_deadlines(world):
    CalendarDay.objects.create(
        day=dt.date(2026, 11, 3), is_workday=False, name="厂休", organization=world.dept
    )
    assert deadlines.due_dates("appeal", world.branch, at(2026, 11, 2, 9))[0] == at(2026, 11, 6, 0, 0)
    assert deadlines.due_dates("appeal", world.other, at(2026, 11, 2, 9))[0] == at(2026, 11, 5, 0, 0)


# --- escalation -----------------------------------------------------------------------------------


def test_overdue_tickets_escalate_two_levels_up_the_tree_and_only_once_each(
    world, submit, django_capture_on_commit_callbacks
):
    ticket, _ = submit(now=at(2026, 11, 2, 9))  # Monday: answer due by the end of Wednesday
    assert services.tickets_escalate(actor=world.admin, now=at(2026, 11, 4, 23, 59)) == []

    with django_capture_on_commit_callbacks(execute=True):
        first = services.tickets_escalate(actor=world.admin, now=at(2026, 11, 5, 8))
    ticket.refresh_from_db()
    assert [t.pk for t in first] == [ticket.pk]
    assert (ticket.team, ticket.organization, ticket.escalation_level) == (world.dept_team, world.dept, 1)
    assert ticket.respond_due == at(2026, 11, 10, 0, 0)  # 2 working days from Thursday: Fri, Mon
    assert ticket.was_overdue
    # Running again at the same moment, or before the new deadline, changes nothing.
    assert services.tickets_escalate(actor=world.admin, now=at(2026, 11, 5, 8)) == []
    assert services.tickets_escalate(actor=world.admin, now=at(2026, 11, 9, 23)) == []

    with django_capture_on_commit_callbacks(execute=True):
        second = services.tickets_escalate(actor=world.admin, now=at(2026, 11, 10, 8))
    ticket.refresh_from_db()
    assert [t.pk for t in second] == [ticket.pk]
    assert (ticket.team, ticket.organization, ticket.escalation_level) == (world.root_team, world.root, 2)
    # At the top nothing is above: the ticket stays, marked overdue, and is not escalated again.
    assert services.tickets_escalate(actor=world.admin, now=at(2026, 12, 31, 8)) == []
    ticket.refresh_from_db()
    assert ticket.escalation_level == 2
    events = list(ticket.messages.filter(kind=MessageKind.EVENT).values_list("body", flat=True))
    assert events == [
        "超期未办，由“总装一支部连心桥”升级至“总装连心桥”",
        "超期未办，由“总装连心桥”升级至“公司连心桥”",
    ]
    # The new teams were told; the branch team now no longer sees the ticket in its queue.
    assert Notification.objects.filter(user=world.dept_helper, text__startswith="超期升级").count() == 1
    assert Notification.objects.filter(user=world.root_helper, text__startswith="超期升级").count() == 1
    assert not selectors.ticket_list_for(actor=world.helper).filter(pk=ticket.pk).exists()
    assert selectors.ticket_list_for(actor=world.root_helper).filter(pk=ticket.pk).exists()


def test_an_answered_ticket_escalates_only_when_its_closing_deadline_passes(world, submit):
    ticket, _ = submit(now=at(2026, 11, 2, 9))
    services.ticket_answer(actor=world.helper, ticket=ticket, body="收到，正在协调", now=at(2026, 11, 2, 10))
    assert services.tickets_escalate(actor=world.admin, now=at(2026, 11, 10, 8)) == []
    assert [t.pk for t in services.tickets_escalate(actor=world.admin, now=at(2026, 11, 17, 8))] == [
        ticket.pk
    ]


def test_hidden_and_closed_tickets_do_not_escalate(world, submit):
    hidden, _ = submit(now=at(2026, 11, 2, 9))
    closed, _ = submit(now=at(2026, 11, 2, 9))
    services.ticket_moderate(actor=world.leader, ticket=hidden, moderation=Moderation.HIDDEN)
    services.ticket_close(actor=world.helper, ticket=closed, result="已解决", now=at(2026, 11, 3, 9))
    assert services.tickets_escalate(actor=world.admin, now=at(2026, 12, 1, 8)) == []


def test_only_an_administrator_runs_the_escalation(world, submit):
    with pytest.raises(PermissionDenied):
        services.tickets_escalate(actor=world.worker, now=at(2026, 12, 1, 8))


# --- handling -------------------------------------------------------------------------------------


def test_answer_note_close_and_what_the_submitter_reads(world, submit):
    ticket, code = submit(now=at(2026, 11, 2, 9))
    services.ticket_note(
        actor=world.helper, ticket=ticket, body="内部：需要后勤配合", now=at(2026, 11, 2, 12)
    )
    services.ticket_answer(actor=world.helper, ticket=ticket, body="已联系后勤", now=at(2026, 11, 2, 15))
    services.ticket_close(actor=world.leader, ticket=ticket, result="晚班已供应热饭", now=at(2026, 11, 5, 9))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    assert ticket.first_response_at == at(2026, 11, 2, 15)
    public = [m.body for m in selectors.public_messages(services.ticket_by_code(code))]
    assert public == ["已联系后勤"]
    everything = [m.kind for m in selectors.ticket_messages_for(actor=world.helper, ticket=ticket)]
    assert everything == ["note", "answer", "event"]


def test_rating_needs_an_answer_and_a_value_from_1_to_5(world, submit):
    ticket, code = submit()
    with pytest.raises(ApplicationError) as refused:
        services.ticket_rate(code=code, rating=5)
    assert refused.value.code == "not_answered"
    services.ticket_answer(actor=world.helper, ticket=ticket, body="好的")
    with pytest.raises(ApplicationError):
        services.ticket_rate(code=code, rating=6)
    services.ticket_rate(code=code, rating=5)
    ticket.refresh_from_db()
    assert ticket.rating == 5


def test_assignment_stays_within_the_team(world, submit):
    ticket, _ = submit()
    services.ticket_assign(actor=world.leader, ticket=ticket, assignee=world.helper)
    ticket.refresh_from_db()
    assert ticket.assignee == world.helper
    with pytest.raises(ApplicationError) as refused:
        services.ticket_assign(actor=world.leader, ticket=ticket, assignee=world.dept_helper)
    assert refused.value.code == "not_in_team"
    ticket.refresh_from_db()
    assert ticket.assignee == world.helper
    assert Notification.objects.filter(user=world.helper, text__endswith="已分派给您").count() == 1


@pytest.mark.parametrize(
    ("who", "handles", "moderates"),
    [
        ("helper", True, False),
        ("leader", True, True),
        ("worker", True, True),  # 党务工作者 of the committee above
        ("dept_helper", False, False),  # another team
        ("outsider", False, False),
        ("member", False, False),
    ],
)
def test_who_may_handle_and_moderate_a_ticket(world, submit, who, handles, moderates):
    ticket, _ = submit()
    actor = getattr(world, who)
    assert selectors.ticket_list_for(actor=actor).filter(pk=ticket.pk).exists() is handles
    if handles:
        services.ticket_answer(actor=actor, ticket=ticket, body="收到")
    else:
        with pytest.raises(NotFound):
            services.ticket_answer(actor=actor, ticket=ticket, body="收到")
        with pytest.raises(NotFound):
            selectors.ticket_get_for(actor=actor, pk=ticket.pk)
        assert ticket.messages.count() == 0
    if moderates:
        services.ticket_moderate(actor=actor, ticket=ticket, moderation=Moderation.HIDDEN)
    else:
        with pytest.raises((NotFound, PermissionDenied)):
            services.ticket_moderate(actor=actor, ticket=ticket, moderation=Moderation.HIDDEN)
        ticket.refresh_from_db()
        assert ticket.moderation == Moderation.VISIBLE


def test_moderation_hides_from_the_queue_but_never_deletes(world, submit):
    ticket, _ = submit()
    services.ticket_moderate(actor=world.leader, ticket=ticket, moderation=Moderation.SPAM)
    assert not selectors.ticket_list_for(actor=world.helper).filter(pk=ticket.pk).exists()
    spam = selectors.ticket_list_for(
        actor=world.helper, filters=selectors.TicketFilters(moderation=Moderation.SPAM)
    )
    assert [t.pk for t in spam] == [ticket.pk]
    services.ticket_moderate(actor=world.leader, ticket=ticket, moderation=Moderation.VISIBLE)
    assert selectors.ticket_list_for(actor=world.helper).filter(pk=ticket.pk).exists()
    assert AuditEntry.objects.filter(action="care_moderate", object_pk=str(ticket.pk)).count() == 2


def test_a_new_ticket_notifies_the_team_in_the_app_and_by_email(
    world, submit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket, _ = submit(kind="problem", body="工位灯不亮")
    assert set(Notification.objects.values_list("user__username", "text")) == {
        ("tiexin", "新的问题（一车间休息室）"),
        ("leader", "新的问题（一车间休息室）"),
    }
    assert sorted(address for m in mail.outbox for address in m.to) == ["lead@example.com", "tx@example.com"]
    assert "工位灯不亮" not in mail.outbox[0].body
    assert f"/care/tickets/{ticket.pk}/" in mail.outbox[0].body


def test_a_suggestion_is_forwarded_once_into_the_improvement_workflow(world, submit):
    from django.apps import apps

    ticket, _ = submit(kind="suggestion", body="焊丝可以回收再利用，每年省几万元")
    services.ticket_forward_suggestion(actor=world.helper, ticket=ticket, topic="cost")
    ticket.refresh_from_db()
    suggestion = apps.get_model("improve", "Suggestion").objects.get(external_ref=f"care-{ticket.pk}")
    assert ticket.forwarded_ref == str(suggestion.pk)
    assert suggestion.text == "焊丝可以回收再利用，每年省几万元"
    with pytest.raises(ApplicationError) as again:
        services.ticket_forward_suggestion(actor=world.helper, ticket=ticket, topic="cost")
    assert again.value.code == "already_forwarded"
    other, _ = submit(kind="appeal")
    with pytest.raises(ApplicationError) as refused:
        services.ticket_forward_suggestion(actor=world.helper, ticket=other, topic="cost")
    assert refused.value.code == "not_suggestion"
    with pytest.raises(NotFound):
        services.ticket_forward_suggestion(actor=world.outsider, ticket=ticket, topic="cost")


# --- statistics -----------------------------------------------------------------------------------


def test_statistics_per_team_and_for_the_subtree(world, submit):
    fast, code_fast = submit(now=at(2026, 11, 2, 9))
    services.ticket_answer(actor=world.helper, ticket=fast, body="好", now=at(2026, 11, 2, 13))
    services.ticket_close(actor=world.helper, ticket=fast, result="已办", now=at(2026, 11, 4, 9))
    services.ticket_rate(code=code_fast, rating=4)
    slow, code_slow = submit(now=at(2026, 11, 2, 9))
    services.tickets_escalate(actor=world.admin, now=at(2026, 11, 5, 8))
    slow.refresh_from_db()
    services.ticket_answer(actor=world.dept_helper, ticket=slow, body="抱歉来晚了", now=at(2026, 11, 5, 9))
    services.ticket_rate(code=code_slow, rating=2)
    spam, _ = submit(now=at(2026, 11, 2, 9))
    services.ticket_moderate(actor=world.leader, ticket=spam, moderation=Moderation.SPAM)

    total, rows = selectors.ticket_stats_for(
        actor=world.worker,
        org=world.root,
        start=dt.date(2026, 11, 1),
        end=dt.date(2026, 12, 1),
        now=at(2026, 11, 5, 10),
    )
    assert (total.tickets, total.answered, total.closed, total.overdue, total.rated) == (2, 2, 1, 1, 2)
    assert str(total.response_hours) == "38.0"  # (4 h + 72 h) / 2
    assert str(total.close_days) == "2.0"
    assert str(total.overdue_share) == "50.0"
    assert str(total.satisfaction) == "3.0"
    assert [(r.label, r.tickets, str(r.overdue_share)) for r in rows] == [
        ("总装一支部连心桥", 1, "50.0"),  # blamed for the one it let lapse
        ("总装连心桥", 1, "0.0"),  # it received the lapsed one and answered in time
    ]
    branch_total, _ = selectors.ticket_stats_for(
        actor=world.worker, org=world.branch, start=dt.date(2026, 11, 1), end=dt.date(2026, 12, 1)
    )
    assert branch_total.tickets == 1  # the escalated one is now handled above the branch
    outsider_total, _ = selectors.ticket_stats_for(
        actor=world.outsider, org=world.root, start=dt.date(2026, 11, 1), end=dt.date(2026, 12, 1)
    )
    assert outsider_total.tickets == 0


def test_ticket_stays_stored_when_its_point_is_disabled(world, submit):
    ticket, code = submit()
    services.point_set_active(actor=world.worker, point=world.point, active=False)
    assert services.ticket_by_code(code).pk == ticket.pk
    with pytest.raises(ApplicationError):
        services.ticket_submit(point=world.point, kind="appeal", body="再来", nonce=intake_form(world.point))
    assert Ticket.objects.count() == 1


def test_a_branch_point_handled_by_the_department_team_escalates_above_that_team(world, submit):
    point = services.point_create(
        actor=world.admin, team=world.dept_team, name="总装一支部食堂", organization=world.branch
    )
    ticket, _, _ = services.ticket_submit(
        point=point,
        kind="appeal",
        body="食堂排队太久",
        nonce=intake_form(point, at(2026, 11, 2, 9)),
        now=at(2026, 11, 2, 9),
    )
    assert (ticket.organization, ticket.team) == (world.branch, world.dept_team)
    services.tickets_escalate(actor=world.admin, now=at(2026, 11, 5, 8))
    ticket.refresh_from_db()
    assert (ticket.organization, ticket.team, ticket.escalation_level) == (world.root, world.root_team, 1)


def test_an_administrator_sees_every_team_and_ticket(world, submit):
    """An administrator's "everything" is not lost when OR-ed with "the teams I am in"."""
    ticket, _ = submit()

    teams = set(selectors.team_list_for(actor=world.admin))
    tickets = list(selectors.ticket_list_for(actor=world.admin))

    assert teams == {world.team, world.dept_team, world.root_team}
    assert tickets == [ticket]


# --- held submissions (待审核) ----------------------------------------------------------------------


def test_a_held_submission_notifies_no_one_and_its_release_counts_deadlines_from_then(
    world, submit, settings, django_capture_on_commit_callbacks
):
    settings.QIXIN_CARE_LIMITS = {"point": (0, 600)}
    with django_capture_on_commit_callbacks(execute=True):
        ticket, _ = submit(body="夜班没有热水", now=at(2026, 11, 2, 9))  # Monday
    assert (ticket.moderation, ticket.hold_reason) == (Moderation.HELD, "此收集点短时间内提交过多")
    assert (ticket.respond_due, ticket.close_due) == (at(2026, 11, 5, 0, 0), at(2026, 11, 17, 0, 0))
    assert Notification.objects.count() == 0
    assert not selectors.ticket_list_for(actor=world.helper).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_moderate(
            actor=world.leader, ticket=ticket, moderation=Moderation.VISIBLE, now=at(2026, 11, 4, 10)
        )
    ticket.refresh_from_db()
    # Released on Wednesday: Thu 5, Fri 6 to answer; ten working days to close, from the release.
    assert (ticket.moderation, ticket.respond_due, ticket.close_due) == (
        Moderation.VISIBLE,
        at(2026, 11, 7, 0, 0),
        at(2026, 11, 19, 0, 0),
    )
    assert sorted(n.user.username for n in Notification.objects.all()) == ["leader", "tiexin"]
    assert AuditEntry.objects.get(action="care_moderate").changes == {"moderation": ["held", "visible"]}


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        (Moderation.VISIBLE, Moderation.HELD, "不能由“正常”改为“待审核（疑似刷屏）”"),
        (Moderation.SPAM, Moderation.HELD, "不能由“垃圾信息”改为“待审核（疑似刷屏）”"),
        (Moderation.VISIBLE, Moderation.VISIBLE, "已是“正常”"),
    ],
)
def test_nobody_holds_a_ticket_by_hand_and_a_change_that_changes_nothing_is_refused(
    world, submit, before, after, message
):
    ticket, _ = submit()
    if before != Moderation.VISIBLE:
        services.ticket_moderate(actor=world.leader, ticket=ticket, moderation=before)
    entries = AuditEntry.objects.count()
    with pytest.raises(ApplicationError) as refused:
        services.ticket_moderate(actor=world.leader, ticket=ticket, moderation=after)
    assert message in refused.value.message
    ticket.refresh_from_db()
    assert ticket.moderation == before
    assert AuditEntry.objects.count() == entries


def test_the_same_form_sent_again_after_it_expired_still_shows_its_ticket(world, settings):
    form = intake_form(world.point, at(2026, 11, 2, 9))
    ticket, code, created = services.ticket_submit(
        point=world.point, kind="appeal", body="一次", nonce=form, now=at(2026, 11, 2, 9)
    )
    again, same_code, created_again = services.ticket_submit(
        point=world.point, kind="appeal", body="一次", nonce=form, now=at(2026, 11, 9, 9)
    )
    assert (again.pk, same_code, created, created_again) == (ticket.pk, code, True, False)
    with pytest.raises(ApplicationError) as expired:
        services.ticket_submit(
            point=world.point,
            kind="appeal",
            body="另一次",
            nonce=intake_form(world.point, at(2026, 11, 2, 9)),
            now=at(2026, 11, 9, 9),
        )
    assert expired.value.code == services.FORM_EXPIRED
    assert Ticket.objects.count() == 1
