"""Tree operations: create, rename, move a subtree, dissolve, merge; history kept, bad moves refused."""

import pytest
from tests.builders import D, members, org

from qixin.core.errors import ApplicationError
from qixin.core.models import AuditEntry
from qixin.core.services import system_user
from qixin.orgs import selectors
from qixin.orgs import services as org_services
from qixin.orgs.models import Organization, OrgEvent, OrgEventKind, OrgKind
from qixin.people.models import Membership, MembershipTransfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    root = org(None, "R", OrgKind.COMMITTEE, "示例党委")
    plant = org(root, "R-A", OrgKind.GENERAL_BRANCH, "总装党总支")
    lab = org(root, "R-B", OrgKind.GENERAL_BRANCH, "研发党总支")
    b1 = org(plant, "R-A-1", name="总装一支部")
    b2 = org(plant, "R-A-2", name="总装二支部")
    g1 = org(b1, "R-A-1-1", OrgKind.GROUP, "一组")
    return {"root": root, "plant": plant, "lab": lab, "b1": b1, "b2": b2, "g1": g1}


def subtree_codes(node: Organization) -> list[str]:
    node.refresh_from_db()
    return list(
        Organization.objects.filter(path__startswith=node.path)
        .order_by("path")
        .values_list("code", flat=True)
    )


def test_create_refuses_a_child_kind_the_parent_cannot_have(tree):
    with pytest.raises(ApplicationError, match="党支部下不能设立党总支"):
        org(tree["b1"], "X", OrgKind.GENERAL_BRANCH)
    with pytest.raises(ApplicationError, match="最上级组织必须是党委"):
        org(None, "Y", OrgKind.BRANCH)
    assert not Organization.objects.filter(code__in=["X", "Y"]).exists()


def test_codes_are_unique(tree):
    with pytest.raises(ApplicationError, match="组织编码“R-A-1”已被使用"):
        org(tree["plant"], "R-A-1")


def test_rename_keeps_the_old_name_in_history(tree):
    org_services.org_update(actor=system_user(), org=tree["b1"], name="总装第一党支部", on=D(2026, 5, 1))
    event = OrgEvent.objects.get(organization=tree["b1"], kind=OrgEventKind.RENAMED)
    assert event.details == {"old": "总装一支部", "new": "总装第一党支部"}
    assert event.happened_on == D(2026, 5, 1)
    assert AuditEntry.objects.filter(action="update", object_pk=str(tree["b1"].pk)).exists()


def test_move_takes_the_whole_subtree_along(tree):
    org_services.org_move(actor=system_user(), org=tree["b1"], new_parent=tree["lab"])
    assert subtree_codes(tree["lab"]) == ["R-B", "R-A-1", "R-A-1-1"]
    assert subtree_codes(tree["plant"]) == ["R-A", "R-A-2"]
    tree["g1"].refresh_from_db()
    assert Organization.objects.get_parent(tree["g1"]).code == "R-A-1"
    event = OrgEvent.objects.get(organization=tree["b1"], kind=OrgEventKind.MOVED)
    assert event.details == {"old_parent": "R-A", "new_parent": "R-B"}
    # Subtree queries (used by every selector) see the new shape.
    assert {
        o.code for o in selectors.org_list_for(actor=system_user()) if o.path.startswith(tree["lab"].path)
    } == {
        "R-B",
        "R-A-1",
        "R-A-1-1",
    }


def test_move_into_own_subtree_is_refused(tree):
    with pytest.raises(ApplicationError, match="不能把组织调整到它自己或它的下级组织之下"):
        org_services.org_move(actor=system_user(), org=tree["plant"], new_parent=tree["b1"])
    assert subtree_codes(tree["plant"]) == ["R-A", "R-A-1", "R-A-1-1", "R-A-2"]


