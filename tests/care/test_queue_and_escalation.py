"""Issue 16 in the employee voice: the queue shows what is still to be handled and flags what is late;
a deadline at midnight reads as the end of the day before; a handler escalates (上报/转办) from the
ticket page; the statistics blame the team that let a ticket lapse; the public pages stay public
when a code or a QR code is wrong; a bad form value is an error in Chinese, never a 500."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.test import Client
from django.urls import reverse

from qixin.care import selectors, services
from qixin.care.models import Ticket, TicketStatus
from qixin.care.templatetags.care_tags import deadline
from qixin.core.models import AuditEntry

ZONE = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=0, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=ZONE)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_deadline_at_midnight_reads_as_24h_of_the_day_before():
    assert deadline(at(2026, 12, 5)) == "2026年12月4日24时"
    assert deadline(at(2026, 12, 5, 17, 30)) == "2026年12月5日 17:30"
    assert deadline(dt.datetime(2026, 12, 4, 16, 0, tzinfo=dt.UTC)) == "2026年12月4日24时"
    assert deadline(None) == ""


def test_the_ticket_page_and_the_queue_show_deadlines_as_the_rule_says(world, submit):
    ticket, _ = submit(now=at(2026, 11, 2, 9))  # Monday: answer by the end of Wednesday
    assert ticket.respond_due == at(2026, 11, 5)
    client = _client(world.helper)
    page = client.get(reverse("care:ticket", args=[ticket.pk])).content.decode()
    assert "2026年11月4日24时" in page
    assert "2026-11-05 00:00" not in page
    queue = client.get(reverse("care:index")).content.decode()
    assert "2026年11月4日24时" in queue


def test_the_queue_shows_open_tickets_by_default_and_flags_the_overdue(world, submit):
    _late, _ = submit(body="很久以前的诉求", now=at(2020, 11, 2, 9))
    done, _ = submit(body="已经办完的事")
    services.ticket_close(actor=world.helper, ticket=done, result="已解决")
    _fresh, _ = submit(body="刚提交的诉求")
    client = _client(world.helper)

    page = client.get(reverse("care:index")).content.decode()
    assert "很久以前的诉求" in page
    assert "刚提交的诉求" in page
    assert "已经办完的事" not in page
    assert page.count('class="tag red overdue"') == 1  # the late one only
    assert "共 2 条，第 1/1 页" in page

    closed = client.get(reverse("care:index"), {"state": "closed"}).content.decode()
    assert "已经办完的事" in closed
    assert "刚提交的诉求" not in closed
    assert "共 3 条" in client.get(reverse("care:index"), {"state": "all"}).content.decode()
    assert client.get(reverse("care:index"), {"state": "whatever"}).status_code == 400
    assert client.get(reverse("care:index"), {"kind": "abc"}).status_code == 400


def test_a_handler_escalates_from_the_ticket_page_and_the_statistics_blame_who_let_it_lapse(world, submit):
    on_time, _ = submit(body="食堂排队太久")
    late, _ = submit(body="夜班没有热水", now=at(2020, 11, 2, 9))
    client = _client(world.helper)
    page = client.get(reverse("care:ticket", args=[on_time.pk])).content.decode()
    assert 'id="escalate"' in page

    response = client.post(
        reverse("care:ticket_escalate", args=[on_time.pk]), {"reason": "需总装协调"}, follow=True
    )
    assert "已上报至“总装连心桥”" in response.content.decode()
    on_time.refresh_from_db()
    assert (on_time.team, on_time.escalation_level, on_time.was_overdue) == (world.dept_team, 1, False)
    assert on_time.lapsed_team is None  # handed up in time: nobody let it lapse
    assert on_time.messages.filter(body="由“总装一支部连心桥”上报至“总装连心桥”：需总装协调").exists()
    assert AuditEntry.objects.filter(action="care_escalate", object_pk=str(on_time.pk)).count() == 1
    # The branch's helper no longer handles it.
    assert client.get(reverse("care:ticket", args=[on_time.pk])).status_code == 404

    client.post(reverse("care:ticket_escalate", args=[late.pk]), {"reason": ""})
    late.refresh_from_db()
    assert (late.team, late.lapsed_team, late.was_overdue) == (world.dept_team, world.team, True)
    services.ticket_answer(actor=world.dept_helper, ticket=late, body="已安排")
    total, rows = selectors.ticket_stats_for(
        actor=world.worker, org=world.root, start=dt.date(2020, 1, 1), end=dt.date(2100, 1, 1)
    )
    by_team = {r.label: (r.tickets, r.overdue) for r in rows}
    assert total.overdue == 1
    assert by_team == {"总装连心桥": (2, 0), "总装一支部连心桥": (0, 1)}


def test_escalation_is_refused_to_outsiders_and_told_when_not_possible(world, submit):
    ticket, _ = submit()
    outsider = _client(world.outsider)
    before = AuditEntry.objects.count()
    refused = outsider.post(reverse("care:ticket_escalate", args=[ticket.pk]), {"reason": ""})
    assert refused.status_code == 404
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)[before:]) == ["refused"]
    services.ticket_close(actor=world.helper, ticket=ticket, result="已解决")
    page = _client(world.helper).get(reverse("care:ticket", args=[ticket.pk])).content.decode()
    assert 'id="escalate"' not in page  # the button follows the rule
    response = _client(world.helper).post(
        reverse("care:ticket_escalate", args=[ticket.pk]), {"reason": ""}, follow=True
    )
    assert "已办结或不在待办中，不能上报" in response.content.decode()
    top, _ = submit()
    top.team, top.organization = world.root_team, world.root
    top.save()
    response = _client(world.root_helper).post(
        reverse("care:ticket_escalate", args=[top.pk]), {"reason": ""}, follow=True
    )
    assert "之上没有连心桥团队" in response.content.decode()


def test_a_bad_assignee_is_a_chinese_error_not_a_500(world, submit):
    ticket, _ = submit()
    response = _client(world.helper).post(
        reverse("care:ticket_assign", args=[ticket.pk]), {"assignee": "abc"}, follow=True
    )
    assert response.status_code == 200
    assert "填写的内容有误" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_a_wrong_follow_up_code_or_qr_code_is_told_in_the_public_layout(world):
    before = AuditEntry.objects.count()
    response = Client().get(reverse("care:follow", args=["AAAA-BBBB-CCCC"]))
    assert response.status_code == 404
    names = [t.name for t in response.templates]
    assert "care/public/base.html" in names
    assert "core/base.html" not in names
    assert 'id="unknown-code"' in response.content.decode()
    services.point_set_active(actor=world.worker, point=world.point, active=False)
    stopped = Client().get(reverse("care:intake", args=[world.point.token]))
    assert stopped.status_code == 404
    names = [t.name for t in stopped.templates]
    assert "care/public/base.html" in names
    assert "core/base.html" not in names
    assert AuditEntry.objects.count() == before + 1  # the point's deactivation only


def test_closed_tickets_keep_their_status_in_the_closed_view(world, submit):
    ticket, _ = submit()
    services.ticket_close(actor=world.helper, ticket=ticket, result="已解决")
    rows = selectors.ticket_list_for(actor=world.helper, filters=selectors.TicketFilters(state="closed"))
    assert [t.status for t in rows] == [TicketStatus.CLOSED]
    assert Ticket.objects.count() == 1
