"""The care team's pages: bounded queries, the QR downloads, the actions, and 404 for outsiders."""

from django.test import Client
from django.urls import reverse

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
    client.post(
        reverse("care:team", args=[team.pk]), {"action": "member", "username": "tiexin", "is_leader": "1"}
    )
    client.post(reverse("care:team", args=[team.pk]), {"action": "point", "name": "焊装食堂"})
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
    client.post(reverse("care:team", args=[world.team.pk]), {"action": "disable", "point": world.point.pk})
    client.post(reverse("care:team", args=[world.team.pk]), {"action": "remove", "member": member.pk})
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
    from qixin.core.models import User

    nobody = User.objects.create_user("nobody", password="x-secret-2026")
    response = _client(nobody).get(reverse("care:wall"))
    assert response.status_code == 200
    assert "心愿墙上还没有心愿" in response.content.decode()
