"""schemathesis against the OpenAPI spec at /api/v1/openapi.json: generated requests to every
operation, as an administrator over a small world, must never cause a server error nor get a
response that breaks the documented schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from tests.builders import D, org, person

from qixin.core.models import Role, RoleGrant, User
from qixin.core.services import api_token_create
from qixin.orgs.models import OrgKind

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def keep_connection():
    """The WSGI app closes database connections at the end of each request, which would end the
    test's transaction on PostgreSQL; Django's own test client switches that off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db, keep_connection):
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
