"""What every API input schema refuses before a service sees it (core.api.Input)."""

from tests.builders import account, grant, org

from qixin.brand.models import BrandFramework
from qixin.core.models import Role
from qixin.core.services import api_token_create
from qixin.orgs.models import OrgKind


def test_the_api_refuses_a_nul_inside_a_list_of_texts_and_writes_nothing(client, db):
    """PostgreSQL cannot store a NUL: one in a pillar's name was a 500 there (found by schemathesis)."""
    root = org(None, "R", OrgKind.COMMITTEE, "示例党委")
    admin = account("admin-1")
    grant(admin, Role.ADMIN)
    token = api_token_create(actor=admin, name="probe")[1]
    response = client.put(
        f"/api/v1/brand/orgs/{root.pk}/framework",
        data={"name": "五个在前", "pillars": ["信念在前", "责任\x00在前"]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    assert response.json()["problems"] == [
        {"message": "包含不允许的控制字符", "field": "pillars", "row": None, "column": None}
    ]
    assert not BrandFramework.objects.exists()
