"""The care team's pages: bounded queries, the QR downloads, the actions, and 404 for outsiders."""

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from tests.builders import account

from qixin.care.models import Moderation, Ticket, TicketStatus


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_ticket_queue_is_bounded_in_queries(world, submit, django_assert_max_num_queries):
    client = _client(world.helper)
    submit(body="第一件")
    client.get(reverse("care:index"))  # warm the session and the scope
    for n in range(4):
        submit(body=f"第{n + 2}件")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("care:index"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/care/tickets/') == 5


def test_answer_close_and_moderate_from_the_ticket_page(world, submit):
    ticket, _ = submit()
    client = _client(world.leader)
    page = client.get(reverse("care:ticket", args=[ticket.pk]))
    assert "食堂晚班没有热饭" in page.content.decode()
    client.post(reverse("care:ticket_answer", args=[ticket.pk]), {"body": "已反映给食堂"})
    client.post(reverse("care:ticket_close", args=[ticket.pk]), {"result": "晚班已有热饭"})
    client.post(reverse("care:ticket_moderate", args=[ticket.pk]), {"moderation": "hidden"})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.result, ticket.moderation) == (
        TicketStatus.CLOSED,
        "晚班已有热饭",
        Moderation.HIDDEN,
    )


def test_an_empty_answer_is_refused_with_a_message_and_nothing_changes(world, submit):
    ticket, _ = submit()
    response = _client(world.helper).post(
        reverse("care:ticket_answer", args=[ticket.pk]), {"body": "  "}, follow=True
    )
    assert "请填写内容" in response.content.decode()
    assert ticket.messages.count() == 0


def test_outsider_gets_404_on_ticket_pages_and_actions(world, submit):
    ticket, _ = submit()
    client = _client(world.outsider)
    assert client.get(reverse("care:ticket", args=[ticket.pk])).status_code == 404
    assert client.post(reverse("care:ticket_answer", args=[ticket.pk]), {"body": "x"}).status_code == 404
    assert client.get(reverse("care:point_qr", args=[world.point.pk, "svg"])).status_code == 404
    assert ticket.messages.count() == 0
    assert client.get(reverse("care:index")).content.decode().count('href="/care/tickets/') == 0


