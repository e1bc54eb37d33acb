"""Each rule of the health check (RULES.md, Organizations and Terms), on a small known tree.

A rule's threshold is data: an override at an ancestor changes the finding for the subtree.
"""

import pytest
from click.testing import CliRunner
from tests.builders import D, members, org, person

from qixin.cli import main as cli
from qixin.core.models import RuleOverride
from qixin.core.services import system_user
from qixin.orgs import health
from qixin.orgs import services as org_services
from qixin.orgs.models import Organization, OrgKind, PositionTitle
from qixin.people import services as people_services
from qixin.people.models import Membership

pytestmark = pytest.mark.django_db

ON = D(2026, 11, 1)
ELECTED = D(2025, 1, 1)


@pytest.fixture
def root():
    return org(None, "R", OrgKind.COMMITTEE, "示例党委")


def codes(node: Organization, on=ON) -> set[str]:
    return {f.code for f in health.check([node], on=on) if f.org.pk == node.pk}


def staffed(branch: Organization, n_full: int, *, secretary: bool = True, elected=ELECTED):
    people = members(branch, branch.code + "-", n_full)
    if secretary and people:
        appoint(branch, people[0], PositionTitle.SECRETARY)
    if elected:
        org_services.election_record(actor=system_user(), org=branch, held_on=elected)
    return people


def appoint(branch, who, title, custom=""):
    return org_services.position_assign(
        actor=system_user(),
        org=branch,
        person_id=who.pk,
        title=title,
        started_on=D(2025, 1, 1),
        custom_title=custom,
    )


def test_a_well_kept_branch_has_no_findings(root):
    branch = org(root, "B")
    staffed(branch, 5)
    assert codes(branch) == set()


def test_too_few_full_members(root):
    branch = org(root, "B")
    staffed(branch, 2)
    person(branch, "P1", category="预备党员", joined=D(2026, 6, 1))  # a probationary member does not count
    assert "too_few_full_members" in codes(branch)


def test_too_many_members(root):
    branch = org(root, "B")
    people = staffed(branch, 51)
    for title in (PositionTitle.DEPUTY_SECRETARY, PositionTitle.ORGANIZATION):
        appoint(branch, people[1 if title == PositionTitle.DEPUTY_SECRETARY else 2], title)
    assert "too_many_members" in codes(branch)


def test_committee_missing_at_seven_full_members(root):
    branch = org(root, "B")
    staffed(branch, 7)
    assert "committee_missing" in codes(branch)


def test_committee_with_three_members_is_enough(root):
    branch = org(root, "B")
    people = staffed(branch, 7)
    appoint(branch, people[1], PositionTitle.ORGANIZATION)
    appoint(branch, people[2], PositionTitle.PUBLICITY)
    assert codes(branch) == set()


def test_committee_not_allowed_below_seven(root):
    branch = org(root, "B")
    people = staffed(branch, 5)
    appoint(branch, people[1], PositionTitle.ORGANIZATION)
    assert "committee_not_allowed" in codes(branch)


def test_committee_too_large(root):
    branch = org(root, "B")
    people = staffed(branch, 12)
    for i, title in enumerate(
        [
            PositionTitle.DEPUTY_SECRETARY,
            PositionTitle.ORGANIZATION,
            PositionTitle.PUBLICITY,
            PositionTitle.DISCIPLINE,
        ]
        + [PositionTitle.COMMITTEE_MEMBER] * 4,
        start=1,
    ):
        appoint(branch, people[i], title)
    assert "committee_too_large" in codes(branch)


def test_general_branch_below_fifty_members(root):
    general = org(root, "G", OrgKind.GENERAL_BRANCH)
    branch = org(general, "G-1")
    staffed(branch, 10)
    assert "general_branch_small" in codes(general)


def test_committee_below_a_hundred_members(root):
    branch = org(root, "B")
    staffed(branch, 10)
    assert "committee_org_small" in codes(root)


def test_no_secretary(root):
    branch = org(root, "B")
    staffed(branch, 5, secretary=False)
    assert "no_secretary" in codes(branch)


def test_no_election(root):
    branch = org(root, "B")
    staffed(branch, 5, elected=None)
    assert "no_election" in codes(branch)


