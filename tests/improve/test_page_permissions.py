"""What the pages of 降本创新 offer a user follows the predicates the services use: the desks of
reviewers, verifiers and who designates them are shown only to who may take their actions, and the
buttons of a ledger entry only when its service would accept them."""

from decimal import Decimal

from django.urls import reverse

from qixin.improve import services
from qixin.improve.models import SavingsStatus

from .conftest import day_start, fresh
from .test_suggestions import ORIGINAL

DESKS = {
    "improve:review": "评审",
    "improve:savings_pending": "待核定",
    "improve:designations": "职责指定",
}
PAGES = ("improve:index", "improve:suggestions", "improve:projects", "improve:cases", "improve:alliances")


def _links(client, name: str) -> set[str]:
    page = client.get(reverse(name)).content.decode()
    return {desk for desk in DESKS if f'href="{reverse(desk)}"' in page}


def test_a_plain_member_is_not_shown_the_desks_of_reviewers_verifiers_and_designations(client, world):
    client.force_login(world.member_user)
    for name in PAGES:
        assert _links(client, name) == set(), name


def test_each_desk_is_shown_to_who_may_take_its_actions(client, world):
    client.force_login(world.worker)  # manages the committee: reviews and designates, does not verify
    assert _links(client, "improve:index") == {"improve:review", "improve:designations"}
    client.force_login(world.finance)
    assert _links(client, "improve:suggestions") == {"improve:savings_pending"}
    client.force_login(world.reviewer)
    assert _links(client, "improve:projects") == {"improve:review"}


def _buttons(client, project) -> set[str]:
    """The ledger actions the project's page offers, on any of its entries."""
    page = client.get(reverse("improve:project", args=[project.pk])).content.decode()
    names = ("savings_verify", "savings_reject", "savings_withdraw", "savings_reverse")
    return {
        name
        for name in names
        for pk in project.savings.values_list("pk", flat=True)
        if f'action="{reverse(f"improve:{name}", args=[pk])}"' in page
    }


def test_a_ledger_entry_offers_only_what_its_services_accept(client, world, make):
    project = make.project()
    entry = services.savings_claim(
        actor=world.worker,
        project=project,
        amount=Decimal("100"),
        occurred_on=day_start(),
        description="节电",
    )
    client.force_login(world.finance)
    assert _buttons(client, project) == {"savings_verify", "savings_reject"}
    services.savings_verify(actor=fresh(world.finance), entry=entry, verified_on=day_start(), note="凭证")
    assert _buttons(client, project) == {"savings_reverse"}
    services.savings_reverse(actor=fresh(world.finance), entry=entry, on=day_start(), reason="重复")
    assert _buttons(client, project) == set()  # reversed once; a reversal is never reversed
    client.force_login(world.worker)  # may claim, not verify
    services.savings_claim(
        actor=world.worker, project=project, amount=Decimal("50"), occurred_on=day_start(), description="节水"
    )
    assert _buttons(client, project) == {"savings_withdraw"}
    assert project.savings.filter(status=SavingsStatus.CLAIMED).count() == 1


def test_the_hints_of_an_overlong_text_are_none_not_an_error(client, world, make):
    make.suggestion(ORIGINAL)
    client.force_login(world.member_user)
    response = client.post(reverse("improve:suggestion_hints"), {"text": "空压机" * 2000, "title": "x"})
    assert response.status_code == 200
    assert "已有相似的建议" not in response.content.decode()
