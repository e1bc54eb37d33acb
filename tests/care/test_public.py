"""The public intake and follow-up pages: light, anonymous for real, and hard to abuse."""

import datetime as dt
import io
import json
import logging
import re
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.staticfiles import finders
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from qixin.care import limits, selectors, services
from qixin.care.models import Moderation, Notification, Ticket, TicketStatus
from qixin.care.public_views import DEVICE_COOKIE
from qixin.care.services import submitting

ADDRESS = "10.77.66.55"
AGENT = "Mozilla/5.0 (Linux; Android 14; SM-S9180) MicroMessenger/8.0.49 QixinTestAgent/7731"


def _found(pattern: str, text: str) -> str:
    """The first group of `pattern` in `text`, which must be there."""
    match = re.search(pattern, text)
    assert match is not None, pattern
    return match.group(1)


def _columns(model: type[Model]) -> list[str]:
    """The database columns of a model (a concrete field always has one)."""
    columns = [f.column for f in model._meta.concrete_fields]
    assert None not in columns, model
    return [c for c in columns if c is not None]


def _client(address=ADDRESS, agent=AGENT):
    return Client(REMOTE_ADDR=address, HTTP_USER_AGENT=agent, enforce_csrf_checks=True)


# How long a phone's employee writes before sending: a form sent back sooner than a person could
# write (QIXIN_CARE_NONCE_MIN_SECONDS) is held for moderation.
WRITING = dt.timedelta(seconds=40)


