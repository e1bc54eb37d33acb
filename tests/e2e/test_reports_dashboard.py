"""A party worker opens the dashboard and follows a number down to its records."""

import datetime as dt

import pytest
from playwright.sync_api import expect
from tests.builders import account, grant, org, person, superuser

from qixin.core.models import Role
from qixin.orgs.models import OrgKind

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "e2e-secret-pass-2026"


def test_dashboard_figure_leads_to_its_records(live_server, page, login):
    admin = superuser("root", password=PASSWORD)
    committee = org(None, "C", OrgKind.COMMITTEE, "测试公司党委", actor=admin, established_on=None)
    branch = org(committee, "C-1", name="焊装党支部", actor=admin, established_on=None)
    for number, name, joined in (("E1", "张明", dt.date(2026, 2, 1)), ("E2", "李华", dt.date(2015, 7, 1))):
        person(
            branch,
            number,
            actor=admin,
            name=name,
            birth_date=dt.date(1990, 1, 1),
            hired_on=None,
            category="预备党员" if joined.year == 2026 else "正式党员",
            joined=joined,
            full=None if joined.year == 2026 else dt.date(2016, 7, 1),
        )
    worker = account("dangwu", password=PASSWORD, first_name="党建工作部")
    grant(worker, Role.PARTY_WORKER, committee)

    login("dangwu", PASSWORD)
    page.goto(f"{live_server.url}/reports/?org=C&from=2026-01-01&to=2026-06-30")
    expect(page.get_by_role("heading", name="测试公司党委 · 2026年1月1日至2026年6月30日")).to_be_visible()
    narrative = page.locator(".narrative")
    expect(narrative).to_contain_text("测试公司党委现有党员2名（正式党员1名、预备党员1名）")
    narrative.get_by_role("link", name="1名").last.click()  # 发展党员1名

    expect(page.get_by_role("heading", name="期内发展的党员：1名")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("张明")
    rows.first.get_by_role("link", name="张明").click()
    expect(page.get_by_role("heading", name="张明")).to_be_visible()
