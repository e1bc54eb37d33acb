"""A branch secretary forms a team, starts a mission, puts a member on it, deploys them, turns their
part into a deed, and sees the deed under the brand's pillar on the member's page."""

import datetime as dt

import pytest
from playwright.sync_api import expect
from tests.builders import account, org, person, superuser

from qixin.brand import services as brand_services
from qixin.orgs import services as org_services
from qixin.orgs.models import OrgKind

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "e2e-secret-pass-2026"


def test_secretary_runs_a_mission_and_sees_the_deed_on_the_members_page(live_server, page, login):
    admin = superuser("root", password=PASSWORD)
    committee = org(None, "C", OrgKind.COMMITTEE, "测试公司党委", actor=admin, established_on=None)
    branch = org(committee, "C-1", name="总装第一党支部", actor=admin, established_on=None)
    secretary = person(branch, "E001", category="正式党员", name="张晓明")
    member = person(branch, "E002", category="正式党员", name="李小梅")
    org_services.position_assign(
        actor=admin, org=branch, person_id=secretary.pk, title="secretary", started_on=dt.date(2024, 1, 1)
    )
    account("E001", password=PASSWORD, person=secretary, first_name="张晓明")
    brand_services.framework_define(
        actor=admin,
        organization=committee,
        name="五个在前",
        pillars=["信念在前", "责任在前", "创新在前", "榜样在前", "纪律在前"],
    )

    login("E001", PASSWORD)
    page.get_by_role("link", name="突击队与专项任务").first.click()
    page.get_by_role("link", name="组建队伍").click()
    page.get_by_label("组建组织编码").fill("C-1")
    page.get_by_label("队伍名称").fill("总装党员突击队")
    page.locator("#id_kind").select_option("党员突击队")
    page.get_by_label("队长工号（可不填）").fill("E001")
    page.get_by_label("组建日期").fill("2026-02-01")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name="总装党员突击队")).to_be_visible()
    team_number = page.url.rstrip("/").split("/")[-1]

    page.get_by_label("队员工号").fill("E002")
    page.get_by_label("加入日期").fill("2026-02-02")
    page.get_by_role("button", name="添加").click()
    expect(page.locator("#members")).to_contain_text("李小梅")

    page.get_by_role("link", name="专项任务", exact=True).click()
    page.get_by_role("link", name="发起专项任务").click()
    page.get_by_label("发起组织编码").fill("C-1")
    page.get_by_label("任务名称").fill("复工攻坚")
    page.locator("#id_kind").select_option("先锋行动")
    page.get_by_label("目标").fill("两周内恢复总装线生产")
    page.get_by_label("开始日期").fill("2026-02-05")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name="复工攻坚")).to_be_visible()

    page.get_by_label("队伍编号").fill(team_number)
    page.get_by_role("button", name="加入队伍").click()
    page.get_by_label("人员工号").fill("E002")
    page.get_by_label("承担工作").fill("线体调试")
    page.get_by_role("button", name="加入任务").click()
    expect(page.locator("#assignments")).to_contain_text("线体调试")

    page.get_by_role("link", name="记录派驻").click()
    page.get_by_label("人员工号").fill("E002")
    page.locator("#id_kind").select_option("坚守")
    page.get_by_label("地点").fill("坚守工厂")
    page.get_by_label("开始日期").fill("2026-02-05")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("李小梅：坚守坚守工厂")).to_be_visible()

    page.get_by_role("link", name="记为事迹").click()
    page.get_by_label("责任在前").check()
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#assignments")).to_contain_text("已记入")

    page.locator("#assignments").get_by_role("link", name="李小梅").click()
    expect(page.get_by_role("heading", name="李小梅 · 党员事迹")).to_be_visible()
    pillar = page.locator("section.pillar", has=page.get_by_role("heading", name="责任在前"))
    expect(pillar).to_contain_text("参加先锋行动“复工攻坚”：线体调试")
    expect(pillar.get_by_role("link", name="复工攻坚：李小梅")).to_be_visible()
    # The deployment is on her mobilization page, one of the pages about her.
    page.get_by_role("link", name="急难险重任务中的表现").click()
    expect(page.get_by_role("heading", name="李小梅 · 急难险重任务中的表现")).to_be_visible()
    expect(page.get_by_text("坚守坚守工厂")).to_be_visible()
    assert member.deeds.count() == 1
