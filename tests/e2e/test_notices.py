"""A branch secretary publishes a 通知 with an attachment at a desk; a member sees it unread on the
workbench of a phone, opens it and downloads the file; the secretary sees who has read it."""

import datetime as dt

import pytest
from playwright.sync_api import expect
from tests.builders import account, org, person

from qixin.core.services import system_user
from qixin.orgs import services as org_services
from qixin.orgs.models import OrgKind

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "e2e-secret-pass-2026"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}


def _login(context, live_server, username):
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    return page


def test_a_notice_is_published_read_on_a_phone_and_its_readers_are_seen(live_server, browser, tmp_path):
    admin = system_user()
    committee = org(None, "C", OrgKind.COMMITTEE, "测试公司党委", actor=admin, established_on=None)
    branch = org(committee, "C-1", name="总装第一党支部", actor=admin, established_on=None)
    people = [
        person(
            branch,
            number,
            actor=admin,
            name=name,
            birth_date=dt.date(1990, 5, 1),
            hired_on=None,
            category="正式党员",
            joined=dt.date(2015, 7, 1),
            full=dt.date(2016, 7, 1),
        )
        for number, name in (("E001", "张晓明"), ("E002", "李小梅"), ("E003", "王建国"))
    ]
    org_services.position_assign(
        actor=admin, org=branch, person_id=people[0].pk, title="secretary", started_on=dt.date(2024, 1, 1)
    )
    account("E001", password=PASSWORD, person=people[0], first_name="张晓明")
    account("E002", password=PASSWORD, person=people[1], first_name="李小梅")
    file = tmp_path / "学习安排.txt"
    file.write_text("第一周：学习党章；第二周：交流心得。", encoding="utf-8")

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    secretary = _login(desk, live_server, "E001")
    secretary.get_by_role("link", name="通知公告", exact=True).first.click()
    secretary.get_by_role("link", name="发布通知").click()
    expect(secretary.get_by_label("发布组织（组织编码）")).to_have_value("C-1")  # the branch it keeps
    secretary.get_by_label("标题").fill("关于开展十二月主题党日的通知")
    secretary.get_by_label("正文").fill("请各位党员于12月10日14时到党员活动室参加主题党日。")
    secretary.locator("input[type=file]").set_input_files(str(file))
    secretary.get_by_role("button", name="提交").click()
    expect(secretary.get_by_role("heading", name="关于开展十二月主题党日的通知")).to_be_visible()

    phone = browser.new_context(**PHONE)
    member = _login(phone, live_server, "E002")
    unread = member.locator("#wb-notices").get_by_role("link", name="未读通知")
    expect(unread).to_contain_text("1")
    unread.click()
    member.get_by_role("link", name="关于开展十二月主题党日的通知").click()
    expect(member.get_by_text("请各位党员于12月10日14时")).to_be_visible()
    with member.expect_download() as download:
        member.get_by_role("link", name="学习安排.txt").click()
    assert download.value.suggested_filename == "学习安排.txt"
    assert member.evaluate("document.documentElement.scrollWidth") <= 390
    member.goto(f"{live_server.url}/")
    expect(member.locator("#wb-notices").get_by_role("link", name="未读通知")).to_contain_text("无")

    secretary.get_by_role("link", name="查看谁已读、谁未读").click()
    # the member, and the secretary, who is in the branch too and saw the notice on publishing it
    expect(secretary.get_by_text("已读 2/3")).to_be_visible()
    rows = secretary.locator("#receipts tbody tr")
    expect(rows.filter(has_text="李小梅")).not_to_contain_text("未读")
    expect(rows.filter(has_text="王建国")).to_contain_text("未读")
