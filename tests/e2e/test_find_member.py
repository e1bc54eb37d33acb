"""A party worker logs in, finds a member by pinyin initials and opens the person page."""

import datetime as dt

import pytest
from playwright.sync_api import expect
from tests.builders import account, grant, org, person, superuser

from qixin.core.models import Role
from qixin.orgs.models import OrgKind

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "e2e-secret-pass-2026"


def test_party_worker_finds_member_by_pinyin_and_opens_person_page(live_server, page, login):
    admin = superuser("root", password=PASSWORD)
    committee = org(None, "C", OrgKind.COMMITTEE, "测试公司党委", actor=admin, established_on=None)
    branch = org(committee, "C-1", name="总装第一党支部", actor=admin, established_on=None)
    for number, name in (("E001", "张晓明"), ("E002", "李小梅"), ("E003", "王建国")):
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
