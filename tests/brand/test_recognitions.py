import datetime as dt

import pytest

from qixin.brand import selectors, services
from qixin.brand.models import Recognition
from qixin.core.errors import ApplicationError, NotFound

D = dt.date


def test_recognitions_of_people_and_organizations_counted_by_kind(world):
    admin = world["admin"]
    services.recognition_create(actor=admin, kind="创新之星", level="公司级", year=2026, person=world["m2"])
    services.recognition_create(actor=admin, kind="创新之星", level="公司级", year=2026, person=world["n1"])
    services.recognition_create(
        actor=admin, kind="红旗党组织", level="集团级", year=2026, recipient_org=world["b1"]
    )
    services.recognition_create(
        actor=admin, kind="其他", custom_kind="技术能手", level="公司级", year=2026, person=world["e1"]
    )
    services.recognition_create(actor=admin, kind="上海工匠", level="省市级", year=2025, person=world["m1"])
    counts = selectors.recognition_counts_for(
        actor=world["worker"], org=world["root"], start=D(2026, 1, 1), end=D(2027, 1, 1)
    )
    assert counts == {"创新之星": 2, "技术能手": 1, "红旗党组织": 1}
    counts_b1 = selectors.recognition_counts_for(
        actor=world["secretary"], org=world["b1"], start=D(2026, 1, 1), end=D(2027, 1, 1)
    )
    assert counts_b1 == {"创新之星": 1, "技术能手": 1, "红旗党组织": 1}


@pytest.mark.parametrize(
    ("kind", "to_org", "custom"),
    [("红旗党组织", False, ""), ("全国劳模", True, ""), ("其他", False, ""), ("不存在", False, "")],
)
def test_recognition_refuses_wrong_recipient_or_kind(world, kind, to_org, custom):
    with pytest.raises(ApplicationError):
        services.recognition_create(
            actor=world["admin"],
            kind=kind,
            custom_kind=custom,
            level="公司级",
            year=2026,
            person=None if to_org else world["m2"],
            recipient_org=world["b1"] if to_org else None,
        )
    assert Recognition.objects.count() == 0


def test_secretary_cannot_record_recognition_in_another_branch(world):
    with pytest.raises(NotFound):
        services.recognition_create(
            actor=world["secretary"], kind="创新之星", level="公司级", year=2026, person=world["n1"]
        )
    assert Recognition.objects.count() == 0


def test_member_sees_own_recognition_only_in_branch(world):
    own = services.recognition_create(
        actor=world["admin"], kind="创新之星", level="公司级", year=2026, person=world["m2"]
    )
    other = services.recognition_create(
        actor=world["admin"], kind="创新之星", level="公司级", year=2026, person=world["n1"]
    )
    assert selectors.recognition_get_for(actor=world["member"], pk=own.pk) == own
    with pytest.raises(NotFound):
        selectors.recognition_get_for(actor=world["member"], pk=other.pk)
