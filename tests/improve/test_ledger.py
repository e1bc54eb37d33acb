"""The savings ledger: only verified savings count, a verified entry is reversed never edited, and a
project's savings count once whatever alliances or branches it belongs to."""

import datetime as dt
from decimal import Decimal

import pytest

from qixin.core.errors import ApplicationError
from qixin.core.periods import Period
from qixin.improve import selectors, services
from qixin.improve.models import SavingsEntry, SavingsStatus

ALL_TIME = Period(dt.date(2000, 1, 1), dt.date(2100, 1, 1))


def total(world, org=None):
    return selectors.savings_verified_for(actor=world.admin, org=org or world.committee, period=ALL_TIME)


def test_only_verified_savings_count(world, make):
    project = make.project()
    services.savings_claim(
        actor=world.worker, project=project, amount="500.00", occurred_on=make.start, description="待核定"
    )
    rejected = services.savings_claim(
        actor=world.worker, project=project, amount="700.00", occurred_on=make.start, description="被退回"
    )
    services.savings_reject(actor=make.fresh(world.finance), entry=rejected, reason="无凭证")
    make.verified(project, "1200.50")

    assert total(world) == Decimal("1200.50")
    ledger = selectors.ledger_of(project)
    assert (ledger.verified, ledger.pending, ledger.rejected) == (
        Decimal("1200.50"),
        Decimal("500.00"),
        Decimal("700.00"),
    )


def test_verified_entry_is_never_edited_only_reversed(world, make):
    project = make.project()
    entry = make.verified(project, "1000.00")

    with pytest.raises(ApplicationError) as refused:
        services.savings_claim_update(
            actor=world.worker,
            entry=entry,
            amount="2000.00",
            occurred_on=make.start,
            description="改",
            evidence="",
        )
    assert refused.value.code == "immutable"
    entry.refresh_from_db()
    assert (entry.amount, entry.status) == (Decimal("1000.00"), SavingsStatus.VERIFIED)

    reversal = services.savings_reverse(
        actor=make.fresh(world.finance), entry=entry, on=make.start, reason="重复申报"
    )
    assert (reversal.amount, reversal.status, reversal.reverses_id) == (
        Decimal("-1000.00"),
        SavingsStatus.VERIFIED,
        entry.pk,
    )
    entry.refresh_from_db()
    assert (entry.amount, entry.status) == (Decimal("1000.00"), SavingsStatus.VERIFIED)
    assert total(world) == Decimal("0.00")
    assert SavingsEntry.objects.count() == 2


def test_an_entry_is_reversed_once_and_a_reversal_never(world, make):
    entry = make.verified(make.project(), "300.00")
    finance = make.fresh(world.finance)
    reversal = services.savings_reverse(actor=finance, entry=entry, on=make.start, reason="更正")

    with pytest.raises(ApplicationError) as twice:
        services.savings_reverse(actor=finance, entry=entry, on=make.start, reason="再冲")
    with pytest.raises(ApplicationError) as of_reversal:
        services.savings_reverse(actor=finance, entry=reversal, on=make.start, reason="冲冲销")

    assert twice.value.code == "already_reversed"
    assert of_reversal.value.code == "not_reversible"
    assert SavingsEntry.objects.count() == 2
    assert total(world) == Decimal("0.00")


def test_reversal_counts_in_the_period_it_is_made(world, make):
    entry = make.verified(make.project(), "800.00", on=make.start)
    later = make.start + dt.timedelta(days=20)
    services.savings_reverse(actor=make.fresh(world.finance), entry=entry, on=later, reason="更正")

    before = Period(make.start, later)
    assert selectors.savings_verified_for(actor=world.admin, org=world.committee, period=before) == Decimal(
        "800.00"
    )
    assert total(world) == Decimal("0.00")


def test_verified_saving_counts_once_across_alliances_and_branches(world, make):
    first = services.alliance_create(
        actor=world.worker,
        name="总装能耗联盟",
        lead_branch=world.branch,
        leader=world.member,
        founded_on=make.start,
    )
    second = services.alliance_create(
        actor=world.worker,
        name="总装跨支部联盟",
        lead_branch=world.branch2,
        branches=[world.branch],
        leader=world.member2,
        founded_on=make.start,
    )
    project = make.project(alliances=[first, second])
    make.verified(project, "1000.00")

    assert total(world) == Decimal("1000.00")
    assert total(world, world.branch) == Decimal("1000.00")
    assert total(world, world.branch2) == Decimal("0.00")
    assert selectors.verified_savings_of(selectors.project_list_for(actor=world.admin)) == Decimal("1000.00")
    by_alliance = {
        a.code: a.verified  # type: ignore[attr-defined]  # annotated by the selector
        for a in selectors.alliance_search_for(actor=world.admin)
    }  # each alliance shows its projects' savings; the totals above count the project once
    assert by_alliance == {first.code: Decimal("1000.00"), second.code: Decimal("1000.00")}


def test_team_cannot_verify_its_own_claim(world, make):
    project = make.project()
    entry = services.savings_claim(
        actor=world.member_user, project=project, amount="100.00", occurred_on=make.start, description="节电"
    )

    with pytest.raises(ApplicationError) as refused:
        services.savings_verify(
            actor=make.fresh(world.member_user), entry=entry, verified_on=make.start, note="x"
        )

    assert refused.value.status == 403
    entry.refresh_from_db()
    assert entry.status == SavingsStatus.CLAIMED
    assert total(world) == Decimal("0.00")


def test_outsider_cannot_claim_and_sees_no_project(world, make):
    project = make.project()

    with pytest.raises(ApplicationError) as refused:
        services.savings_claim(
            actor=world.outsider, project=project, amount="100.00", occurred_on=make.start, description="x"
        )

    assert refused.value.status == 404
    assert SavingsEntry.objects.count() == 0


def test_claim_refused_before_implementation_and_for_fractions_of_a_fen(world, make):
    proposed = make.project(stage="立项")
    running = make.project(title="物流线边料架改造")

    with pytest.raises(ApplicationError) as early:
        services.savings_claim(
            actor=world.worker, project=proposed, amount="100.00", occurred_on=make.start, description="x"
        )
    with pytest.raises(ApplicationError) as fraction:
        services.savings_claim(
            actor=world.worker, project=running, amount="100.001", occurred_on=make.start, description="x"
        )

    assert (early.value.code, fraction.value.code) == ("bad_stage", "invalid")
    assert SavingsEntry.objects.count() == 0
