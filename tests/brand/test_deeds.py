import datetime as dt

import pytest

from qixin.brand import selectors, services
from qixin.brand.models import Deed
from qixin.core.errors import ApplicationError, NotFound

D = dt.date


def vw_brand(world):
    return services.framework_define(
        actor=world["admin"],
        organization=world["root"],
        name="五个在前",
        slogan="党员身份亮出来",
        pillars=["信念在前", "责任在前", "创新在前", "榜样在前", "纪律在前"],
    )


def test_subtree_inherits_brand_of_nearest_ancestor(world):
    root_brand = vw_brand(world)
    assert selectors.framework_effective(world["b1"]) == root_brand
    own = services.framework_define(
        actor=world["admin"],
        organization=world["plant"],
        name="通融达道·思源致远",
        pillars=["文化融心", "发展融力", "育人融智", "关爱融情"],
    )
    assert selectors.framework_effective(world["b1"]) == own
    assert selectors.framework_effective(world["root"]) == root_brand
    services.framework_remove(actor=world["admin"], organization=world["plant"])
    assert selectors.framework_effective(world["b2"]) == root_brand


def test_no_brand_anywhere_is_none(world):
    assert selectors.framework_effective(world["b1"]) is None


def test_secretary_cannot_define_brand_above_their_branch(world):
    with pytest.raises(NotFound):
        services.framework_define(actor=world["secretary"], organization=world["root"], name="X")
    assert not selectors.framework_effective(world["b1"])


def test_secretary_records_deed_with_pillars(world):
    vw_brand(world)
    deed = services.deed_record(
        actor=world["secretary"],
        person=world["m2"],
        pillars=["责任在前", "创新在前"],
        on=D(2026, 3, 2),
        description="坚守岗位保障复工",
    )
    assert deed.organization == world["b1"]
    assert sorted(p.name for p in deed.pillars.all()) == ["创新在前", "责任在前"]
    page = selectors.person_deeds_for(actor=world["secretary"], person_pk=world["m2"].pk)
    assert [(g.label, len(g.deeds)) for g in page.groups] == [
        ("信念在前", 0),
        ("责任在前", 1),
        ("创新在前", 1),
        ("榜样在前", 0),
        ("纪律在前", 0),
    ]
    assert page.total == 1


def test_deed_refuses_pillar_of_another_brand(world):
    vw_brand(world)
    with pytest.raises(ApplicationError) as exc:
        services.deed_record(
            actor=world["admin"], person=world["m2"], pillars=["文化融心"], on=D(2026, 3, 2), description="x"
        )
    assert exc.value.code == "invalid_pillar"
    assert Deed.objects.count() == 0


def test_deed_refuses_empty_description(world):
    vw_brand(world)
    with pytest.raises(ApplicationError):
        services.deed_record(
            actor=world["admin"], person=world["m2"], pillars=[], on=D(2026, 3, 2), description=" "
        )
    assert Deed.objects.count() == 0


def test_secretary_cannot_record_deed_in_other_branch(world):
    vw_brand(world)
    with pytest.raises(NotFound):
        services.deed_record(
            actor=world["secretary"], person=world["n1"], pillars=[], on=D(2026, 3, 2), description="x"
        )
    assert Deed.objects.count() == 0
    with pytest.raises(NotFound):
        selectors.person_deeds_for(actor=world["secretary"], person_pk=world["n1"].pk)


def test_member_records_own_deed_but_not_a_colleagues(world):
    vw_brand(world)
    services.deed_record(
        actor=world["member"], person=world["m2"], pillars=["榜样在前"], on=D(2026, 3, 2), description="带徒"
    )
    with pytest.raises(ApplicationError) as exc:
        services.deed_record(
            actor=world["member"], person=world["m3"], pillars=[], on=D(2026, 3, 2), description="x"
        )
    assert exc.value.status == 403
    assert Deed.objects.count() == 1


def test_deed_from_a_source_links_it_and_is_recorded_once(world):
    vw_brand(world)
    source = world["b2"]  # any record: the deed keeps its model label, pk and label
    deed = services.deed_record(
        actor=world["admin"], person=world["m2"], pillars=[], on=D(2026, 3, 2), description="x", source=source
    )
    assert (deed.source_model, deed.source_pk, deed.source_label) == (
        "orgs.organization",
        str(source.pk),
        "总装第二党支部",
    )
    with pytest.raises(ApplicationError) as exc:
        services.deed_record(
            actor=world["admin"],
            person=world["m2"],
            pillars=[],
            on=D(2026, 3, 2),
            description="y",
            source=source,
        )
    assert exc.value.code == "deed_exists"
    assert Deed.objects.count() == 1


def test_branch_page_shows_its_members_deeds_only(world):
    vw_brand(world)
    for person in (world["m2"], world["m3"], world["n1"]):
        services.deed_record(
            actor=world["admin"], person=person, pillars=["信念在前"], on=D(2026, 3, 2), description="x"
        )
    page = selectors.org_deeds_for(actor=world["worker"], org_pk=world["b1"].pk)
    assert page.total == 2
    assert {d.person.employee_no for d in page.groups[0].deeds} == {"A2", "A3"}
    with pytest.raises(NotFound):
        selectors.org_deeds_for(actor=world["secretary"], org_pk=world["b2"].pk)


def test_pillar_tagging_deeds_cannot_be_removed(world):
    vw_brand(world)
    services.deed_record(
        actor=world["admin"], person=world["m2"], pillars=["纪律在前"], on=D(2026, 3, 2), description="x"
    )
    with pytest.raises(ApplicationError):
        services.framework_define(
            actor=world["admin"], organization=world["root"], name="五个在前", pillars=["信念在前"]
        )
    framework = selectors.framework_effective(world["b1"])
    assert framework is not None
    assert framework.pillars.count() == 5