def test_qr_codes_and_the_a5_poster(world):
    client = _client(world.worker)
    svg = client.get(reverse("care:point_qr", args=[world.point.pk, "svg"]))
    png = client.get(reverse("care:point_qr", args=[world.point.pk, "png"]))
    pdf = client.get(reverse("care:point_qr", args=[world.point.pk, "pdf"]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<svg")
    assert png.content.startswith(b"\x89PNG")
    assert pdf.content.startswith(b"%PDF")
    assert b"STSong-Light" in pdf.content  # the built-in Chinese font
    assert b"/MediaBox [ 0 0 419.5276 595.2756 ]" in pdf.content  # A5


def test_team_set_up_through_the_pages(world):
    client = _client(world.worker)
    client.post(reverse("care:teams"), {"org": "R-B", "name": "焊装连心桥"})
    team = world.other.care_teams.get()
    client.post(reverse("care:team_member_add", args=[team.pk]), {"username": "tiexin", "is_leader": "1"})
    client.post(reverse("care:point_create", args=[team.pk]), {"name": "焊装食堂"})
    assert list(team.members.values_list("user__username", "is_leader")) == [("tiexin", True)]
    assert list(team.points.values_list("name", flat=True)) == ["焊装食堂"]
    refused = _client(world.helper).post(reverse("care:teams"), {"org": "R-B", "name": "另一个"}, follow=True)
    assert refused.status_code == 404
    assert world.other.care_teams.count() == 1


def test_wall_stats_and_notifications_pages(world, submit):
    submit()
    assert _client(world.member).get(reverse("care:wall"), follow=True).status_code == 200
    assert _client(world.worker).get(reverse("care:stats") + "?org=R").status_code == 200
    assert _client(world.helper).get(reverse("care:notifications")).status_code == 200
    assert Ticket.objects.count() == 1


def test_disable_a_point_and_remove_a_member_from_the_team_page(world, submit):
    ticket, _ = submit()
    services_ticket_assign(world, ticket)
    client = _client(world.worker)
    member = world.team.members.get(user=world.helper)
    client.post(reverse("care:point_set_active", args=[world.point.pk]), {"active": "0"})
    client.post(reverse("care:team_member_remove", args=[member.pk]))
    world.point.refresh_from_db()
    ticket.refresh_from_db()
    assert world.point.is_active is False
    assert list(world.team.members.values_list("user__username", flat=True)) == ["leader"]
    assert ticket.assignee is None  # back to the team
    assert Client().get(reverse("care:intake", args=[world.point.token])).status_code == 404


def services_ticket_assign(world, ticket):
    from qixin.care import services

    services.ticket_assign(actor=world.leader, ticket=ticket, assignee=world.helper)


def test_an_employee_without_a_wall_sees_an_empty_wall(world):

    nobody = account("nobody", password="x-secret-2026")
    response = _client(nobody).get(reverse("care:wall"))
    assert response.status_code == 200
    assert "心愿墙上还没有心愿" in response.content.decode()


# --- the working-day calendar ---------------------------------------------------------------------


def _mark(day, is_workday=False, name="", organization=None):
    from qixin.care.models import CalendarDay

    return CalendarDay.objects.create(day=day, is_workday=is_workday, name=name, organization=organization)


def _marks():
    from qixin.care.models import CalendarDay

    return list(
        CalendarDay.objects.order_by("day", "organization__path").values_list(
            "day", "is_workday", "name", "organization__code"
        )
    )


def test_calendar_page_lists_the_chosen_year_in_a_fixed_number_of_queries(
    world, dept_worker, django_assert_num_queries
):
    D = dt.date
    _mark(D(2026, 10, 1), name="国庆节")
    _mark(D(2026, 10, 10), is_workday=True, name="调休上班")
    _mark(D(2026, 11, 3), name="厂休", organization=world.dept)
    _mark(D(2026, 11, 4), name="焊装厂休", organization=world.other)  # not managed by dept_worker
    _mark(D(2025, 10, 1), name="去年国庆")
    client = _client(dept_worker)
    client.get(reverse("care:calendar"))  # warm the session
    # session, user, the login gate, scope; the marks; the orgs; perms; session
    with django_assert_num_queries(11):
        response = client.get(reverse("care:calendar") + "?year=2026")
    page = response.content.decode()
    rows = page.split('<table id="calendar">')[1].split("</table>")[0]
    assert response.status_code == 200
    assert rows.count("<tr>") == 4  # the head and three marks
    assert "国庆节" in rows
    assert "星期四" in rows  # 2026-10-01
    assert "调休上班" in rows
    assert "总装党委（R-A）" in rows
    assert "焊装厂休" not in rows
    assert "去年国庆" not in rows
    # Global marks are the administrators': only the organization's own mark can be changed here.
    assert rows.count("删除") == 1
    assert "已提交事项的期限不会重新计算" in page
    assert 'value="R-A"' in page  # the form proposes the user's own organization


def test_calendar_page_shows_another_year(world):
    _mark(dt.date(2025, 10, 1), name="去年国庆")
    page = _client(world.admin).get(reverse("care:calendar") + "?year=2025").content.decode()
    assert "去年国庆" in page
    assert 'href="?year=2024"' in page
    assert 'href="?year=2026"' in page


def test_add_a_day_and_a_holiday_week_from_the_calendar_page(world, dept_worker):
    D = dt.date
    client = _client(dept_worker)
    one = client.post(
        reverse("care:calendar"),
        {"day": "2026-11-03", "kind": "holiday", "name": "厂休", "org": "R-A"},
        follow=True,
    )
    week = client.post(
        reverse("care:calendar"),
        {"day": "2026-10-01", "until": "2026-10-07", "kind": "holiday", "name": "国庆节", "org": "R-A-1"},
        follow=True,
    )
    assert "已登记：2026-11-03 节假日。" in one.content.decode()
    assert "已登记5天节假日。其中2天本来就是休息日，未登记。" in week.content.decode()
    assert _marks() == [
        *[(D(2026, 10, d), False, "国庆节", "R-A-1") for d in (1, 2, 5, 6, 7)],
        (D(2026, 11, 3), False, "厂休", "R-A"),
    ]


def test_change_a_day_from_the_calendar_page(world):
    entry = _mark(dt.date(2026, 10, 10), is_workday=True, name="调休上班")
    client = _client(world.admin)
    form = client.get(reverse("care:calendar") + f"?year=2026&edit={entry.pk}").content.decode()
    assert 'value="2026-10-10"' in form
    assert 'value="调休上班"' in form
    client.post(
        reverse("care:calendar"), {"day": "2026-10-10", "kind": "workday", "name": "国庆调休", "org": ""}
    )
    assert _marks() == [(dt.date(2026, 10, 10), True, "国庆调休", None)]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"day": "", "kind": "holiday"}, "“日期”："),
        ({"day": "2026-13-01", "kind": "holiday"}, "“日期”："),
        ({"day": "2026-10-08", "kind": "holiday", "name": "国" * 41}, "“说明”："),
        ({"day": "2026-10-08", "kind": "rest"}, "“类型”："),
        (
            {"day": "2026-10-03", "kind": "holiday"},
            "“类型”：2026-10-03（星期六）本来就是休息日，不必登记为节假日",
        ),
        (
            {"day": "2026-10-14", "kind": "workday"},
            "“类型”：2026-10-14（星期三）本来就是工作日，不必登记为调休上班",
        ),
        ({"day": "2026-10-08", "until": "2026-10-01", "kind": "holiday"}, "“至”：结束日期不能早于开始日期"),
        ({"day": "2026-10-08", "kind": "holiday", "org": "NOPE"}, "找不到组织编码“NOPE”"),
    ],
)
def test_bad_calendar_input_says_which_field_and_writes_nothing(world, data, says):
    response = _client(world.admin).post(reverse("care:calendar"), {"name": "", "org": "", **data})
    assert response.status_code == 400
    assert says in response.content.decode()
    if data["day"]:
        assert f'value="{data["day"]}"' in response.content.decode()  # what was typed is kept
    assert _marks() == []


