"""The login gate: a session with a step still to take (an initial password to change, the
authenticator's code to enter, an authenticator its role requires) reaches that step's page and
logout, and nothing else: no page under any URL prefix, no account setting, no API (session or
token). Regression tests for the probe that set up a new authenticator and minted an API token from
a session that had entered the password only."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.builders import account, grant, org, person

from qixin.core.models import ApiToken, AuditEntry, Role, TwoFactorRequirement, User
from qixin.core.services import api_token_create, system_user, two_factor_require
from qixin.orgs.models import OrgKind

pytestmark = pytest.mark.django_db
PASSWORD = "Qixin-gate-2026-x"


def every_path() -> list[str]:
    """One concrete path for every URL pattern of the site (placeholders filled in)."""
    found: list[str] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for pattern in patterns:
            route = str(pattern.pattern)
            route = re.sub(r"<int:\w+>", "1", route)
            route = re.sub(r"<(?:str|slug|path):\w+>", "x", route)
            route = route.lstrip("^").rstrip("$").replace("\\", "")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
            else:
                found.append("/" + prefix + route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


@pytest.fixture
def branch():
    committee = org(None, "R", OrgKind.COMMITTEE)
    return org(committee, "B", name="总装一支部")


@pytest.fixture
def user(branch):
    zhang = person(branch, "QX0123", name="张晓明", category="正式党员")
    return grant(account("zhang", password=PASSWORD, person=zhang), Role.PARTY_WORKER, branch)


def device_for(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="手机", confirmed=True)


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def password_only(user: User) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def pending_with(kind: str, user: User) -> tuple[Client, str]:
    """A session that entered the password and has `kind` still to do; the URL of that step."""
    if kind == "otp_verify":
        device_for(user)
    elif kind == "password_change":
        User.objects.filter(pk=user.pk).update(must_change_password=True)
    else:
        two_factor_require(actor=system_user(), role=Role.PARTY_WORKER, required=True)
    return password_only(user), reverse(kind)


STEPS = ["otp_verify", "password_change", "two_factor_setup"]


@pytest.mark.parametrize("step", STEPS)
def test_a_pending_session_reaches_no_page_under_any_prefix(user, step):
    client, step_url = pending_with(step, user)
    allowed = {step_url, reverse("logout"), reverse("login")}
    paths = every_path()
    assert len(paths) > 150  # the walk found the whole site, not a part of it
    for path in paths:
        if path in allowed or path.startswith("/static/"):
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            if path.startswith("/api/"):
                assert response.status_code == 403, (method, path, response.status_code)
                assert response.json()["code"] == "step_required", (method, path)
            else:
                assert (response.status_code, response.get("Location")) == (302, step_url), (method, path)


def test_password_alone_cannot_replace_the_authenticator(user):
    old = device_for(user)
    client = password_only(user)
    response = client.get(reverse("two_factor_setup") + "?new=1")
    assert (response.status_code, response["Location"]) == (302, reverse("otp_verify"))
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()  # no new QR code made
    response = client.post(reverse("two_factor_setup") + "?new=1", {"token": "123456"})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", "confirmed")) == [(old.pk, True)]


def test_password_alone_cannot_mint_an_api_token(user):
    device_for(user)
    client = password_only(user)
    response = client.post(reverse("api_tokens"), {"name": "偷偷", "days": 30})
    assert (response.status_code, response["Location"]) == (302, reverse("otp_verify"))
    assert not ApiToken.objects.exists()


def test_the_api_refuses_a_session_that_entered_the_password_only(user):
    device_for(user)
    client = password_only(user)
    response = client.get("/api/v1/people/")
    assert response.status_code == 403
    assert response.json()["message"] == "请先在页面上输入身份验证器中的验证码，完成登录。"


def test_after_the_code_the_session_reaches_pages_and_api(user):
    device = device_for(user)
    client = password_only(user)
    response = client.post(reverse("otp_verify"), {"token": code(device)})
    assert (response.status_code, response["Location"]) == (302, reverse("home"))
    assert client.get(reverse("people:list")).status_code == 200
    assert client.get("/api/v1/people/").status_code == 200
    assert client.get(reverse("api_tokens")).status_code == 200


def test_an_initial_password_stops_the_session_and_the_api(user):
    """The probe read /api/v1/people/ and minted a token that wrote, with the initial password."""
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    client = password_only(user)
    assert client.get("/api/v1/people/").status_code == 403
    response = client.post(reverse("api_tokens"), {"name": "x", "days": 30})
    assert (response.status_code, response["Location"]) == (302, reverse("password_change"))
    before = AuditEntry.objects.count()
    response = client.post(
        "/api/v1/improve/suggestions", {"title": "x", "body": "y"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not ApiToken.objects.exists()
    assert AuditEntry.objects.count() == before


def test_a_token_of_an_account_with_a_pending_step_is_refused(user):
    """A token made earlier stops working while its owner must change the password, or set up the
    authenticator that their role now requires; a second factor is a step of sessions only."""
    _token, key = api_token_create(actor=user, name="脚本", days=30)
    headers = {"Authorization": f"Bearer {key}"}
    assert Client().get("/api/v1/people/", headers=headers).status_code == 200

    User.objects.filter(pk=user.pk).update(must_change_password=True)
    response = Client().get("/api/v1/people/", headers=headers)
    assert (response.status_code, response.json()["code"]) == (403, "step_required")
    User.objects.filter(pk=user.pk).update(must_change_password=False)

    two_factor_require(actor=system_user(), role=Role.PARTY_WORKER, required=True)
    response = Client().get("/api/v1/people/", headers=headers)
    assert response.status_code == 403
    assert "双因素认证" in response.json()["message"]

    device_for(user)  # set up: the token works again without a code
    assert Client().get("/api/v1/people/", headers=headers).status_code == 200


def test_htmx_requests_of_a_pending_session_are_sent_to_the_step(user):
    device_for(user)
    client = password_only(user)
    response = client.get(reverse("people:list"), HTTP_HX_REQUEST="true")
    assert (response.status_code, response["HX-Redirect"]) == (204, reverse("otp_verify"))


@pytest.mark.parametrize(
    ("next_url", "landing"),
    [
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("/people/", "/people/"),
    ],
)
def test_the_second_factor_step_never_redirects_to_another_site(user, next_url, landing):
    device = device_for(user)
    client = password_only(user)
    response = client.post(reverse("otp_verify") + f"?next={next_url}", {"token": code(device)})
    assert (response.status_code, response["Location"]) == (302, landing)


def test_a_required_step_blocks_even_when_the_policy_changes_mid_session(user):
    client = password_only(user)
    assert client.get(reverse("people:list")).status_code == 200
    TwoFactorRequirement.objects.create(role=Role.PARTY_WORKER, required_by=system_user())
    response = client.get(reverse("people:list"))
    assert (response.status_code, response["Location"]) == (302, reverse("two_factor_setup"))
