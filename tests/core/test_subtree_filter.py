"""access.subtree_q: the rows under an organization that a user reaches, with the shortcut for the
tree's only root (no organization read per row) and without it as soon as a second root exists."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.builders import account, grant, org, person, superuser

from qixin.core import access
from qixin.core.models import Role
from qixin.orgs.models import Organization, OrgKind
from qixin.people.models import Membership, Person

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def tree():
    root = org(None, "R", OrgKind.COMMITTEE)
    one = org(root, "R1")
    two = org(root, "R2")
    for code, where in (("P0", root), ("P1", one), ("P2", two)):
        person(where, code, category="正式党员" if where != root else "")
    worker = account("worker", password="x")
    grant(worker, Role.PARTY_WORKER, root)
    secretary = account("secretary", password="x")
    grant(secretary, Role.SECRETARY, one)
    return {"root": root, "one": one, "two": two, "worker": worker, "secretary": secretary}


def numbers(queryset) -> list[str]:
    return sorted(queryset.values_list("employee_no", flat=True))


def fresh(pk: int) -> Organization:
    """A new object for the organization, as a new request would load it (the answer to "is it the
    only root?" is kept on the object)."""
    return Organization.objects.get(pk=pk)


def test_the_only_root_reads_no_organization_per_row(tree):
    people = Person.objects.filter(
        access.subtree_q(tree["worker"], fresh(tree["root"].pk), "organization__path")
    )
    assert numbers(people) == ["P0", "P1", "P2"]
    assert "orgs_organization" not in str(people.query)
    members = Membership.objects.filter(
        access.subtree_q(tree["worker"], fresh(tree["root"].pk), "branch__path")
    )
    assert sorted(members.values_list("person__employee_no", flat=True)) == ["P1", "P2"]
    orgs = Organization.objects.filter(access.subtree_q(tree["worker"], fresh(tree["root"].pk)))
    assert orgs.count() == 3


def test_below_the_root_or_beyond_the_users_reach_the_path_decides(tree):
    people = Person.objects.filter(access.subtree_q(tree["worker"], tree["one"], "organization__path"))
    assert numbers(people) == ["P1"]
    # The secretary of one branch asks for the whole committee: only their branch comes back.
    people = Person.objects.filter(
        access.subtree_q(tree["secretary"], fresh(tree["root"].pk), "organization__path")
    )
    assert numbers(people) == ["P1"]
    assert "orgs_organization" in str(people.query)


def test_a_second_root_turns_the_shortcut_off(tree):
    other = org(None, "S", OrgKind.COMMITTEE)
    person(other, "Q0")
    admin = superuser("admin", password="x")
    people = Person.objects.filter(access.subtree_q(admin, fresh(tree["root"].pk), "organization__path"))
    assert numbers(people) == ["P0", "P1", "P2"]
    people = Person.objects.filter(access.subtree_q(admin, fresh(other.pk), "organization__path"))
    assert numbers(people) == ["Q0"]