def test_remove_a_day_after_confirming(world):
    entry = _mark(dt.date(2026, 11, 3), name="厂休", organization=world.dept)
    client = _client(world.worker)
    confirm = client.get(reverse("care:calendar_remove", args=[entry.pk]))
    assert "确定删除" in confirm.content.decode()
    assert _marks() == [(dt.date(2026, 11, 3), False, "厂休", "R-A")]  # asking removes nothing
    done = client.post(reverse("care:calendar_remove", args=[entry.pk]), follow=True)
    assert "已删除：2026-11-03 节假日。" in done.content.decode()
    assert _marks() == []


def test_a_global_day_cannot_be_removed_by_a_party_worker_who_is_not_an_administrator(world):
    from qixin.core.models import AuditEntry

    entry = _mark(dt.date(2026, 10, 1), name="国庆节")
    client = _client(world.worker)
    confirm = client.get(reverse("care:calendar_remove", args=[entry.pk])).content.decode()
    assert "确定删除" not in confirm
    refused = client.post(reverse("care:calendar_remove", args=[entry.pk]))
    assert refused.status_code == 403
    assert _marks() == [(dt.date(2026, 10, 1), False, "国庆节", None)]
    assert AuditEntry.objects.filter(action="refused").count() == 1


def test_the_calendar_is_only_for_those_who_may_edit_it(world, dept_worker):
    entry = _mark(dt.date(2026, 11, 4), name="焊装厂休", organization=world.other)
    for user in (world.helper, world.leader, world.member, world.outsider):
        client = _client(user)
        assert client.get(reverse("care:calendar")).status_code == 404
        assert (
            client.post(reverse("care:calendar"), {"day": "2026-10-08", "kind": "holiday"}).status_code == 404
        )
        assert "工作日历" not in client.get(reverse("care:index")).content.decode()
    # Outside the subtree a user manages, a mark is as missing as an unknown one.
    assert _client(dept_worker).post(reverse("care:calendar_remove", args=[entry.pk])).status_code == 404
    assert _marks() == [(dt.date(2026, 11, 4), False, "焊装厂休", "R-B")]
    assert 'href="/care/calendar/"' in _client(dept_worker).get(reverse("care:index")).content.decode()
    assert Client().get(reverse("care:calendar")).status_code == 302  # to the login page


def test_a_party_worker_is_not_offered_the_edit_or_remove_form_of_a_global_day(world, dept_worker):
    """Global days are the administrators' (permissions.can_edit_calendar, as the services ask): a
    party worker sees them listed, but no form that the save or the removal would refuse."""
    entry = _mark(dt.date(2026, 10, 1), name="国庆节")
    client = _client(dept_worker)
    page = client.get(reverse("care:calendar") + f"?year=2026&edit={entry.pk}").content.decode()
    assert "您不能修改这条登记：全局登记只有系统管理员可以修改。" in page
    assert "修改登记" not in page
    assert 'value="2026-10-01"' not in page
    assert 'value="国庆节"' not in page
    confirm = client.get(reverse("care:calendar_remove", args=[entry.pk])).content.decode()
    assert "确定删除" not in confirm
    assert "您不能删除这条登记：全局登记只有系统管理员可以删除。" in confirm
    assert client.post(reverse("care:calendar_remove", args=[entry.pk])).status_code == 403
    assert _marks() == [(dt.date(2026, 10, 1), False, "国庆节", None)]


@pytest.mark.parametrize("edit", ["²", "٣", "1²", "-1", "abc", ""])
def test_a_malformed_edit_parameter_shows_the_calendar_without_editing(world, edit):
    entry = _mark(dt.date(2026, 10, 1), name="国庆节")
    response = _client(world.admin).get(reverse("care:calendar"), {"year": "2026", "edit": edit})
    assert response.status_code == 200
    assert "修改登记" not in response.content.decode()
    assert _marks() == [(entry.day, False, "国庆节", None)]


