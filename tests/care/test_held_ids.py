"""Regression (schemathesis): an id too large for the database was a 500 on POST /care/held/moderate."""

import pytest
from django.test import Client
from tests.builders import account, grant

from qixin.core.models import Role
from qixin.core.services import api_token_create

pytestmark = pytest.mark.django_db


def test_an_id_beyond_the_database_range_is_refused_in_chinese():
    admin = account("admin", password="x-unused-password-1")
    grant(admin, Role.ADMIN)
    key = api_token_create(actor=admin, name="t", days=30)[1]
    response = Client().post(
        "/api/v1/care/held/moderate",
        {"ids": [2261492356657960396088150065152], "action": "discard"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "ids.0"
