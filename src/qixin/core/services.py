"""Kernel writes: accounts, role grants, API tokens, second factors. Each checks who may do it and
is audited, like every write in Qixin."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qixin.core.access import Actor

from . import access, audit
from .access import require
from .errors import ApplicationError, Problem
from .models import ApiToken, Role, RoleGrant, TwoFactorRequirement, User
from .validation import full_clean

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from qixin.orgs.models import Organization

SYSTEM_USERNAME = "system"
TOKEN_MAX_DAYS = 366


def system_user() -> User:
    """The account of operations run on the server itself (`qixin` without --as). It cannot log in."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_superuser": True, "first_name": "系统"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


# --- roles ------------------------------------------------------------------------------------------


def _may_grant(actor: Actor, role: str, org: Organization | None) -> bool:
    """系统管理员 grants anything; a 党务工作者 grants roles below administrator inside their subtree."""
    scope = access.scope_for(actor)
    if scope.is_admin:
        return True
    if role == Role.ADMIN or org is None:
        return False
    return Role.PARTY_WORKER in scope.roles and access.manages_org(actor, org)


@transaction.atomic
def role_grant(
    *,
    actor: User | None,
    user: User,
    role: str,
    organization: Organization | None,
    starts_on: date,
    ends_on: date | None = None,
) -> RoleGrant:
    """Grant a role at a node (it reaches the node's subtree), from a date, optionally until one."""
    if role not in Role.values:
        raise ApplicationError("invalid", "请选择角色。")
    if role != Role.ADMIN and organization is None:
        raise ApplicationError("invalid", "请选择角色所在的组织。")
    require(_may_grant(actor, role, organization))  # a refusal is audited by the entry point
    if ends_on is not None and ends_on < starts_on:
        raise ApplicationError("bad_date", "终止日期不能早于生效日期。")
    grant = RoleGrant.objects.create(
        user=user,
        role=role,
        organization=organization if role != Role.ADMIN else None,
        starts_on=starts_on,
        ends_on=ends_on,
        granted_by=actor if actor is not None and actor.pk else None,
    )
    access.forget_scope(user)
    audit.record(
        actor=actor,
        action="grant",
        obj=grant,
        changes={
            "user": user.username,
            "role": role,
            "organization": organization and organization.code,
            "starts_on": starts_on,
            "ends_on": ends_on,
        },
    )
    return grant


@transaction.atomic
def role_revoke(*, actor: User | None, grant: RoleGrant, ends_on: date | None = None) -> RoleGrant:
    """End a role from a date (today by default). The grant stays in the record."""
    require(_may_grant(actor, grant.role, grant.organization))
    ends_on = ends_on or timezone.localdate()
    if ends_on < grant.starts_on:
        ends_on = grant.starts_on
    grant.ends_on = ends_on
    grant.save(update_fields=["ends_on", "updated_at"])
    access.forget_scope(grant.user)
    audit.record(actor=actor, action="revoke", obj=grant, changes={"ends_on": ends_on})
    return grant


# --- accounts -----------------------------------------------------------------------------------------


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> User:
    """Change one's own password; clears the first-login obligation."""
    if not user.check_password(old_password):
        raise ApplicationError("wrong_password", "原密码不正确。")
    if old_password == new_password:
        raise ApplicationError("same_password", "新密码不能与原密码相同。")
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ApplicationError(
            "weak_password",
            "新密码不符合要求。",
            [Problem(message=str(m), field="新密码") for m in exc.messages],
        ) from None
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit.record(actor=user, action="password_change", obj=user)
    return user


# --- API tokens ---------------------------------------------------------------------------------------


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: User, name: str, days: int = 90) -> tuple[ApiToken, str]:
    """A personal token for the REST API, acting with the owner's own scope. The key is shown once."""
    name = name.strip()
    if not name:
        raise ApplicationError("invalid", "请填写令牌用途。", [Problem(message="不能为空", field="用途")])
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise ApplicationError("invalid", f"有效期应在1到{TOKEN_MAX_DAYS}天之间。")
    key = "qx_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name[:100],
        prefix=key[3:11],
        digest=token_digest(key),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit.record(actor=actor, action="token_create", obj=token, changes={"name": token.name, "days": days})
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    require(token.user_id == actor.pk or access.is_admin(actor), hide=True)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="token_revoke", obj=token)
    return token


