"""An employee opens an intake link on a phone (JavaScript off, as in a locked-down WeChat browser),
writes anonymously and gets a follow-up code; a care team member answers in another browser; the
employee reads the answer with the code."""

import pytest
from playwright.sync_api import expect
from tests.builders import account, org, superuser

from qixin.care import services
from qixin.orgs.models import OrgKind

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "e2e-secret-pass-2026"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49",
    "java_script_enabled": False,
    "locale": "zh-CN",
}


def test_anonymous_phone_submission_is_answered_by_the_care_team(live_server, browser, settings):
    # The robot fills the form in milliseconds; a person takes seconds (a faster form is held).
    settings.QIXIN_CARE_NONCE_MIN_SECONDS = 0
    admin = superuser("root", password=PASSWORD)
    committee = org(None, "C", OrgKind.COMMITTEE, "测试公司党委", actor=admin, established_on=None)
    branch = org(committee, "C-1", name="总装第一党支部", actor=admin, established_on=None)
    helper = account("tiexin", password=PASSWORD, first_name="贴心人小王")
    team = services.team_create(actor=admin, organization=branch, name="总装一支部连心桥")
    services.team_member_add(actor=admin, team=team, user=helper)
    point = services.point_create(actor=admin, team=team, name="一车间休息室")

    phone = browser.new_context(**PHONE)
    employee = phone.new_page()
    employee.goto(f"{live_server.url}/care/i/{point.token}/")
    expect(employee.get_by_text("总装第一党支部 · 一车间休息室")).to_be_visible()
    employee.get_by_label("问题").check()
    employee.get_by_label("内容").fill("三号线工位风扇坏了一周了，夏天很热。")
    employee.get_by_role("button", name="提交").click()
    expect(employee.get_by_text("已收到，谢谢您！")).to_be_visible()
    code = employee.locator("#follow-code").inner_text()
    assert len(code) == 14
    employee.get_by_role("link", name="凭查询码查看答复、追问和评价").click()
    expect(employee.get_by_text("尚未答复，请耐心等待。")).to_be_visible()
    expect(employee.locator("#ticket-status")).to_have_text("待答复")

    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    staff = desk.new_page()
    staff.goto(f"{live_server.url}/login/")
    staff.fill("#id_username", "tiexin")
    staff.fill("#id_password", PASSWORD)
    staff.click("button[type=submit]")
    staff.goto(f"{live_server.url}/care/")
    rows = staff.locator("#tickets tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("三号线工位风扇坏了")
    rows.first.get_by_role("link").click()
    expect(staff.locator("#ticket-body")).to_contain_text("三号线工位风扇坏了一周了")
    expect(staff.get_by_text("匿名", exact=True)).to_be_visible()
    staff.get_by_label("答复员工（员工凭查询码可见）").fill("已安排设备科今天下午更换风扇。")
    staff.get_by_role("button", name="发送答复").click()
    expect(staff.get_by_text("已答复。")).to_be_visible()
    staff.get_by_label("内部备注（员工不可见）").fill("设备科王工负责")
    staff.get_by_role("button", name="记录备注").click()
    desk.close()

    employee.reload()
    expect(employee.locator("p.answer")).to_have_text("已安排设备科今天下午更换风扇。")
    expect(employee.get_by_text("设备科王工负责")).to_have_count(0)
    expect(employee.locator("#ticket-status")).to_have_text("已答复")
    employee.get_by_label("5 星").check()
    employee.get_by_role("button", name="提交评价").click()
    expect(employee.get_by_text("感谢您的评价。")).to_be_visible()
    phone.close()
