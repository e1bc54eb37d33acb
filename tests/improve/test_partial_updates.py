"""An update of 降本创新 changes only what is given (a partial update, as a PATCH sends it): the other
fields, and the lists not given, stay; a change is audited once with what changed."""

import json
from decimal import Decimal

from qixin.core.models import AuditEntry
from qixin.core.services import api_token_create
from qixin.improve import services
from qixin.improve.models import Project

from .conftest import day_start
from .test_editing import _case, _stored_case


def test_a_case_correction_of_one_field_keeps_the_others_and_audits_that_field(world, make):
    case = _case(world, make)
    before = _stored_case(case)

    services.case_update(actor=make.fresh(world.secretary_user), case=case, savings=Decimal("1234"))

    assert _stored_case(case) == (*before[:5], Decimal("1234.00"))
    entry = AuditEntry.objects.filter(action="update", model="improve.ImprovementCase").get()
    assert set(entry.changes) == {"savings"}


def test_a_claim_corrected_by_its_claimant_keeps_the_fields_not_given(world, make):
    project = make.project()
    entry = services.savings_claim(
        actor=world.worker,
        project=project,
        amount=Decimal("100"),
        occurred_on=day_start(),
        description="节电",
    )

    services.savings_claim_update(actor=make.fresh(world.worker), entry=entry, description="节电（夜班）")

    entry.refresh_from_db()
    assert (entry.amount, entry.occurred_on, entry.description) == (
        Decimal("100.00"),
        day_start(),
        "节电（夜班）",
    )
    services.savings_claim_update(actor=make.fresh(world.worker), entry=entry, description="节电（夜班）")
    assert AuditEntry.objects.filter(action="update", model="improve.SavingsEntry").count() == 1


def test_a_project_patch_with_null_alliances_keeps_them(client, world, make):
    project = make.project()
    token = api_token_create(actor=world.worker, name="t", days=30)[1]

    response = client.patch(
        f"/api/v1/improve/projects/{project.pk}",
        json.dumps({"title": "空压机变频", "alliance_codes": None, "category": None}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert response.status_code == 200, response.content
    row = Project.objects.get(pk=project.pk)
    assert (row.title, row.category, row.savings_target) == (
        "空压机变频",
        project.category,
        project.savings_target,
    )
