"""/api/v1/care: the same scope as the pages; an outsider sees nothing and changes nothing."""

import datetime as dt

import pytest
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
    assert ticket is not None
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


# --- the working-day calendar ---------------------------------------------------------------------


def _marks():
    from qixin.care.models import CalendarDay

    return list(
        CalendarDay.objects.order_by("day", "organization__path").values_list(
            "day", "is_workday", "name", "organization__code"
        )
    )


def test_calendar_is_listed_set_and_removed_through_the_api(
    world, dept_worker, django_assert_max_num_queries
):
    from qixin.care.models import CalendarDay

    D = dt.date
    CalendarDay.objects.create(day=D(2026, 10, 1), is_workday=False, name="国庆节")
    CalendarDay.objects.create(
        day=D(2026, 11, 4), is_workday=False, name="焊装厂休", organization=world.other
    )
    CalendarDay.objects.create(day=D(2025, 10, 1), is_workday=False, name="去年国庆")
    client = _client(dept_worker)

    created = client.post(
        "/api/v1/care/calendar",
        {"day": "2026-11-03", "is_workday": False, "name": "厂休", "org": "R-A"},
        content_type="application/json",
    )
    week = client.post(
        "/api/v1/care/calendar/range",
        {"day": "2026-10-05", "until": "2026-10-11", "is_workday": False, "name": "检修", "org": "R-A-1"},
        content_type="application/json",
    )
    # The listing's eight queries, and the login gate's one for an API call made with a session.
    with django_assert_max_num_queries(9):
        listing = client.get("/api/v1/care/calendar?year=2026")

    assert created.status_code == 200
    assert created.json() == {
        "id": created.json()["id"],
        "day": "2026-11-03",
        "weekday": 2,
        "is_workday": False,
        "kind_label": "节假日",
        "name": "厂休",
        "organization_code": "R-A",
        "organization_name": "总装党委",
    }
    assert week.status_code == 200
    assert [d["day"] for d in week.json()["days"]] == [f"2026-10-{n:02d}" for n in range(5, 10)]
    assert week.json()["unchanged"] == ["2026-10-10", "2026-10-11"]
    assert listing.json()["count"] == 7
    assert [(r["day"], r["organization_code"]) for r in listing.json()["items"]] == [
        ("2026-10-01", None),
        *[(f"2026-10-{n:02d}", "R-A-1") for n in range(5, 10)],
        ("2026-11-03", "R-A"),
    ]

    removed = client.delete(f"/api/v1/care/calendar/{created.json()['id']}")
    assert removed.status_code == 204
    assert (D(2026, 11, 3), False, "厂休", "R-A") not in _marks()


def test_calendar_api_refuses_what_the_user_may_not_do_and_changes_nothing(world, dept_worker):
    from qixin.care.models import CalendarDay

    global_day = CalendarDay.objects.create(day=dt.date(2026, 10, 1), is_workday=False, name="国庆节")
    other_day = CalendarDay.objects.create(
        day=dt.date(2026, 11, 4), is_workday=False, name="焊装厂休", organization=world.other
    )
    before = _marks()
    client = _client(dept_worker)

    as_global = client.post(
        "/api/v1/care/calendar", {"day": "2026-10-08", "is_workday": False}, content_type="application/json"
    )
    as_other = client.post(
        "/api/v1/care/calendar",
        {"day": "2026-10-08", "is_workday": False, "org": "R-B"},
        content_type="application/json",
    )
    assert (as_global.status_code, as_global.json()["message"]) == (
        403,
        "只有系统管理员可以修改全局工作日历；请填写适用组织。",
    )
    assert as_other.status_code == 400  # R-B is outside what this user reaches: an unknown code
    assert as_other.json()["code"] == "unknown_org"
    assert client.delete(f"/api/v1/care/calendar/{global_day.pk}").status_code == 403
    assert client.delete(f"/api/v1/care/calendar/{other_day.pk}").status_code == 404
    assert _client(world.helper).get("/api/v1/care/calendar").status_code == 404
    assert _marks() == before


@pytest.mark.parametrize(
    ("body", "status", "problem"),
    [
        ({"is_workday": False}, 422, {"field": "day", "message": "必填，不能为空"}),
        (
            {"day": "2026-02-30", "is_workday": False},
            422,
            {"field": "day", "message": "不是有效日期，请写成 2020-07-01 的形式"},
        ),
        (
            {"day": "2026-10-08", "is_workday": False, "name": "国" * 41},
            422,
            {"field": "name", "message": "内容过长"},
        ),
        (
            {"day": "2026-10-03", "is_workday": False},
            400,
            {"field": "类型", "message": "2026-10-03（星期六）本来就是休息日，不必登记为节假日"},
        ),
    ],
)
def test_calendar_api_says_which_field_is_wrong(world, body, status, problem):
    response = _client(world.admin).post("/api/v1/care/calendar", body, content_type="application/json")
    assert response.status_code == status
    assert [{"field": p["field"], "message": p["message"]} for p in response.json()["problems"]] == [problem]
    assert _marks() == []


def _held(submit, body):
    from django.test import override_settings

    with override_settings(QIXIN_CARE_LIMITS={"point": (0, 600)}):
        ticket, _ = submit(body=body)
    return ticket


def test_the_moderation_queue_through_the_api(world, submit, django_assert_max_num_queries):
    from qixin.care.models import Moderation

    submit(body="正常")
    held = [_held(submit, f"灌水帖{n}") for n in range(3)]
    client = _client(world.leader)
    assert [t["body"] for t in client.get("/api/v1/care/tickets").json()["items"]] == ["正常"]
    with django_assert_max_num_queries(10):
        listing = client.get("/api/v1/care/held")
    assert [(t["body"], t["moderation"], t["hold_reason"]) for t in listing.json()["items"]] == [
        (f"灌水帖{n}", "held", "此收集点短时间内提交过多") for n in (2, 1, 0)
    ]
    released = client.post(
        "/api/v1/care/held/moderate",
        {"ids": [held[0].pk], "action": "release"},
        content_type="application/json",
    )
    assert released.status_code == 200
    assert [t["moderation"] for t in released.json()] == ["visible"]
    discarded = client.post(
        "/api/v1/care/held/moderate",
        {"ids": [held[1].pk, held[2].pk], "action": "discard"},
        content_type="application/json",
    )
    assert [t["moderation"] for t in discarded.json()] == ["spam", "spam"]
    assert dict(Ticket.objects.values_list("body", "moderation")) == {
        "正常": Moderation.VISIBLE,
        "灌水帖0": Moderation.VISIBLE,
        "灌水帖1": Moderation.SPAM,
        "灌水帖2": Moderation.SPAM,
    }


@pytest.mark.parametrize("who", ["helper", "outsider", "dept_helper"])
def test_who_may_not_moderate_cannot_release_through_the_api(world, submit, who):
    held = _held(submit, "灌水帖")
    client = _client(getattr(world, who))
    assert client.get("/api/v1/care/held").json()["count"] == 0
    refused = client.post(
        "/api/v1/care/held/moderate", {"ids": [held.pk], "action": "release"}, content_type="application/json"
    )
    assert refused.status_code == 404
    held.refresh_from_db()
    assert held.moderation == "held"
    assert world.helper.care_notifications.count() == 0
