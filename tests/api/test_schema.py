"""schemathesis against the OpenAPI spec at /api/v1/openapi.json: generated requests to every
operation, as an administrator over a small world, must never cause a server error nor get a
response that breaks the documented schema."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from tests.builders import D, org, person

from qixin.core.models import Role, RoleGrant, User
from qixin.core.services import api_token_create
from qixin.orgs.models import OrgKind

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def token(db):
    root = org(None, "R", OrgKind.COMMITTEE, "示例党委")
    branch = org(root, "R-1", name="总装一支部")
    person(branch, "QX0001", category="正式党员", phone="13800138000")
    person(branch, "QX0002")
    admin = User.objects.create_user("api-admin", password="api-admin-pass-2026")
    RoleGrant.objects.create(user=admin, role=Role.ADMIN, starts_on=D(2020, 1, 1))
    return api_token_create(actor=admin, name="schemathesis")[1]


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_conforms_to_its_schema(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
