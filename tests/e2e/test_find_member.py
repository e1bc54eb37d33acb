"""A party worker logs in, finds a member by pinyin initials and opens the person page."""

import datetime as dt

import pytest
from playwright.sync_api import expect
from tests.builders import account, grant, superuser

from qixin.core.models import Role
from qixin.orgs import services as org_services
from qixin.orgs.models import OrgKind
from qixin.people import services as people_services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "e2e-secret-pass-2026"


def test_party_worker_finds_member_by_pinyin_and_opens_person_page(live_server, page, login):
    admin = superuser("root", password=PASSWORD)
    committee = org_services.org_create(
        actor=admin, parent=None, code="C", name="测试公司党委", kind=OrgKind.COMMITTEE
    )
    branch = org_services.org_create(
        actor=admin, parent=committee, code="C-1", name="总装第一党支部", kind=OrgKind.BRANCH
    )
    for number, name in (("E001", "张晓明"), ("E002", "李小梅"), ("E003", "王建国")):
        people_services.person_create(
            actor=admin,
            organization=branch,
            values={
                "employee_no": number,
                "name": name,
                "gender": "男",
                "birth_date": dt.date(1990, 5, 1),
                "category": "正式党员",
                "branch": branch,
                "joined_on": dt.date(2015, 7, 1),
                "full_on": dt.date(2016, 7, 1),
            },
        )
    worker = account("dangwu", password=PASSWORD, first_name="党建工作部")
    grant(worker, Role.PARTY_WORKER, committee)

    login("dangwu", PASSWORD)
    expect(page.get_by_role("heading", name="您好，党建工作部")).to_be_visible()
    page.get_by_role("link", name="人员", exact=True).click()
    page.get_by_label("姓名、工号或拼音首字母").fill("zxm")
    page.get_by_role("button", name="查询").click()

    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("张晓明")
    page.get_by_role("link", name="张晓明").click()

    expect(page.get_by_role("heading", name="张晓明")).to_be_visible()
    expect(page.locator("dl.facts").first).to_contain_text("E001")
    expect(page.get_by_text("总装第一党支部").first).to_be_visible()
    expect(page.get_by_text("2016-07-01")).to_have_count(0)  # dates are shown the Chinese way
    expect(page.get_by_text("2016年7月1日")).to_be_visible()
