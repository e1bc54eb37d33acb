"""The notices' pages, API and command line: the same services, the same refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client
from django.urls import reverse
from tests.notices.conftest import PDF, PNG, upload

from qixin.cli import main
from qixin.core.models import AuditEntry
from qixin.core.services import api_token_create
from qixin.notices import services
from qixin.notices.models import Notice, NoticeReceipt

pytestmark = pytest.mark.django_db


def _notice(w, actor="secretary", org="b1", **extra):
    values = {"title": "支部学习安排", "body": "本周五下午集中学习。", **extra}
    return services.notice_publish(actor=w[actor], organization=w[org], **values)


def _api(user) -> dict[str, str]:
    _token, key = api_token_create(actor=user, name="脚本", days=30)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_the_publish_form_publishes_with_an_attachment(world, client):
    w = world
    client.force_login(w["secretary"])
    assert client.get(reverse("notices:new")).status_code == 200
    response = client.post(
        reverse("notices:new"),
        {
            "org": "R-1",
            "audience": "",
            "audience_kind": "members",
            "title": "七一活动通知",
            "body": "请全体党员参加。",
            "attachment": upload("活动安排.pdf", PDF),
        },
    )
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("notices:detail", args=[notice.pk])
    assert notice.attachment_name == "活动安排.pdf"
    assert notice.expected_count == 3


def test_the_publish_form_keeps_what_was_typed_and_says_what_is_wrong(world, client):
    w = world
    client.force_login(w["secretary"])
    bad = client.post(
        reverse("notices:new"),
        {
            "org": "R-1",
            "audience_kind": "members",
            "title": "通知",
            "body": "正文",
            "attachment": upload("a.pdf", PNG),
        },
    )
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "内容与扩展名“.pdf”不符" in page
    assert 'value="通知"' in page
    other = client.post(
        reverse("notices:new"), {"org": "R-2", "audience_kind": "members", "title": "通知", "body": "正文"}
    )
    assert other.status_code == 400
    assert "找不到组织编码“R-2”" in other.content.decode()
    assert not Notice.objects.exists()


def test_the_list_marks_unread_and_shows_the_publisher_read_counts(world, client):
    w = world
    notice = _notice(w)
    client.force_login(w["member"])
    page = client.get(reverse("notices:index")).content.decode()
    assert "未读" in page
    assert "已读 0/3" not in page  # a reader is not shown the receipts
    detail = client.get(reverse("notices:detail", args=[notice.pk]))
    assert detail.status_code == 200
    assert reverse("notices:receipts", args=[notice.pk]) not in detail.content.decode()
    assert NoticeReceipt.objects.get(notice=notice, person=w["m1"]).read_at is not None
    assert client.get(reverse("notices:index") + "?show=unread").context["page"].paginator.count == 0
    assert client.get(reverse("notices:receipts", args=[notice.pk])).status_code == 403
    client.force_login(w["secretary"])
    page = client.get(reverse("notices:index")).content.decode()
    assert "已读 1/3" in page
    receipts = client.get(reverse("notices:receipts", args=[notice.pk]))
    assert receipts.status_code == 200
    assert receipts.context["page"].paginator.count == 3
    unread = client.get(reverse("notices:receipts", args=[notice.pk]) + "?state=unread")
    assert [r.person.employee_no for r in unread.context["page"]] == ["M2", "S1"]
    assert client.get(reverse("notices:index") + "?show=nonsense").status_code == 400


def test_withdrawing_from_the_page(world, client):
    w = world
    notice = _notice(w)
    client.force_login(w["member"])
    assert client.post(reverse("notices:withdraw", args=[notice.pk])).status_code == 403
    client.force_login(w["secretary"])
    response = client.post(reverse("notices:withdraw", args=[notice.pk]), {"reason": "时间有变"})
    assert response.status_code == 302
    assert Notice.objects.get(pk=notice.pk).withdrawn
    client.force_login(w["member"])
    assert client.get(reverse("notices:detail", args=[notice.pk])).status_code == 404


def test_the_list_page_takes_the_same_queries_whatever_the_number_of_notices(
    world, django_assert_num_queries
):
    w = world
    client = Client()
    client.force_login(w["secretary"])
    url = reverse("notices:index")
    for _ in range(3):
        _notice(w, attachment=upload("a.pdf", PDF))
    client.get(url)
    # The session and user, the two-factor gate, the actor's scope (grants, posts, membership), the
    # list's count and its page (one query: the receipts are counted in subqueries), and the session's
    # save (an UPDATE in its savepoint): 11, however many notices and receipts.
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200
    for _ in range(20):
        _notice(w, "worker", "root")
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.context["page"].paginator.count == 23


def test_the_api_lists_opens_creates_and_withdraws(world, client):
    w = world
    notice = _notice(w)
    member = _api(w["member"])
    listed = client.get("/api/v1/notices?show=unread", **member)
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["items"]] == [notice.pk]
    assert listed.json()["items"][0]["n_read"] is None
    opened = client.get(f"/api/v1/notices/{notice.pk}", **member)
    assert opened.status_code == 200
    assert opened.json()["title"] == "支部学习安排"
    assert client.get("/api/v1/notices?show=unread", **member).json()["count"] == 0
    assert client.get(f"/api/v1/notices/{notice.pk}/receipts", **member).status_code == 403
    stranger = _api(w["other_member"])
    assert client.get(f"/api/v1/notices/{notice.pk}", **stranger).status_code == 404

    secretary = _api(w["secretary"])
    created = client.post(
        "/api/v1/notices",
        {"org_code": "R-1", "title": "接口通知", "body": "正文", "attachment": upload("表.pdf", PDF)},
        **secretary,
    )
    assert created.status_code == 201, created.content
    assert created.json()["attachment_name"] == "表.pdf"
    refused = client.post(
        "/api/v1/notices",
        {"org_code": "R-1", "title": "接口通知", "body": "正文", "attachment": upload("表.pdf", b"")},
        **secretary,
    )
    assert refused.status_code == 400
    assert refused.json()["problems"][0]["field"] == "附件"
    assert Notice.objects.count() == 2
    receipts = client.get(f"/api/v1/notices/{notice.pk}/receipts", **secretary)
    assert receipts.json()["count"] == 3
    assert {r["employee_no"]: r["read_at"] is not None for r in receipts.json()["items"]}["M1"] is True
    row = next(r for r in client.get("/api/v1/notices", **secretary).json()["items"] if r["id"] == notice.pk)
    assert row["n_read"] == 1
    downloaded = client.get(f"/api/v1/notices/{created.json()['id']}/attachment", **member)
    assert b"".join(downloaded.streaming_content) == PDF
    assert (
        client.post(
            f"/api/v1/notices/{notice.pk}/withdraw", {}, content_type="application/json", **member
        ).status_code
        == 403
    )
    withdrawn = client.post(
        f"/api/v1/notices/{notice.pk}/withdraw",
        {"reason": "重发"},
        content_type="application/json",
        **secretary,
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdrawn_at"] is not None
    assert client.get(f"/api/v1/notices/{notice.pk}", **member).status_code == 404


def test_the_command_line_publishes_and_lists_receipts(world, tmp_path: Path):
    w = world
    body = tmp_path / "正文.txt"
    body.write_text("请各支部按时参加。", encoding="utf-8")
    attachment = tmp_path / "安排.pdf"
    attachment.write_bytes(PDF)
    runner = CliRunner()
    done = runner.invoke(
        main,
        [
            "notices",
            "publish",
            "--org",
            "R",
            "--title",
            "全体党员大会",
            "--body-file",
            str(body),
            "--attach",
            str(attachment),
            "--as",
            "dangwu",
        ],
    )
    assert done.exit_code == 0, done.output
    notice = Notice.objects.get()
    assert notice.attachment_name == "安排.pdf"
    assert notice.expected_count == 5
    assert notice.created_by == w["worker"]
    services.notice_open(actor=w["member"], notice=notice)
    listed = runner.invoke(main, ["notices", "receipts", str(notice.pk), "--as", "dangwu"])
    assert listed.exit_code == 0, listed.output
    assert "已读 1/5" in listed.output
    assert "M1\t员工M1\t" in listed.output
    unread = runner.invoke(main, ["notices", "receipts", str(notice.pk), "--unread", "--as", "dangwu"])
    assert "M1\t" not in unread.output
    assert "N1\t员工N1\t未读" in unread.output
    refused = runner.invoke(main, ["notices", "receipts", str(notice.pk), "--as", "M1"])
    assert refused.exit_code == 1
    assert AuditEntry.objects.filter(action="refused").count() == 1
    bad = tmp_path / "假.pdf"
    bad.write_bytes(PNG)
    wrong = runner.invoke(
        main,
        [
            "notices",
            "publish",
            "--org",
            "R-1",
            "--title",
            "x",
            "--body-file",
            str(body),
            "--attach",
            str(bad),
            "--as",
            "S1",
        ],
    )
    assert wrong.exit_code == 1
    assert "内容与扩展名“.pdf”不符" in wrong.output
    assert Notice.objects.count() == 1
