"""Login security: password policy, lockout per account and per address, idle expiry, the forced
change at first login, and the TOTP second factor an administrator can require for a role."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from click.testing import CliRunner
from django.contrib.sessions.models import Session
from django.http import HttpResponseBase
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.builders import account, grant, org, person

from qixin.cli import main as cli
from qixin.core.errors import ApplicationError
from qixin.core.models import AuditEntry, Role, User
from qixin.core.services import password_change, system_user, two_factor_require
from qixin.orgs.models import OrgKind
from qixin.people.services import accounts_create

pytestmark = pytest.mark.django_db
PASSWORD = "Qixin-login-2026"


@pytest.fixture
def branch():
    return org(org(None, "R", OrgKind.COMMITTEE), "B", name="总装一支部")


@pytest.fixture
def user(branch):
    return account(
        "zhang", password=PASSWORD, first_name="张晓明", person=person(branch, "QX0123", name="张晓明")
    )


def attempt(username: str, password: str, address: str = "10.0.0.1"):
    return Client(REMOTE_ADDR=address).post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def logged_in(response: HttpResponseBase) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("home")


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1!short", "太短"),
        ("password1234", "太常见"),
        ("QX0123abcdef", "工号"),
        ("zhangxiaoming88", "姓名"),
        ("7390182736451", "只包含数字"),
    ],
)
def test_password_policy(user, password, reason):
    with pytest.raises(ApplicationError) as caught:
        password_change(user=user, old_password=PASSWORD, new_password=password)
    assert any(reason in p.message for p in caught.value.problems), caught.value.problems
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_five_failures_lock_the_account_for_fifteen_minutes(user):
    for _ in range(4):
        assert attempt("zhang", "wrong-password").status_code == 200
    assert attempt("zhang", "wrong-password").status_code == 429  # the fifth failure locks
    locked = attempt("zhang", PASSWORD, address="10.0.0.2")  # even the right password, from elsewhere
    assert locked.status_code == 429
    assert "15分钟" in locked.content.decode()
    assert AuditEntry.objects.filter(action="login_failed").count() == 6  # five, and the refused sixth
    assert AuditEntry.objects.filter(action="lockout").exists()
    # Fifteen minutes later the account opens again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert logged_in(attempt("zhang", PASSWORD, address="10.0.0.2"))


def test_unknown_user_names_from_a_shared_address_lock_nobody_out(user):
    """The probe: five failed logins with user names that do not exist, from one office address,
    locked every valid user at that address out for 15 minutes."""
    for name in ("a", "b", "c", "d", "e", "f", "g"):
        assert attempt(name, "wrong-password", address="10.9.9.9").status_code == 200
    assert logged_in(attempt("zhang", PASSWORD, address="10.9.9.9"))


def test_one_person_mistyping_locks_their_own_account_only(user):
    account("li", password=PASSWORD)
    for _ in range(5):
        attempt("li", "wrong-password", address="10.9.9.9")
    assert attempt("li", PASSWORD, address="10.9.9.9").status_code == 429
    assert logged_in(attempt("zhang", PASSWORD, address="10.9.9.9"))  # a colleague behind the same address


@override_settings(QIXIN_ADDRESS_FAILURE_LIMIT=12)
def test_guessing_across_many_real_accounts_locks_that_address_only(user):
    for n in range(6):
        account(f"u{n}", password=PASSWORD)
    # Unknown names do not count towards the address's limit, however many.
    for name in ("x1", "x2", "x3", "x4", "x5", "x6"):
        assert attempt(name, "guess", address="10.6.6.6").status_code == 200
    for n in range(6):  # two guesses at each account: no account reaches its own limit of five
        for _ in range(2):
            assert attempt(f"u{n}", "guess", address="10.6.6.6").status_code == 200
    for _ in range(6):  # refused there, and not counted against zhang's own account
        assert attempt("zhang", PASSWORD, address="10.6.6.6").status_code == 429
    assert AuditEntry.objects.filter(action="lockout", changes__address="10.6.6.6").count() == 6
    assert logged_in(attempt("zhang", PASSWORD, address="10.0.0.3"))
    # After the cool-off the address opens again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert logged_in(attempt("zhang", PASSWORD, address="10.6.6.6"))


def test_a_session_expires_after_thirty_idle_minutes(user):
    client = Client()
    assert logged_in(client.post(reverse("login"), {"username": "zhang", "password": PASSWORD}))
    assert client.get(reverse("home")).status_code == 200
    session = Session.objects.get()
    remaining = session.expire_date - timezone.now()
    assert dt.timedelta(minutes=29) < remaining <= dt.timedelta(minutes=30)
    # Each request restarts the 30 minutes; after 30 idle minutes the session is gone.
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_accounts_opened_for_people_must_change_the_password_first(branch):
    newcomer = person(branch, "QX0999", name="王新")
    [(_, initial)] = accounts_create(actor=system_user(), people=[newcomer])
    client = Client()
    assert client.post(reverse("login"), {"username": "QX0999", "password": initial}).status_code == 302
    for url in (reverse("home"), reverse("people:list"), reverse("orgs:tree")):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, reverse("password_change"))
    response = client.post(
        reverse("password_change"),
        {
            "old_password": initial,
            "new_password": "Wx-new-secret-2026",
            "new_password_again": "Wx-new-secret-2026",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert client.get(reverse("home")).status_code == 200
    assert AuditEntry.objects.filter(action="password_change", actor__username="QX0999").exists()


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="手机", confirmed=True)


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_user_with_an_authenticator_must_enter_its_code(user):
    device = confirmed_device(user)
    client = Client()
    client.post(reverse("login"), {"username": "zhang", "password": PASSWORD})
    response = client.get(reverse("people:list"))
    assert (response.status_code, response["Location"]) == (302, reverse("otp_verify"))
    wrong = client.post(reverse("otp_verify"), {"token": "000000" if code(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert "验证码不正确" in wrong.content.decode()
    assert AuditEntry.objects.filter(action="two_factor_failed", actor=user).exists()
    assert client.get(reverse("people:list")).status_code == 302
    # django-otp then throttles the device for a second; a right code inside it is refused too.
    assert client.post(reverse("otp_verify"), {"token": code(device)}).status_code == 400
    device.refresh_from_db()
    device.throttle_reset()
    assert client.post(reverse("otp_verify"), {"token": code(device)}).status_code == 302
    assert client.get(reverse("people:list")).status_code == 200


def test_an_administrator_can_require_a_second_factor_for_a_role(user, branch):
    admin = account("admin", password=PASSWORD)
    grant(admin, Role.ADMIN)
    grant(user, Role.PARTY_WORKER, branch)
    two_factor_require(actor=admin, role=Role.PARTY_WORKER, required=True)
    client = Client()
    client.post(reverse("login"), {"username": "zhang", "password": PASSWORD})
    response = client.get(reverse("home"))
    assert (response.status_code, response["Location"]) == (302, reverse("two_factor_setup"))
    # Someone who is not an administrator cannot change the policy.
    with pytest.raises(ApplicationError):
        two_factor_require(actor=user, role=Role.PARTY_WORKER, required=False)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_initial_password_list_is_readable_by_its_owner_only(branch, tmp_path, suffix):
    person(branch, "QX0777", name="赵新")
    out = tmp_path / f"初始密码{suffix}"
    out.write_text("old")
    out.chmod(0o644)  # a file left there before is made private too
    result = CliRunner().invoke(cli, ["accounts", "create", "--org", "B", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_mode & 0o777 == 0o600
    assert User.objects.filter(username="QX0777", must_change_password=True).exists()