def test_only_those_who_may_moderate_see_the_moderation_form(world, submit):
    ticket, _ = submit()
    url = reverse("care:ticket", args=[ticket.pk])
    assert 'name="moderation"' in _client(world.leader).get(url).content.decode()
    assert 'name="moderation"' not in _client(world.helper).get(url).content.decode()
    refused = _client(world.helper).post(
        reverse("care:ticket_moderate", args=[ticket.pk]), {"moderation": "spam"}
    )
    assert refused.status_code == 404
    ticket.refresh_from_db()
    assert ticket.moderation == Moderation.VISIBLE


# --- the moderation queue (待审核) ------------------------------------------------------------------


def _held(submit, body):
    from qixin.care import limits

    with override_settings(QIXIN_CARE_LIMITS={"point": (0, 600)}):
        ticket, _ = submit(body=body)
    assert (ticket.moderation, ticket.hold_reason) == (Moderation.HELD, limits.POINT_BURST)
    return ticket


def test_held_submissions_wait_in_their_own_queue_not_in_the_teams(world, submit, django_assert_num_queries):
    submit(body="正常的反映")
    for n in range(3):
        _held(submit, f"灌水帖{n}")
    client = _client(world.leader)
    index = client.get(reverse("care:index")).content.decode()
    assert "正常的反映" in index
    assert "灌水帖" not in index
    assert "3 件提交待审核（疑似刷屏）" in index
    client.get(reverse("care:held"))  # warm the session
    # session, user, 2FA, scope; the count and the rows; the menu's permission check; the session saved
    with django_assert_num_queries(11):
        page = client.get(reverse("care:held")).content.decode()
    rows = page.split('<table id="held-tickets">')[1].split("</table>")[0]
    assert [f"灌水帖{n}" in rows for n in range(3)] == [True] * 3
    assert "正常的反映" not in rows
    assert rows.count("此收集点短时间内提交过多") == 3


def test_a_moderator_releases_one_held_submission_and_discards_the_rest(
    world, submit, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    genuine = _held(submit, "真实的反映")
    flood = [_held(submit, f"灌水帖{n}") for n in range(2)]
    client = _client(world.leader)
    with django_capture_on_commit_callbacks(execute=True):
        released = client.post(
            reverse("care:held"), {"action": "release", "ticket": [str(genuine.pk)]}, follow=True
        )
    assert "已放行1件，转入待办并通知团队。" in released.content.decode()
    discarded = client.post(
        reverse("care:held"), {"action": "discard", "ticket": [str(t.pk) for t in flood]}, follow=True
    )
    assert "已将2件标为垃圾信息（不删除）。" in discarded.content.decode()
    genuine.refresh_from_db()
    assert genuine.moderation == Moderation.VISIBLE
    assert genuine.respond_due > timezone.now()  # its deadlines count from the release
    assert Ticket.objects.filter(moderation=Moderation.SPAM).count() == 2
    assert [n.text for n in world.helper.care_notifications.all()] == ["新的诉求（一车间休息室）"]
    assert list(genuine.messages.values_list("body", flat=True)) == [
        "待审核：此收集点短时间内提交过多",
        "审核：放行，转入待办",
    ]


def test_a_team_member_who_may_not_moderate_cannot_release_and_nothing_changes(world, submit):
    held = _held(submit, "灌水帖")
    client = _client(world.helper)
    assert "灌水帖" not in client.get(reverse("care:held")).content.decode()
    response = client.post(reverse("care:held"), {"action": "release", "ticket": [str(held.pk)]})
    assert response.status_code == 404
    held.refresh_from_db()
    assert held.moderation == Moderation.HELD


def test_releasing_a_ticket_a_colleague_already_released_says_so_and_changes_nothing(world, submit):
    first, second = _held(submit, "一"), _held(submit, "二")
    from qixin.care import services

    services.ticket_moderate(actor=world.worker, ticket=first, moderation=Moderation.VISIBLE)
    response = _client(world.leader).post(
        reverse("care:held"), {"action": "discard", "ticket": [str(first.pk), str(second.pk)]}, follow=True
    )
    assert (
        f"{first}已不在待审核中（已有人处理），请刷新后再试；所选事项均未改动。" in response.content.decode()
    )
    second.refresh_from_db()
    assert second.moderation == Moderation.HELD


def test_nobody_holds_a_ticket_by_hand(world, submit):
    ticket, _ = submit()
    response = _client(world.leader).post(
        reverse("care:ticket_moderate", args=[ticket.pk]), {"moderation": "held"}, follow=True
    )
    assert "不能由“正常”改为“待审核（疑似刷屏）”" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.moderation == Moderation.VISIBLE