def test_move_under_a_kind_that_cannot_hold_it_is_refused(tree):
    with pytest.raises(ApplicationError, match="党支部下不能设立党支部"):
        org_services.org_move(actor=system_user(), org=tree["b2"], new_parent=tree["b1"])


def test_dissolve_refuses_while_members_remain_then_keeps_the_record(tree):
    members(tree["b2"], "M", 2)
    with pytest.raises(ApplicationError, match="还有2名党员"):
        org_services.org_dissolve(actor=system_user(), org=tree["b2"], on=D(2026, 6, 30))
    for membership in Membership.objects.filter(branch=tree["b2"]):
        from qixin.people.services import membership_transfer

        membership_transfer(actor=system_user(), membership=membership, target=tree["b1"], on=D(2026, 6, 1))
    org_services.org_dissolve(actor=system_user(), org=tree["b2"], on=D(2026, 6, 30), reason="机构调整")
    tree["b2"].refresh_from_db()
    assert tree["b2"].dissolved_on == D(2026, 6, 30)
    assert OrgEvent.objects.filter(organization=tree["b2"], kind=OrgEventKind.DISSOLVED).exists()
    assert "R-A-2" not in {o.code for o in selectors.org_list_for(actor=system_user())}
    assert "R-A-2" in {o.code for o in selectors.org_list_for(actor=system_user(), include_dissolved=True)}


def test_dissolve_refuses_while_sub_organizations_are_active(tree):
    with pytest.raises(ApplicationError, match="还有未撤销的下级组织"):
        org_services.org_dissolve(actor=system_user(), org=tree["b1"], on=D(2026, 6, 30))


def test_merge_moves_members_and_groups_and_keeps_the_history(tree):
    moved = members(tree["b1"], "M", 3)
    members(tree["b2"], "N", 1)
    org_services.branch_merge(actor=system_user(), source=tree["b1"], target=tree["b2"], on=D(2026, 7, 1))
    tree["b1"].refresh_from_db()
    assert tree["b1"].dissolved_on == D(2026, 7, 1)
    assert tree["b1"].merged_into_id == tree["b2"].pk
    assert Membership.objects.filter(branch=tree["b2"], ended_on__isnull=True).count() == 4
    for p in moved:
        transfer = MembershipTransfer.objects.get(membership__person=p)
        assert (transfer.from_branch_id, transfer.to_branch_id) == (tree["b1"].pk, tree["b2"].pk)
    assert subtree_codes(tree["b2"]) == ["R-A-2", "R-A-1-1"]
    assert OrgEvent.objects.filter(organization=tree["b2"], kind=OrgEventKind.MERGED).get().details[
        "absorbed"
    ] == ("R-A-1")


def test_merge_refuses_non_branches(tree):
    with pytest.raises(ApplicationError, match="只能将党支部合并到另一个党支部"):
        org_services.branch_merge(
            actor=system_user(), source=tree["plant"], target=tree["b2"], on=D(2026, 7, 1)
        )


def test_bulk_insert_builds_the_same_sorted_tree(tree):
    from qixin.orgs.models import tree_insert_many

    created = tree_insert_many(
        tree["b2"],
        [Organization(code=f"R-A-2-{n}", name=f"{n}组", kind=OrgKind.GROUP) for n in (3, 1, 10, 2)],
    )
    assert [o.code for o in created] == ["R-A-2-1", "R-A-2-10", "R-A-2-2", "R-A-2-3"]
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    later = org(tree["b2"], "R-A-2-0", OrgKind.GROUP)  # an ordinary insert afterwards keeps the order
    assert subtree_codes(tree["b2"])[:2] == ["R-A-2", later.code]
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    # A parent that already has children falls back to one-by-one inserts, still sorted.
    tree_insert_many(tree["b1"], [Organization(code="R-A-1-0", name="零组", kind=OrgKind.GROUP)])
    assert subtree_codes(tree["b1"]) == ["R-A-1", "R-A-1-0", "R-A-1-1"]