# --- second factor ----------------------------------------------------------------------------------


def two_factor_required(user: User) -> bool:
    """Whether one of the user's roles requires a second factor. The policy is read first: while it
    requires nothing (the usual case), the user's roles need not be worked out."""
    required = set(TwoFactorRequirement.objects.values_list("role", flat=True))
    return bool(required) and bool(required & access.scope_for(user).roles)


@transaction.atomic
def two_factor_require(*, actor: User, role: str, required: bool) -> None:
    """An administrator requires (or stops requiring) a TOTP second factor for a role."""
    require(access.is_admin(actor))
    if role not in [*Role.values, "member", "employee"]:
        raise ApplicationError("invalid", "未知角色。")
    if required:
        TwoFactorRequirement.objects.get_or_create(role=role, defaults={"required_by": actor})
    else:
        TwoFactorRequirement.objects.filter(role=role).delete()
    audit.record(
        actor=actor,
        action="two_factor_policy",
        model="core.TwoFactorRequirement",
        object_repr=role,
        changes={"required": required},
    )


def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed TOTP device for the user to scan; replaces an earlier unconfirmed one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user: User, token: str) -> TOTPDevice:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise ApplicationError("no_device", "请先生成二维码，再输入验证码。")
    if not device.verify_token(token.strip()):
        raise ApplicationError("bad_token", "验证码不正确，请确认手机时间准确后重新输入。")
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(actor=user, action="two_factor_enable", obj=user)
    return device


def two_factor_failed(*, user: User) -> None:
    """A wrong second-factor code: audited, then refused."""
    audit.record(actor=user, action="two_factor_failed", obj=user)
    raise ApplicationError("bad_token", "验证码不正确，请重新输入。")


# --- updating a record ------------------------------------------------------------------------------


def update_values(instance: Any, data: Mapping[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """Every field of `fields` as it will be once `data` (a partial update: what the user sent) is
    applied: a field not in `data` keeps its value, and so does one sent as None when the record
    cannot leave it empty (the API's update schemas document null as 'unchanged')."""
    unknown = set(data) - set(fields)
    if unknown:
        raise TypeError(f"fields not updatable here: {', '.join(sorted(unknown))}")
    values = {f: getattr(instance, f) for f in fields}
    for name, value in data.items():
        if value is None and not instance._meta.get_field(name).null:
            continue
        values[name] = value
    return values


def model_update(
    *,
    instance: Any,
    data: Mapping[str, Any],
    fields: Sequence[str],
    actor: User | None,
    action: str = "update",
    facts: Callable[[Any], Mapping[str, Any]] | None = None,
    after_save: Callable[[dict[str, list[Any]]], None] | None = None,
) -> dict[str, list[Any]]:
    """Apply `data` (see update_values) to `instance`, validate it (full_clean, in Chinese), save the
    fields that changed (update_fields) and audit the change as `action`, by `facts(instance)` (what the
    record is audited by; by default the fields themselves). Nothing is saved or audited when nothing
    changed. `after_save` may add to the changes before they are audited. Returns the changes."""
    shown = facts or (lambda obj: {f: getattr(obj, f) for f in fields})
    values = update_values(instance, data, fields)
    before, old = dict(shown(instance)), {f: getattr(instance, f) for f in fields}
    for name, value in values.items():
        setattr(instance, name, value)
    full_clean(instance)
    changed = [f for f in fields if getattr(instance, f) != old[f]]
    changes = audit.diff(before, shown(instance))
    if not changed or not changes:
        return {}
    instance.save(update_fields=changed)
    if after_save is not None:
        after_save(changes)
    audit.record(actor=actor, action=action, obj=instance, changes=changes)
    return changes
