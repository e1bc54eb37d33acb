"""Files chosen in a real browser reach the record: a suggestion's attachments, a deed's evidence and a
meeting's photo. (A suggestion refused every file with 未提交文件。请检查表单的编码类型: the browser sent
them all, and the single-file form field could not clean a list.)"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from tests.builders import account, org, person

from qixin.brand import services as brand_services
from qixin.brand.models import Deed
from qixin.core.services import system_user
from qixin.improve.models import Suggestion
from qixin.life import services as life_services
from qixin.life.models import Attachment, MeetingKind
from qixin.orgs import services as org_services
from qixin.orgs.models import OrgKind

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "e2e-secret-pass-2026"
# The start of a 1×1 PNG: its signature and header, which is what the content checks read.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)


@pytest.fixture
def branch(db):
    committee = org(None, "C", OrgKind.COMMITTEE, "测试公司党委", established_on=None)
    return org(committee, "C-1", name="总装第一党支部", established_on=dt.date(2020, 1, 1))


@pytest.fixture
def secretary(branch):
    who = person(branch, "E001", category="正式党员", name="张晓明")
    org_services.position_assign(
        actor=system_user(), org=branch, person_id=who.pk, title="secretary", started_on=dt.date(2024, 1, 1)
    )
    return account("E001", password=PASSWORD, person=who, first_name="张晓明")


def test_a_member_submits_a_suggestion_with_two_attachments(live_server, page, login, branch):
    member = person(branch, "E002", category="正式党员", name="李小梅", department="总装车间")
    account("E002", password=PASSWORD, person=member, first_name="李小梅")

    login("E002", PASSWORD)
    page.goto(f"{live_server.url}/improve/suggestions/new/")
    page.get_by_label("建议内容").fill("总装线拧紧工位的气动扳手改为电动定扭扳手，减少返工。")
    page.get_by_label("附件").set_input_files(
        [
            {"name": "现场照片.png", "mimeType": "image/png", "buffer": PNG},
            {"name": "测算.txt", "mimeType": "text/plain", "buffer": "每年减少返工约200小时。".encode()},
        ]
    )
    page.get_by_role("button", name="提交建议").click()

    expect(page.get_by_text("建议已提交")).to_be_visible()
    expect(page.get_by_role("link", name="现场照片.png")).to_be_visible()
    expect(page.get_by_role("link", name="测算.txt")).to_be_visible()
    suggestion = Suggestion.objects.get(submitter=member)
    assert sorted(suggestion.attachments.values_list("name", "size")) == [
        ("测算.txt", len("每年减少返工约200小时。".encode())),
        ("现场照片.png", len(PNG)),
    ]


def test_a_secretary_records_a_deed_with_its_evidence(live_server, page, login, branch, secretary):
    member = person(branch, "E002", category="正式党员", name="李小梅")
    brand_services.framework_define(
        actor=system_user(), organization=branch, name="五个在前", pillars=["信念在前", "责任在前"]
    )

    login("E001", PASSWORD)
    page.goto(f"{live_server.url}/brand/people/{member.pk}/deeds/new/")
    page.get_by_label("日期").fill("2026-03-01")
    page.get_by_label("事迹").fill("带头攻克涂装线漆面缺陷。")
    page.get_by_label("责任在前").check()
    page.get_by_label("附件（可不填）").set_input_files(
        {"name": "表扬信.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.get_by_role("button", name="提交").click()

    expect(page.get_by_text("已记录李小梅的事迹。")).to_be_visible()
    deed = Deed.objects.get(person=member)
    assert deed.attachment.read() == PNG


def test_a_secretary_uploads_a_photo_of_a_meeting(live_server, page, login, branch, secretary):
    starts = timezone.now() + dt.timedelta(days=3)
    meeting = life_services.meeting_plan(
        actor=system_user(),
        org=branch,
        kind=MeetingKind.objects.get(code="theme_day"),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        title="主题党日",
    )

    login("E001", PASSWORD)
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    page.locator("input[type=file][name=file]").set_input_files(
        {"name": "会场.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.get_by_role("button", name="上传照片或 PDF").click()

    expect(page.get_by_text("附件已上传。")).to_be_visible()
    expect(page.get_by_role("link", name="会场.png")).to_be_visible()
    assert list(Attachment.objects.filter(meeting=meeting).values_list("name", "size")) == [
        ("会场.png", len(PNG))
    ]
