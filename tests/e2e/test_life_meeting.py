"""A branch secretary sees that the branch is behind, records the missing 主题党日 with attendance and
topics in the browser, and sees the branch become compliant."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from tests.builders import account, org, person

from qixin.core.services import system_user
from qixin.life import services as life_services
from qixin.life.models import Attendance, Meeting, MeetingKind
from qixin.orgs import services as org_services
from qixin.orgs.models import OrgKind

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "e2e-secret-pass-2026"


def test_secretary_records_meeting_and_branch_becomes_compliant(live_server, page, login):
    admin = system_user()
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    committee = org(None, "C", OrgKind.COMMITTEE, "测试公司党委", actor=admin, established_on=None)
    branch = org(committee, "C-1", name="总装第一党支部", actor=admin, established_on=last_month)
    # The committee keeps only the monthly 主题党日 for this test: last month's is due and missing.
    for kind in MeetingKind.objects.exclude(code="theme_day"):
        life_services.frequency_set(
            actor=admin, org=committee, kind=kind, frequency=None, effective_from=dt.date(2000, 1, 1)
        )
    people = []
    for number, name in (("E001", "张晓明"), ("E002", "李小梅"), ("E003", "王建国")):
        people.append(
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
        )
    org_services.position_assign(
        actor=admin, org=branch, person_id=people[0].pk, title="secretary", started_on=last_month
    )
    account("E001", password=PASSWORD, person=people[0], first_name="张晓明")

    login("E001", PASSWORD)
    page.get_by_role("link", name="组织生活", exact=True).click()
    due = page.locator(f"#due-{branch.pk}")
    expect(due).to_contain_text("未达标：已过截止日期的要求还差1次")

    due.get_by_role("link", name="安排/记录会议").click()
    page.get_by_label("会议类型").select_option(label="主题党日")
    page.get_by_label("主题").fill("“品牌+”主题党日")
    held = last_month.replace(day=15)
    page.get_by_label("开始时间").fill(f"{held:%Y-%m-%d}T14:00")
    page.get_by_label("结束时间").fill(f"{held:%Y-%m-%d}T16:00")
    page.get_by_label("地点").fill("党员活动室")
    page.get_by_role("button", name="提交").click()

    expect(page.locator("#meeting-status")).to_have_text("计划")
    page.get_by_role("link", name="记录会议").click()
    # nobody is marked present for the secretary (nobody checked in): each one is chosen
    page.get_by_role("button", name="保存会议记录").click()
    expect(page.locator(".error-box")).to_contain_text("以下党员尚未标记出席情况")
    expect(page.locator(".error-box")).to_contain_text("张晓明、李小梅、王建国")
    page.get_by_label("张晓明的出席情况").select_option(label="出席")
    page.get_by_label("李小梅的出席情况").select_option(label="出席")
    page.get_by_label("王建国的出席情况").select_option(label="请假")
    page.get_by_role("button", name="保存会议记录").click()
    # a leave without a reason is refused, with what is missing, and nothing is saved
    expect(page.locator(".error-box")).to_contain_text("王建国请假，须填写请假事由")
    page.get_by_label("王建国的请假事由").fill("出差")
    page.get_by_label("形势变化").check()
    page.get_by_label("思想引领").check()
    page.get_by_label("会议记录").fill("学习会议精神，讨论岗位建功。")
    page.get_by_role("button", name="保存会议记录").click()

    expect(page.locator("#meeting-status")).to_have_text("已召开")
    expect(page.locator("#attendance-summary")).to_have_text("应到3名，实到2名，请假1名，缺席0名")
    page.get_by_role("navigation").get_by_role("link", name="组织生活", exact=True).click()
    expect(page.locator(f"#due-{branch.pk}")).to_contain_text("已达标")

    meeting = Meeting.objects.get(organization=branch)
    assert meeting.topics == ["形势变化", "思想引领"]
    assert Attendance.objects.filter(meeting=meeting, status="excused", reason="出差").count() == 1
