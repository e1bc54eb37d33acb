"""Pages fit their screens. Staff pages on a 390 × 844 phone: the menu folds into one 菜单 button,
tables become cards, and no page is wider than the screen (checked on the page and on its full-page
screenshot). On a 1366 px office screen, the compliance matrix fits without scrolling sideways."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect
from tests.builders import account, intake_form, org, person

from qixin.care import services as care_services
from qixin.core.services import system_user
from qixin.life import services as life_services
from qixin.life.models import MeetingKind
from qixin.orgs import services as org_services
from qixin.orgs.models import OrgKind

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "e2e-secret-pass-2026"
WIDTH = 390
SCALE = 2
PHONE = {
    "viewport": {"width": WIDTH, "height": 844},
    "device_scale_factor": SCALE,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}


@pytest.fixture
def branch_world():
    admin = system_user()
    committee = org(None, "C", OrgKind.COMMITTEE, "测试公司党委", actor=admin, established_on=None)
    branch = org(committee, "C-1", name="总装第一党支部", actor=admin, established_on=None)
    names = (("E001", "张晓明"), ("E002", "李小梅"), ("E003", "欧阳建国"))
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
        for number, name in names
    ]
    org_services.position_assign(
        actor=admin, org=branch, person_id=people[0].pk, title="secretary", started_on=dt.date(2024, 1, 1)
    )
    secretary = account("E001", password=PASSWORD, person=people[0], first_name="张晓明")
    account("E002", password=PASSWORD, person=people[1], first_name="李小梅")
    now = timezone.localtime().replace(second=0, microsecond=0)

    def plan(starts, title):
        return life_services.meeting_plan(
            actor=secretary,
            org=branch,
            kind=MeetingKind.objects.get(code="theme_day"),
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            title=title,
            place="总装车间二楼党员活动室",
        )

    meeting = plan(now - dt.timedelta(hours=3), "“品牌+”主题党日：班组降本增效的好做法")
    ongoing = plan(now - dt.timedelta(hours=1), "学习贯彻党的二十届四中全会精神")
    team = care_services.team_create(actor=admin, organization=branch, name="总装一支部连心桥")
    care_services.team_member_add(actor=admin, team=team, user=secretary, is_leader=True)
    point = care_services.point_create(actor=admin, team=team, name="一车间休息室")
    ticket, _, _ = care_services.ticket_submit(
        point=point,
        kind="problem",
        body="三号线工位风扇坏了一周了，夏天很热，希望尽快修好。" * 3,
        nonce=intake_form(point),
    )
    return {"meeting": meeting, "ongoing": ongoing, "ticket": ticket}


def _fits(page, name, tmp_path):
    """The page is no wider than the phone, on screen and in its full-page screenshot."""
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, name
    shot = page.screenshot(full_page=True, path=str(tmp_path / f"{name}.png"))
    width, _ = Image.open(io.BytesIO(shot)).size
    assert width == WIDTH * SCALE, name


def _phone_login(browser, live_server, username):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    return page


def test_the_menu_folds_into_one_button_on_a_phone(live_server, browser, branch_world, tmp_path):
    page = _phone_login(browser, live_server, "E001")
    menu = page.locator("#main-nav")
    expect(page.get_by_role("button", name="菜单")).to_be_visible()
    expect(menu).to_be_hidden()
    # the workbench: the secretary's meeting held but not recorded is counted and linked
    expect(page.get_by_role("heading", name="我的工作台")).to_be_visible()
    expect(page.get_by_role("link", name="已到时间未记录的会议")).to_be_visible()
    _fits(page, "home", tmp_path)
    page.get_by_role("button", name="菜单").click()
    expect(menu).to_be_visible()
    box = page.locator("header.top").bounding_box()
    first, last = menu.locator("a").first.bounding_box(), menu.locator("a").last.bounding_box()
    assert first["x"] == last["x"]
    assert last["y"] > first["y"]
    assert box["width"] <= WIDTH
    menu.get_by_role("link", name="组织生活", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/life/")
    expect(menu).to_be_hidden()
    _fits(page, "life", tmp_path)


def test_the_meeting_record_form_fits_a_phone_and_saves(live_server, browser, branch_world, tmp_path):
    meeting = branch_world["meeting"]
    page = _phone_login(browser, live_server, "E001")
    page.goto(f"{live_server.url}/life/meetings/{meeting.pk}/record/")
    _fits(page, "record", tmp_path)
    for name in ("张晓明", "李小梅"):
        choice = page.get_by_label(f"{name}的出席情况")
        box = choice.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= WIDTH
        choice.select_option(label="出席")
    page.get_by_label("欧阳建国的出席情况").select_option(label="请假")
    page.get_by_label("欧阳建国的请假事由").fill("出差")
    page.get_by_role("button", name="保存会议记录").click()
    expect(page.locator("#meeting-status")).to_have_text("已召开")
    _fits(page, "meeting", tmp_path)


def test_a_member_checks_in_on_a_phone(live_server, browser, branch_world, tmp_path):
    meeting = branch_world["ongoing"]
    page = _phone_login(browser, live_server, "E002")
    page.goto(f"{live_server.url}/life/checkin/{meeting.checkin_token}/")
    _fits(page, "checkin", tmp_path)
    page.get_by_role("button", name="我是李小梅，签到").click()
    expect(page.locator("#checkin-done")).to_contain_text("签到成功")
    _fits(page, "checked-in", tmp_path)


def test_the_ticket_page_fits_a_phone(live_server, browser, branch_world, tmp_path):
    ticket = branch_world["ticket"]
    page = _phone_login(browser, live_server, "E001")
    page.goto(f"{live_server.url}/care/")
    row = page.locator("#tickets tbody tr").first
    expect(row).to_contain_text("三号线工位风扇坏了")
    cells = row.locator("td[data-label]")
    assert cells.count() >= 2  # the row is a card, each cell with its column's name
    _fits(page, "tickets", tmp_path)
    page.goto(f"{live_server.url}/care/tickets/{ticket.pk}/")
    expect(page.get_by_text("三号线工位风扇坏了").first).to_be_visible()
    _fits(page, "ticket", tmp_path)


def test_the_compliance_matrix_fits_a_1366_px_screen(live_server, browser, branch_world):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "E001")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    branch = branch_world["meeting"].organization
    page.goto(f"{live_server.url}/life/org/{branch.pk}/compliance/")
    matrix = page.locator(".table-wrap:has(> #compliance)")
    expect(matrix).to_contain_text("总装第一党支部")
    assert matrix.evaluate("w => w.scrollWidth <= w.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    name = page.locator("#compliance tbody tr td").first.bounding_box()
    assert name["width"] >= 100  # the organization's name is not squeezed into one character a line