def _open(client, point, *, writing=WRITING):
    """Fetch the intake form as a phone did `writing` ago (the nonce says when it was fetched)."""
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - writing):
        response = client.get(reverse("care:intake", args=[point.token]))
    assert response.status_code == 200
    html = response.content.decode()
    nonce = _found(r'name="nonce" value="([^"]+)"', html)
    csrf = _found(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return response, nonce, csrf


def _post(client, point, *, writing=WRITING, **fields):
    _, nonce, csrf = _open(client, point, writing=writing)
    data = {
        "kind": "problem",
        "body": "三号线工位风扇坏了",
        "nonce": nonce,
        "csrfmiddlewaretoken": csrf,
    } | fields
    return client.post(reverse("care:intake", args=[point.token]), data)


def _code(response):
    return _found(r'id="follow-code">([A-Z0-9-]+)<', response.content.decode())


def test_intake_page_is_light_and_needs_no_javascript(world):
    response, _, _ = _open(_client(), world.point)
    html = response.content.decode()
    assert "<script" not in html
    assert "core/base" not in html
    assert "htmx" not in html
    stylesheet = finders.find("care/intake.css")
    assert isinstance(stylesheet, str)
    with open(stylesheet, "rb") as handle:
        css = handle.read()
    assert len(response.content) + len(css) < 50 * 1024
    assert response.cookies[DEVICE_COOKIE]["httponly"]
    assert world.point.organization.name in html


def test_anonymous_submission_gives_a_code_that_reads_the_answer(world):
    client = _client()
    response = _post(client, world.point)
    assert response.status_code == 200
    code = _code(response)
    ticket = Ticket.objects.get()
    assert ticket.is_anonymous
    assert ticket.status == TicketStatus.OPEN
    services.ticket_answer(actor=world.helper, ticket=ticket, body="已安排维修，明天修好")
    page = client.get(reverse("care:follow", args=[code]))
    assert "已安排维修，明天修好" in page.content.decode()
    assert client.get(reverse("care:follow", args=["AAAA-BBBB-CCCC"])).status_code == 404


def test_anonymous_submission_leaves_no_trace_in_any_table_or_log(world, caplog):
    """Submit anonymously, then search every table of every app and the logs for what could tell who
    sent it: the device token, the address, the user agent, the CSRF cookie."""
    caplog.set_level(logging.DEBUG)
    client = _client()
    response = _post(client, world.point, body="匿名反映：班组长克扣加班费")
    assert response.status_code == 200
    code = _code(response)
    client.post(
        reverse("care:follow", args=[code]),
        {
            "action": "reply",
            "body": "补充：上个月的事",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    device = client.cookies[DEVICE_COOKIE].value
    csrf_cookie = client.cookies["csrftoken"].value
    secrets_to_find = [device, ADDRESS, AGENT, "QixinTestAgent", csrf_cookie, code, code.replace("-", "")]
    assert Ticket.objects.get().messages.count() == 1

    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            columns = _columns(model)
            cursor.execute(f"SELECT {', '.join(connection.ops.quote_name(c) for c in columns)} FROM {table}")  # noqa: S608
            for row in cursor.fetchall():
                text = " ".join(str(v) for v in row)
                found += [(table, s) for s in secrets_to_find if s in text]
    assert found == []
    logged = "\n".join(f"{r.getMessage()} {r.args!r} {getattr(r, 'request', '')!r}" for r in caplog.records)
    assert [s for s in secrets_to_find if s in logged] == []
    from qixin.core.models import AuditEntry

    entries = AuditEntry.objects.filter(action__in=["care_submit", "care_reply"])
    assert [(e.action, e.source, e.actor_id) for e in entries] == [
        ("care_submit", "", None),
        ("care_reply", "", None),
    ]


def test_named_submission_keeps_name_and_employee_number(world):
    response = _post(_client(), world.point, name="李四", employee_no="E2001")
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert (ticket.is_anonymous, ticket.submitter_name, ticket.submitter_employee_no) == (
        False,
        "李四",
        "E2001",
    )


def test_anonymous_box_wins_over_typed_name(world):
    _post(_client(), world.point, name="李四", employee_no="E2001", anonymous="1")
    ticket = Ticket.objects.get()
    assert (ticket.is_anonymous, ticket.submitter_name, ticket.submitter_employee_no) == (True, "", "")


def test_the_same_form_sent_twice_is_stored_once_with_the_same_code(world):
    client = _client()
    _, nonce, csrf = _open(client, world.point)
    data = {"kind": "appeal", "body": "宿舍热水不稳定", "nonce": nonce, "csrfmiddlewaretoken": csrf}
    first = client.post(reverse("care:intake", args=[world.point.token]), data)
    second = client.post(reverse("care:intake", args=[world.point.token]), data)
    assert _code(first) == _code(second)
    assert Ticket.objects.count() == 1


def test_honeypot_is_thanked_but_nothing_is_stored(world):
    response = _post(_client(), world.point, website="http://spam.example")
    assert response.status_code == 200
    assert 'id="follow-code"' not in response.content.decode()
    assert Ticket.objects.count() == 0


def test_too_long_text_is_refused_with_the_text_kept(world):
    response = _post(_client(), world.point, body="长" * 2001)
    assert response.status_code == 400
    assert "不能超过2000个字" in response.content.decode()
    assert Ticket.objects.count() == 0


def _jpeg_with_exif():
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    exif[0x0131] = "GPS-Tracker-Firmware"  # Software
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    assert b"SecretCameraMaker" in out.getvalue()
    out.seek(0)
    out.name = "IMG_20260101_GPS.jpg"
    return out


def test_photo_is_reencoded_without_metadata_under_a_random_name(world):
    response = _post(_client(), world.point, photo=_jpeg_with_exif())
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    data = ticket.photo.read()
    assert data.startswith(b"\xff\xd8")
    assert b"SecretCameraMaker" not in data
    assert b"GPS-Tracker" not in data
    assert b"Exif" not in data
    assert ticket.photo.name is not None
    assert "IMG_2026" not in ticket.photo.name
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (40, 30)


def test_a_file_that_is_not_an_image_is_refused(world):
    fake = io.BytesIO(b"%PDF-1.4 not an image")
    fake.name = "photo.jpg"
    response = _post(_client(), world.point, photo=fake)
    assert response.status_code == 400
    assert "文件不是有效的图片" in response.content.decode()
    assert Ticket.objects.count() == 0


def _queue():
    """What the submissions became: (body, moderation, why held), in the order they came."""
    return list(Ticket.objects.order_by("id").values_list("body", "moderation", "hold_reason"))


@override_settings(QIXIN_CARE_LIMITS={"device": (3, 600)})
def test_a_phone_that_sends_too_much_is_held_for_moderation_not_refused(
    world, django_capture_on_commit_callbacks
):
    client = _client()
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [_post(client, world.point, body=f"第{n}次反映").status_code for n in range(5)]
    assert statuses == [200] * 5
    assert _queue() == [
        ("第0次反映", Moderation.VISIBLE, ""),
        ("第1次反映", Moderation.VISIBLE, ""),
        ("第2次反映", Moderation.VISIBLE, ""),
        ("第3次反映", Moderation.HELD, limits.DEVICE_BURST),
        ("第4次反映", Moderation.HELD, limits.DEVICE_BURST),
    ]
    # The team hears of the three it has to answer, not of the held ones.
    assert Notification.objects.filter(user=world.helper).count() == 3


@override_settings(QIXIN_CARE_LIMITS={"device": (3, 600), "point": (1000, 600)})
def test_hundreds_of_devices_behind_one_factory_address_are_not_locked_out(world):
    """A whole workshop behind one NAT address: every phone gets through to the team; a phone that
    sends too much is held, and the others still get through after it."""
    statuses = [_post(_client(), world.point, body=f"员工{n}的问题").status_code for n in range(300)]
    assert statuses == [200] * 300
    noisy = _client()
    assert [_post(noisy, world.point, body=f"刷屏{n}").status_code for n in range(4)] == [200] * 4
    assert _post(_client(), world.point, body="又一位员工").status_code == 200
    assert Ticket.objects.filter(moderation=Moderation.VISIBLE).count() == 304
    assert list(Ticket.objects.filter(moderation=Moderation.HELD).values_list("body", flat=True)) == ["刷屏3"]


@override_settings(QIXIN_CARE_LIMITS={"point": (2, 600)})
def test_beyond_an_intake_points_budget_submissions_wait_for_moderation(world):
    statuses = [
        _post(_client(address=f"10.0.0.{n}"), world.point, body=f"问题{n}").status_code for n in range(3)
    ]
    assert statuses == [200, 200, 200]
    assert _queue() == [
        ("问题0", Moderation.VISIBLE, ""),
        ("问题1", Moderation.VISIBLE, ""),
        ("问题2", Moderation.HELD, limits.POINT_BURST),
    ]


@override_settings(QIXIN_CARE_LIMITS={"device": (2, 600)})
def test_phones_without_cookies_do_not_share_one_budget(world):
    """Eight phones whose browser keeps no cookie: each is limited by its own form, not by a bucket
    shared by every phone without a cookie (the 7th and 8th used to be refused)."""
    statuses = []
    for n in range(8):
        client = _client()
        _, nonce, csrf = _open(client, world.point)
        client.cookies.pop(DEVICE_COOKIE)
        data = {"kind": "problem", "body": f"无痕浏览{n}", "nonce": nonce, "csrfmiddlewaretoken": csrf}
        statuses.append(client.post(reverse("care:intake", args=[world.point.token]), data).status_code)
    assert statuses == [200] * 8
    assert [m for _, m, _ in _queue()] == [Moderation.VISIBLE] * 8


def test_a_form_sent_back_sooner_than_anyone_writes_is_held(world):
    response = _post(_client(), world.point, writing=dt.timedelta(seconds=1), body="秒发")
    assert response.status_code == 200
    assert 'id="follow-code"' in response.content.decode()  # the sender is not told apart
    assert _queue() == [("秒发", Moderation.HELD, limits.TOO_FAST)]


@pytest.mark.parametrize(
    "nonce",
    [
        "A" * 30,  # a random value, as nonces were before they were signed
        "mbdxk8.0000000000000000.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",  # a made-up signature
    ],
)
def test_a_made_up_form_nonce_is_refused_and_nothing_is_stored(world, nonce):
    response = _post(_client(), world.point, nonce=nonce, body="伪造的表单")
    assert response.status_code == 400
    page = response.content.decode()
    assert "表单已失效，请刷新页面后重新提交。" in page
    assert "伪造的表单" in page  # what was typed is kept, with a form that can be sent
    assert _found(r'name="nonce" value="([^"]+)"', page) != nonce
    assert Ticket.objects.count() == 0


def test_a_form_of_another_intake_point_is_refused(world):
    other = services.point_create(actor=world.admin, team=world.team, name="二车间休息室")
    client = _client()
    _, nonce, csrf = _open(client, other)
    data = {"kind": "problem", "body": "跨点提交", "nonce": nonce, "csrfmiddlewaretoken": csrf}
    response = client.post(reverse("care:intake", args=[world.point.token]), data)
    assert response.status_code == 400
    assert Ticket.objects.count() == 0


def test_a_form_left_open_too_long_is_refused_with_the_text_kept_and_a_new_form(world, settings):
    settings.QIXIN_CARE_NONCE_MAX_SECONDS = 3600
    client = _client()
    response = _post(client, world.point, writing=dt.timedelta(hours=2), body="写了很久")
    page = response.content.decode()
    assert response.status_code == 400
    assert "页面打开时间过长，表单已失效" in page
    assert "写了很久" in page
    assert Ticket.objects.count() == 0
    nonce = _found(r'name="nonce" value="([^"]+)"', page)
    assert services.nonce_read(nonce, point=world.point).fetched_with(client.cookies[DEVICE_COOKIE].value)


@override_settings(QIXIN_CARE_LIMITS={"held": (2, 600)})
def test_only_held_submissions_have_a_ceiling_and_a_genuine_one_still_goes_through(world):
    flooder = _client()
    with mock.patch("django.utils.timezone.now", return_value=timezone.now()):  # sent at once
        statuses = [
            _post(flooder, world.point, writing=dt.timedelta(0), body=f"刷屏{n}").status_code
            for n in range(4)
        ]
        refused = _post(flooder, world.point, writing=dt.timedelta(0), body="刷屏再来")
    assert statuses == [200, 200, 429, 429]
    assert "此处提交的人较多，请稍后再试。" in refused.content.decode()
    assert _post(_client(), world.point, body="真实的反映").status_code == 200
    assert _queue() == [
        ("刷屏0", Moderation.HELD, limits.TOO_FAST),
        ("刷屏1", Moderation.HELD, limits.TOO_FAST),
        ("真实的反映", Moderation.VISIBLE, ""),
    ]


GENUINE_PHONES = 40


def test_a_flood_from_the_factory_address_does_not_reach_the_team_nor_lock_out_its_phones(
    world, django_capture_on_commit_callbacks
):
    """One client behind the factory's address floods a QR code (it drops its cookie, fetches a fresh
    form each time and sends it at once, then replays one form), while forty phones behind the same
    address (ten of them keep no cookie) each write and send one: all forty reach the team as normal
    tickets, and nothing of the flood does (it used to take the point's whole budget in 30 s)."""
    flooder = _client()
    phones = [_client() for _ in range(GENUINE_PHONES)]
    forms = [_open(phone, world.point) for phone in phones]  # the employees start writing
    for phone in phones[:10]:
        phone.cookies.pop(DEVICE_COOKIE)
    url = reverse("care:intake", args=[world.point.token])
    flood = []
    # The flood sends each form the instant it is fetched: the clock stands still while it does, so
    # that a slow test machine (seconds between a GET and its POST) does not make it a patient writer.
    with mock.patch("django.utils.timezone.now", return_value=timezone.now()):
        for n in range(400):
            _, nonce, csrf = _open(flooder, world.point, writing=dt.timedelta(0))
            flooder.cookies.pop(DEVICE_COOKIE)
            flood.append(
                flooder.post(
                    url, {"kind": "appeal", "body": f"刷屏{n}", "nonce": nonce, "csrfmiddlewaretoken": csrf}
                )
            )
        replay = {"kind": "appeal", "body": "重放", "nonce": nonce, "csrfmiddlewaretoken": csrf}
        flood += [flooder.post(url, replay | {"body": f"重放{n}"}) for n in range(50)]
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            phone.post(
                url,
                {"kind": "problem", "body": f"员工{n}的心声", "nonce": nonce, "csrfmiddlewaretoken": csrf},
            )
            for n, (phone, (_, nonce, csrf)) in enumerate(zip(phones, forms, strict=True))
        ]
    assert [a.status_code for a in answers] == [200] * GENUINE_PHONES
    assert {a.status_code for a in flood} == {200}  # the sender is not told apart
    assert Ticket.objects.filter(moderation=Moderation.HELD, body__startswith="员工").count() == 0
    queue = selectors.ticket_list_for(actor=world.helper)
    assert sorted(queue.values_list("body", flat=True)) == sorted(
        f"员工{n}的心声" for n in range(GENUINE_PHONES)
    )
    assert Notification.objects.filter(user=world.helper).count() == GENUINE_PHONES
    held = Ticket.objects.filter(moderation=Moderation.HELD)
    assert set(held.values_list("hold_reason", flat=True)) == {limits.TOO_FAST}
    assert held.count() == 400  # one per form fetched; the replayed form stored nothing more
    assert Ticket.objects.count() == 400 + GENUINE_PHONES


def test_follow_up_reply_reopens_a_closed_ticket_and_rating(world):
    client = _client()
    code = _code(_post(client, world.point))
    ticket = Ticket.objects.get()
    services.ticket_close(actor=world.helper, ticket=ticket, result="风扇已更换")
    csrf = client.cookies["csrftoken"].value
    page = client.post(
        reverse("care:follow", args=[code]), {"action": "rate", "rating": "4", "csrfmiddlewaretoken": csrf}
    )
    assert "感谢您的评价" in page.content.decode()
    client.post(
        reverse("care:follow", args=[code]),
        {"action": "reply", "body": "又坏了", "csrfmiddlewaretoken": csrf},
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.rating, ticket.reopen_count, ticket.closed_at) == (
        TicketStatus.OPEN,
        4,
        1,
        None,
    )


def test_hidden_ticket_is_kept_and_still_answers_its_code(world):
    client = _client()
    code = _code(_post(client, world.point))
    ticket = Ticket.objects.get()
    services.ticket_moderate(actor=world.leader, ticket=ticket, moderation=Moderation.SPAM)
    assert Ticket.objects.filter(pk=ticket.pk, moderation=Moderation.SPAM).exists()
    assert client.get(reverse("care:follow", args=[code])).status_code == 200


@pytest.mark.parametrize("token", ["nope", "x" * 16])
def test_unknown_intake_link_is_not_found(world, token):
    assert _client().get(reverse("care:intake", args=[token])).status_code == 404


@override_settings(QIXIN_CARE_LIMITS={"lookup": (3, 600)})
def test_guessing_follow_up_codes_is_limited(world):
    client = _client()
    client.get(reverse("care:intake", args=[world.point.token]))  # the phone gets its device cookie
    statuses = [client.get(reverse("care:follow", args=[f"AAAA-BBBB-CCC{n}"])).status_code for n in range(5)]
    assert statuses == [404, 404, 404, 429, 429]


# --- nothing that links a submitter is recorded, on any path of the public channel -----------------

PROBE_ADDRESS = "203.0.113.77"
PROBE_AGENT = "Mozilla/5.0 (Linux; Android 13) XWEB/5197 MicroMessenger/8.0.47 QixinProbe/4242"
MISTYPED = "ZQXW-MIST-YPED"


def _probe():
    return _client(address=PROBE_ADDRESS, agent=PROBE_AGENT)


def _stored_values():
    """Every value of every column of every row of every table (text, char, JSON and binary ones
    included), as text."""
    values = []
    seen = set()
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if model._meta.proxy or not model._meta.managed or table in seen:
                continue
            seen.add(table)
            columns = _columns(model)
            names = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {names} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "replace")
                    elif isinstance(value, dict | list):
                        value = json.dumps(value, ensure_ascii=False)
                    values.append((table, str(value)))
    return values


def _follow_post(world, code, **data):
    client = _probe()
    _open(client, world.point)  # the CSRF cookie, as the phone that submitted has
    return client.post(
        reverse("care:follow", args=[code]), {"csrfmiddlewaretoken": client.cookies["csrftoken"].value} | data
    )


def _answered_code(world):
    """A follow-up code of an answered ticket (kept on `world.codes`: it must not be recorded either)."""
    code = _code(_post(_client(), world.point))
    services.ticket_answer(actor=world.helper, ticket=Ticket.objects.get(), body="已安排维修")
    world.codes.append(code)
    return code


def _deactivated(world):
    client = _probe()
    _, nonce, csrf = _open(client, world.point)
    services.point_set_active(actor=world.worker, point=world.point, active=False)
    data = {"kind": "problem", "body": "停用后提交", "nonce": nonce, "csrfmiddlewaretoken": csrf}
    assert client.get(reverse("care:intake", args=[world.point.token])).status_code == 404
    return client.post(reverse("care:intake", args=[world.point.token]), data)


def _unknown_point(world):
    client = _probe()
    _, nonce, csrf = _open(client, world.point)
    data = {"kind": "problem", "body": "未知二维码", "nonce": nonce, "csrfmiddlewaretoken": csrf}
    assert client.get(reverse("care:intake", args=["NoSuchPoint1234"])).status_code == 404
    return client.post(reverse("care:intake", args=["NoSuchPoint1234"]), data)


def _flooded(world):
    client = _probe()
    with override_settings(QIXIN_CARE_LIMITS={"device": (1, 600), "held": (1, 600), "lookup": (1, 600)}):
        statuses = [_post(client, world.point, body=f"刷屏{n}").status_code for n in range(3)]
        statuses += [client.get(reverse("care:follow", args=[MISTYPED])).status_code for _ in range(2)]
    assert 429 in statuses
    return None


PUBLIC_PATHS = {
    "intake page": lambda w: _open(_probe(), w.point)[0],
    "submission": lambda w: _post(_probe(), w.point),
    "named submission": lambda w: _post(_probe(), w.point, name="王五", employee_no="E3003"),
    "held submission": lambda w: _post(_probe(), w.point, writing=dt.timedelta(0)),
    "submission with errors": lambda w: _post(_probe(), w.point, body=""),
    "forged form nonce": lambda w: _post(_probe(), w.point, nonce="A" * 30),
    "honeypot": lambda w: _post(_probe(), w.point, website="http://spam.example"),
    "flood and guessing": _flooded,
    "deactivated point": _deactivated,
    "unknown point": _unknown_point,
    "lookup with a good code": lambda w: _probe().get(
        reverse("care:follow_lookup"), {"code": _answered_code(w)}, follow=True
    ),
    "lookup with a mistyped code": lambda w: _probe().get(reverse("care:follow_lookup"), {"code": MISTYPED}),
    "follow-up page, mistyped code": lambda w: _probe().get(reverse("care:follow", args=[MISTYPED])),
    "reply with a good code": lambda w: _follow_post(w, _answered_code(w), action="reply", body="补充"),
    "empty reply with a good code": lambda w: _follow_post(w, _answered_code(w), action="reply", body=""),
    "rating with a good code": lambda w: _follow_post(w, _answered_code(w), action="rate", rating="5"),
    "reply with a mistyped code": lambda w: _follow_post(w, MISTYPED, action="reply", body="补充"),
    "rating with a mistyped code": lambda w: _follow_post(w, MISTYPED, action="rate", rating="1"),
}


@pytest.mark.parametrize("path", list(PUBLIC_PATHS))
def test_no_public_path_records_the_address_the_browser_or_a_mistyped_code(world, caplog, path):
    """ApplicationErrorMiddleware used to put the client address into every audit entry of a request
    and to audit refused POSTs with their path: a mistyped follow-up code, or a POST to a stopped
    QR code, left the submitter's address (and the code) in the audit log."""
    caplog.set_level(logging.DEBUG)
    world.codes = []
    PUBLIC_PATHS[path](world)
    codes = [MISTYPED, *world.codes]
    secrets_to_find = [PROBE_ADDRESS, PROBE_AGENT, "QixinProbe", *codes, *(c.replace("-", "") for c in codes)]
    found = [(table, s) for table, value in _stored_values() for s in secrets_to_find if s in value]
    assert found == []
    logged = "\n".join(f"{r.getMessage()} {r.args!r} {getattr(r, 'request', '')!r}" for r in caplog.records)
    assert [s for s in secrets_to_find if s in logged] == []


# --- a busy database (a long import on SQLite) ----------------------------------------------------


class WriteLock:
    """Another connection holding the database's write lock, as a long roster import does: SQLite's
    one write lock (BEGIN IMMEDIATE); on PostgreSQL, a lock on the tickets table that lets readers
    through and makes every writer wait."""

    def __init__(self):
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
        cursor = self.connection.cursor()
        if self.connection.vendor == "sqlite":
            cursor.execute("BEGIN IMMEDIATE")
        else:
            cursor.execute("BEGIN")
            cursor.execute(f"LOCK TABLE {Ticket._meta.db_table} IN EXCLUSIVE MODE")
        self.held = True

    def release(self):
        if self.held:
            self.connection.cursor().execute("ROLLBACK")
            self.connection.close()
            self.held = False


def _typed_form(client, point):
    _, nonce, csrf = _open(client, point)
    return {
        "kind": "suggestion",
        "body": "建议食堂增加夜班窗口",
        "name": "赵六",
        "employee_no": "E4004",
        "nonce": nonce,
        "csrfmiddlewaretoken": csrf,
    }


@pytest.mark.django_db(transaction=True)
def test_a_submission_waits_while_the_database_is_busy_and_is_stored_once_it_is_free(
    world, monkeypatch, settings
):
    settings.QIXIN_CARE_BUSY_SECONDS = 3
    client = _client()
    data = _typed_form(client, world.point)
    lock = WriteLock()
    pauses = []

    def pause(seconds):  # the import commits while the submission waits to try again
        pauses.append(seconds)
        lock.release()

    monkeypatch.setattr(submitting, "sleep", pause)
    try:
        response = client.post(reverse("care:intake", args=[world.point.token]), data)
    finally:
        lock.release()
    assert response.status_code == 200
    assert pauses == [0.1]
    ticket = Ticket.objects.get()
    assert (ticket.body, ticket.submitter_name, ticket.moderation) == (
        "建议食堂增加夜班窗口",
        "赵六",
        "visible",
    )
    assert _code(response) == services.code_for(data["nonce"])


@pytest.mark.django_db(transaction=True)
def test_a_submission_that_the_busy_database_cannot_take_in_time_keeps_the_form_for_a_retry(world, settings):
    """It used to answer 500 after SQLite's 5 s busy timeout, and the ticket was lost."""
    settings.QIXIN_CARE_BUSY_SECONDS = 0.3
    client = _client()
    data = _typed_form(client, world.point)
    photos_before = _stored_photos()
    lock = WriteLock()
    try:
        response = client.post(
            reverse("care:intake", args=[world.point.token]), data | {"photo": _jpeg_with_exif()}
        )
    finally:
        lock.release()
    page = response.content.decode()
    assert response.status_code == 503
    assert "系统繁忙，您写的内容还没有保存。请稍后再点一次“提交”" in page
    assert "建议食堂增加夜班窗口" in page
    assert 'value="赵六"' in page
    assert 'value="E4004"' in page
    assert 'value="suggestion" required checked' in page
    assert _found(r'name="nonce" value="([^"]+)"', page) == data["nonce"]
    assert Ticket.objects.count() == 0
    assert _stored_photos() == photos_before  # the photo written before the transaction is gone again
    again = client.post(reverse("care:intake", args=[world.point.token]), data)  # the same form, later
    assert again.status_code == 200
    assert _code(again) == services.code_for(data["nonce"])
    assert Ticket.objects.get().body == "建议食堂增加夜班窗口"


def _stored_photos():
    from django.conf import settings

    folder = settings.MEDIA_ROOT / "care" / "photos"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.django_db(transaction=True)
def test_a_follow_up_reply_keeps_its_text_when_the_busy_database_cannot_take_it(world, settings):
    settings.QIXIN_CARE_BUSY_SECONDS = 0.3
    client = _client()
    code = _code(_post(client, world.point))
    lock = WriteLock()
    try:
        response = _follow_reply(client, code, "补充：夜班也一样")
    finally:
        lock.release()
    assert response.status_code == 503
    assert "补充：夜班也一样</textarea>" in response.content.decode()
    assert Ticket.objects.get().messages.count() == 0


def _follow_reply(client, code, body):
    csrf = client.cookies["csrftoken"].value
    return client.post(
        reverse("care:follow", args=[code]), {"action": "reply", "body": body, "csrfmiddlewaretoken": csrf}
    )
