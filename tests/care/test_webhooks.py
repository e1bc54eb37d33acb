"""Group robots (WeCom, DingTalk): the message format, retries, and the delivery log, against a
local HTTP server on 127.0.0.1."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from qixin.care import services, webhooks
from qixin.care.models import DeliveryStatus, WebhookDelivery


class Robot:
    def __init__(self, answers):
        self.answers = list(answers)  # (status, body) per request; the last one repeats
        self.received: list[Any] = []
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                robot.received.append(json.loads(self.rfile.read(length)))
                status, body = robot.answers.pop(0) if len(robot.answers) > 1 else robot.answers[0]
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key=test"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robot():
    made = []

    def make(*answers):
        made.append(Robot(answers))
        return made[-1]

    yield make
    for r in made:
        r.close()


def test_wecom_message_is_delivered_with_markdown_and_no_ticket_text(
    world, robot, submit, django_capture_on_commit_callbacks
):
    wecom = robot((200, '{"errcode":0,"errmsg":"ok"}'))
    world.team.webhook_url, world.team.webhook_format = wecom.url, "wecom"
    world.team.save()
    with django_capture_on_commit_callbacks(execute=True):
        ticket, _ = submit(kind="problem", body="机密：班长的手机号是13800000000")
    assert len(wecom.received) == 1
    message = wecom.received[0]
    assert message["msgtype"] == "markdown"
    assert "新的问题（一车间休息室）" in message["markdown"]["content"]
    assert f"/care/tickets/{ticket.pk}/" in message["markdown"]["content"]
    assert "13800000000" not in json.dumps(message, ensure_ascii=False)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status) == (DeliveryStatus.DELIVERED, 1, 200)


def test_dingtalk_format():
    body = webhooks.payload("dingtalk", "旗心·员工心声", "新的诉求（食堂）", "http://x/care/tickets/1/")
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "旗心·员工心声"
    assert "新的诉求（食堂）" in body["markdown"]["text"]


def test_failed_deliveries_are_retried_with_backoff_until_delivered(
    world, robot, submit, django_capture_on_commit_callbacks
):
    ding = robot(
        (500, "oops"), (200, '{"errcode":310000,"errmsg":"keywords not in content"}'), (200, '{"errcode":0}')
    )
    world.team.webhook_url, world.team.webhook_format = ding.url, "dingtalk"
    world.team.save()
    with django_capture_on_commit_callbacks(execute=True):
        submit()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.PENDING,
        1,
        "HTTP 500",
    )
    first_retry_at = delivery.next_attempt_at
    assert first_retry_at is not None
    assert services.deliveries_retry(actor=world.admin, now=first_retry_at - dt.timedelta(seconds=1)) == 0
    assert services.deliveries_retry(actor=world.admin, now=first_retry_at) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.last_error.startswith("errcode 310000")
    assert delivery.next_attempt_at == first_retry_at + dt.timedelta(minutes=2)
    assert services.deliveries_retry(actor=world.admin, now=delivery.next_attempt_at) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.DELIVERED, 3, "")
    assert len(ding.received) == 3


def test_an_unreachable_robot_fails_after_five_attempts(world, submit, django_capture_on_commit_callbacks):
    world.team.webhook_url, world.team.webhook_format = "http://127.0.0.1:9/nothing", "wecom"
    world.team.save()
    with django_capture_on_commit_callbacks(execute=True):
        submit()
    delivery = WebhookDelivery.objects.get()
    for _ in range(4):
        services.deliveries_retry(actor=world.admin, now=delivery.next_attempt_at)
        delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.FAILED, 5, None)
    assert services.deliveries_retry(actor=world.admin, now=dt.datetime(2030, 1, 1, tzinfo=dt.UTC)) == 0
