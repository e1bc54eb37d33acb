"""A request body Django refuses to read is the client's mistake: a 413 or 400 in Chinese on pages and
in the API, with DEBUG on or off (it was a 500 from the API under DEBUG, an English 400 page
otherwise)."""

import pytest
from django.urls import reverse
from tests.builders import account, grant, org

from qixin.core.models import Role
from qixin.core.services import api_token_create
from qixin.orgs.models import Organization, OrgKind

TOO_LARGE = "提交的内容过大：除上传的文件外，不能超过5 MB。"
UNREADABLE = "无法读取提交的内容：表单格式有误（例如 multipart/form-data 缺少 boundary 分隔符）。"
OVER_LIMIT = 5 * 1024 * 1024 + 1

pytestmark = pytest.mark.parametrize("debug", [True, False], ids=["DEBUG", "no DEBUG"])


@pytest.fixture
def admin(db):
    org(None, "R", OrgKind.COMMITTEE, "示例党委")
    user = account("admin-1")
    grant(user, Role.ADMIN)
    return user


@pytest.fixture
def api(client, admin):
    token = api_token_create(actor=admin, name="probe")[1]
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def test_a_page_answers_a_form_over_the_upload_limit_with_a_413(client, admin, settings, debug):
    settings.DEBUG = debug
    client.force_login(admin)
    body = b"text=" + b"x" * OVER_LIMIT
    response = client.post(
        reverse("improve:suggestion_new"), data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert TOO_LARGE in response.content.decode()


def test_a_page_answers_a_multipart_post_without_boundary_with_a_400(client, admin, settings, debug):
    settings.DEBUG = debug
    client.force_login(admin)
    response = client.post(
        reverse("improve:suggestion_new"), data=b"--x\r\n", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert UNREADABLE in response.content.decode()


@pytest.mark.parametrize("method", ["post", "patch"])
def test_the_api_answers_a_json_body_over_the_limit_with_a_413(api, settings, debug, method):
    settings.DEBUG = debug
    target = Organization.objects.get()
    path = "/api/v1/orgs/" if method == "post" else f"/api/v1/orgs/{target.pk}"
    body = b'{"name": "' + b"x" * OVER_LIMIT + b'"}'
    response = getattr(api, method)(path, data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"code": "too_large", "message": TOO_LARGE, "problems": []}
    assert list(Organization.objects.values_list("code", "name")) == [("R", "示例党委")]


def test_the_api_answers_a_multipart_post_without_boundary_with_a_400(api, settings, debug):
    settings.DEBUG = debug
    response = api.post("/api/v1/orgs/import", data=b"--x\r\n", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "message": UNREADABLE, "problems": []}
