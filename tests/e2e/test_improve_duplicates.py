"""A member writes a suggestion and is shown a similar one already made; a party worker then finds
the likely duplicate in the review queue and merges it, both submitters credited."""

import pytest
from playwright.sync_api import expect
from tests.builders import account, grant, org, person, superuser

from qixin.core.models import Role
from qixin.improve import services
from qixin.improve.models import Suggestion, SuggestionStatus
from qixin.improve.text import similarity
from qixin.orgs.models import OrgKind

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "e2e-secret-pass-2026"
ORIGINAL = (
    "总装车间空压机夜间和周末低负荷时仍满功率运行，建议加装变频控制，按用气量自动调节，预计每年节电约30万度。"
)
COPY = "总装车间空压机夜间和周末低负荷时仍然满功率运行，建议加装变频控制器，按实际用气量自动调节。"


def test_member_sees_similar_suggestion_and_worker_merges_it(live_server, page, login):
    similarity.forget_indexes()
    admin = superuser("root", password=PASSWORD)
    committee = org(None, "C", OrgKind.COMMITTEE, "测试公司党委", actor=admin, established_on=None)
    branch = org(committee, "C-1", name="总装第一党支部", actor=admin, established_on=None)
    first = person(branch, "E001", category="正式党员", name="张晓明", department="总装车间")
    second = person(branch, "E002", category="正式党员", name="李小梅", department="总装车间")
    account("E002", password=PASSWORD, person=second, first_name="李小梅")
    author = account("E001", password=PASSWORD, person=first, first_name="张晓明")
    original = services.suggestion_submit(
        actor=author,
        organization=branch,
        submitter=first,
        text=ORIGINAL,
        category="能耗",
        department="总装车间",
    )
    worker = account("dangwu", password=PASSWORD, first_name="党建工作部")
    grant(worker, Role.PARTY_WORKER, committee)

    login("E002", PASSWORD)
    page.goto(f"{live_server.url}/improve/suggestions/new/")
    page.get_by_label("建议内容").fill(COPY)
    hints = page.locator("#similar-hints")
    expect(hints).to_contain_text("已有相似的建议")
    expect(hints).to_contain_text(original.number)
    page.locator("#id_category").select_option("能耗")
    page.get_by_role("button", name="提交建议").click()
    expect(page.get_by_text("建议已提交")).to_be_visible()
    copy = Suggestion.objects.get(submitter=second)

    page.context.clear_cookies()
    login("dangwu", PASSWORD)
    page.goto(f"{live_server.url}/improve/review/")
    row = page.locator("#duplicates tbody tr").filter(has_text=copy.number)
    expect(row).to_contain_text(original.number)
    row.get_by_role("button", name="合并").click()

    expect(page.get_by_role("heading", name=original.number)).to_be_visible()
    credits = page.locator("#credits")
    expect(credits).to_contain_text("张晓明")
    expect(credits).to_contain_text("李小梅")
    copy.refresh_from_db()
    assert (copy.status, copy.merged_into_id) == (SuggestionStatus.MERGED, original.pk)
