"""/api/v1/care: the same scope as the pages; an outsider sees nothing and changes nothing."""

import datetime as dt

from django.test import Client

from qixin.care.models import Ticket, TicketStatus


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_team_member_lists_answers_and_closes_through_the_api(world, submit, django_assert_max_num_queries):
    for n in range(3):
        submit(body=f"问题{n}")
    ticket = Ticket.objects.order_by("id").first()
    client = _client(world.helper)
    with django_assert_max_num_queries(12):
        listing = client.get("/api/v1/care/tickets?limit=10")
    assert listing.status_code == 200
    assert listing.json()["count"] == 3
    answered = client.post(
        f"/api/v1/care/tickets/{ticket.pk}/answer", {"body": "已处理"}, content_type="application/json"
    )
    assert answered.status_code == 200
    assert [m["kind"] for m in answered.json()["history"]] == ["answer"]
    closed = client.post(
        f"/api/v1/care/tickets/{ticket.pk}/close", {"result": "已修好"}, content_type="application/json"
    )
    assert closed.json()["status"] == TicketStatus.CLOSED


def test_outsider_gets_404_and_nothing_changes(world, submit):
    ticket, _ = submit()
    client = _client(world.outsider)
    assert client.get("/api/v1/care/tickets").json()["count"] == 0
    assert client.get(f"/api/v1/care/tickets/{ticket.pk}").status_code == 404
    refused = client.post(
        f"/api/v1/care/tickets/{ticket.pk}/answer", {"body": "x"}, content_type="application/json"
    )
    assert refused.status_code == 404
    assert ticket.messages.count() == 0


def test_stats_endpoint(world, submit):
    submit()
    from django.utils import timezone

    today = timezone.localdate()
    response = _client(world.worker).get(
        f"/api/v1/care/stats?org=R&start={today - dt.timedelta(days=1)}&end={today + dt.timedelta(days=2)}"
    )
    assert response.status_code == 200
    assert response.json()["total"]["tickets"] == 1
    assert response.json()["teams"][0]["label"] == "总装一支部连心桥"


def test_wish_goes_on_the_wall_and_is_claimed_through_the_api(world, submit):
    ticket, _ = submit(kind="wish", body="想参观车间", wish_consent=True)
    published = _client(world.helper).post(
        f"/api/v1/care/tickets/{ticket.pk}/wish",
        {"title": "参观车间", "text": "参观车间"},
        content_type="application/json",
    )
    assert published.status_code == 201
    wish_id = published.json()["id"]
    wall = _client(world.member).get("/api/v1/care/wishes?org=R-A-1").json()
    assert [w["title"] for w in wall["items"]] == ["参观车间"]
    claimed = _client(world.member).post(
        f"/api/v1/care/wishes/{wish_id}/claim", {}, content_type="application/json"
    )
    assert (claimed.status_code, claimed.json()["claimant"]) == (200, "张晓明")