def test_term_overdue_and_due_soon(root):
    overdue = org(root, "B1")
    staffed(overdue, 5, elected=D(2023, 10, 31))  # 3-year term ended 2026-10-31
    soon = org(root, "B2")
    staffed(soon, 5, elected=D(2024, 1, 15))  # ends 2027-01-15: inside the 6-month reminder
    fine = org(root, "B3")
    staffed(fine, 5, elected=D(2024, 6, 1))  # ends 2027-06-01: the reminder starts 2026-12-01
    assert "term_overdue" in codes(overdue)
    assert "term_due_soon" in codes(soon)
    assert not {"term_overdue", "term_due_soon"} & codes(fine)


def test_committee_term_is_five_years(root):
    staffed(org(root, "B"), 5)
    org_services.election_record(actor=system_user(), org=root, held_on=D(2023, 1, 1))
    assert not {"term_overdue", "term_due_soon"} & codes(root)


def test_probation_overdue(root):
    branch = org(root, "B")
    staffed(branch, 5)
    person(branch, "P1", category="预备党员", joined=D(2025, 10, 1))
    assert "probation_overdue" in codes(branch)
    person(branch, "P2", category="预备党员", joined=D(2026, 3, 1))
    assert [f.message for f in health.check([branch], on=ON) if f.code == "probation_overdue"] == [
        "1名预备党员预备期已满，尚未讨论转正。"
    ]


def test_an_extended_probation_is_overdue_only_after_the_extension(root, django_assert_num_queries):
    branch = org(root, "B")
    staffed(branch, 5)
    extended = [person(branch, f"P{i}", category="预备党员", joined=D(2025, 10, 1)) for i in range(3)]
    person(branch, "Q1", category="预备党员", joined=D(2025, 10, 1))  # not extended: overdue
    with django_assert_num_queries(6):  # a fixed number, however many members are extended
        assert [f.message for f in health.check([branch], on=ON) if f.code == "probation_overdue"] == [
            "4名预备党员预备期已满，尚未讨论转正。"
        ]
    for member in extended:
        people_services.membership_extend_probation(
            actor=system_user(),
            membership=Membership.objects.get(person=member),
            months=6,
            decided_on=D(2026, 10, 9),
            approved_on=D(2026, 10, 20),
            reason="需要继续考察",
        )
    with django_assert_num_queries(6):
        assert [f.message for f in health.check([branch], on=ON) if f.code == "probation_overdue"] == [
            "1名预备党员预备期已满，尚未讨论转正。"
        ]
    # Extended to 2027-04-01: overdue from that day, not the day before.
    assert [
        f.message for f in health.check([branch], on=D(2027, 3, 31)) if f.code == "probation_overdue"
    ] == ["1名预备党员预备期已满，尚未讨论转正。"]
    assert [f.message for f in health.check([branch], on=D(2027, 4, 1)) if f.code == "probation_overdue"] == [
        "4名预备党员预备期已满，尚未讨论转正。"
    ]


def test_lost_contact(root):
    branch = org(root, "B")
    staffed(branch, 5)
    person(branch, "L1", category="正式党员", lost_contact=True, lost_contact_since=D(2026, 6, 1))
    assert "lost_contact" not in codes(branch)  # five months: not yet
    person(branch, "L2", category="正式党员", lost_contact=True, lost_contact_since=D(2026, 1, 1))
    assert [f.message for f in health.check([branch], on=ON) if f.code == "lost_contact"] == [
        "1名党员失去联系已满6个月，请按规定处置。"
    ]


def test_an_override_at_an_ancestor_changes_the_threshold_for_its_subtree(root):
    branch = org(root, "B")
    staffed(branch, 5)
    assert "too_few_full_members" not in codes(branch)
    RuleOverride.objects.create(
        organization=root, key="org.branch_min_full_members", value=6, effective_from=D(2026, 1, 1)
    )
    assert "too_few_full_members" in codes(branch)
    assert "too_few_full_members" not in codes(branch, on=D(2025, 12, 31))  # not yet in force


def test_qixin_orgs_check_lists_the_findings_of_a_subtree(root):
    staffed(org(root, "B1"), 5, secretary=False)
    staffed(org(root, "B2"), 5)
    result = CliRunner().invoke(cli, ["orgs", "check", "--org", "R", "--on", "2026-11-01"])
    assert result.exit_code == 1, result.output  # a problem was found
    assert "B1组织" in result.output
    assert "没有在任书记" in result.output
    assert "B2组织" not in result.output
