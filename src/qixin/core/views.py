"""Pages of the kernel: home, one's account (password, second factor, API tokens), and for those
allowed, roles, the audit log and the security policy."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from qixin.orgs import selectors as org_selectors

from . import access, listing, selectors, services, tabular_kinds, workbench
from .actions import action, post_action
from .errors import NotFound, PermissionDenied
from .forms import ApiTokenForm, AuditFilterForm, PasswordChangeForm, RevokeForm, RoleGrantForm, TokenForm
from .gate import passed_second_factor
from .models import Role
from .pages import AuthedRequest, download, form_error, form_page, import_view

ROLE_LABELS = {**dict(Role.choices), "member": "党员", "employee": "员工"}


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    scope = access.scope_for(request.user)
    roots = org_selectors.org_roots_for(actor=request.user)
    roles = [ROLE_LABELS.get(r, r) for r in sorted(scope.roles)]
    sections = workbench.workbench_for(request.user)
    context = {"scope": scope, "roots": roots, "roles": roles, "sections": sections}
    return render(request, "core/home.html", context)


@login_required
def password_change(request: AuthedRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        services.password_change(
            user=request.user, old_password=data["old_password"], new_password=data["new_password"]
        )
        from django.contrib.auth import update_session_auth_hash

        update_session_auth_hash(request, request.user)
        messages.success(request, "密码已修改。")
        return redirect("home")

    context = {
        "title": "修改密码",
        "action": request.path,
        "note": "这是您首次登录，请先设置自己的密码。" if request.user.must_change_password else "",
    }
    return form_page(
        request,
        form=PasswordChangeForm(request.POST or None),
        context=context,
        template="core/form.html",
        on_valid=save,
    )


def safe_next(request: AuthedRequest) -> str:
    """Where to go after a login step: `next` when it points into this site (as Django's LoginView
    checks it), else the home page; never another site."""
    wanted = request.GET.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("home")


@login_required
def otp_verify(request: AuthedRequest) -> HttpResponse:
    """Second step of the login for users with a TOTP device."""
    if not user_has_device(request.user) or passed_second_factor(request.user):
        return redirect("home")

    def check(data: dict[str, Any]) -> HttpResponse:
        device = match_token(request.user, data["token"].strip())
        if device is None:
            services.two_factor_failed(user=request.user)
        otp_login(request, device)
        return redirect(safe_next(request))

    return form_page(
        request,
        form=TokenForm(request.POST or None),
        template="core/form.html",
        on_valid=check,
        context={"title": "输入身份验证器中的验证码", "action": request.get_full_path()},
    )


@login_required
def two_factor_setup(request: AuthedRequest) -> HttpResponse:
    """Scan a QR code with an authenticator app, then confirm with a code."""
    device = selectors.totp_device_pending_for(actor=request.user)
    if device is None or request.GET.get("new"):
        device = services.totp_device_start(user=request.user)

    def confirm(data: dict[str, Any]) -> HttpResponse:
        confirmed = services.totp_device_confirm(user=request.user, token=data["token"])
        otp_login(request, confirmed)
        messages.success(request, "已启用身份验证器，今后登录时需输入验证码。")
        return redirect("home")

    qr = segno.make(device.config_url, error="m").svg_inline(scale=4)
    context = {
        "title": "设置身份验证器（双因素认证）",
        "action": request.path,
        "qr": qr,
        "required": services.two_factor_required(request.user),
    }
    return form_page(
        request,
        form=TokenForm(request.POST or None),
        template="core/two_factor.html",
        on_valid=confirm,
        context=context,
    )


@login_required
def api_tokens(request: AuthedRequest) -> HttpResponse:
    def create(data: dict[str, Any]) -> HttpResponse:
        token, key = services.api_token_create(actor=request.user, name=data["name"], days=data["days"])
        return render(
            request,
            "core/api_tokens.html",
            {
                "form": ApiTokenForm(),
                "tokens": selectors.api_tokens_for(actor=request.user),
                "new_key": key,
                "new_token": token,
                "action": request.path,
                "now": timezone.now(),
            },
        )

    return form_page(
        request,
        form=ApiTokenForm(request.POST or None),
        template="core/api_tokens.html",
        on_valid=create,
        context={
            "tokens": selectors.api_tokens_for(actor=request.user),
            "action": request.path,
            "now": timezone.now(),
        },
    )


@post_action
def api_token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = selectors.api_token_get_for(actor=request.user, pk=pk)
    return action(
        request,
        run=lambda _: services.api_token_revoke(actor=request.user, token=token),
        done=f"令牌“{token.name}”已撤销。",
        back=reverse("api_tokens"),
    )


AUDIT_LIST = listing.register("audit_log")


@login_required
def audit_log(request: AuthedRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        raise form_error(form)
    filters = selectors.AuditFilters(**form.cleaned_data) if form.is_bound else selectors.AuditFilters()
    entries = selectors.audit_search_for(actor=request.user, filters=filters).select_related("actor")
    return listing.show(
        request,
        AUDIT_LIST,
        entries,
        template="core/audit.html",
        context={"form": form, "actions": selectors.audit_actions()},
    )


@login_required
def roles(request: AuthedRequest) -> HttpResponse:
    scope = access.scope_for(request.user)
    if not scope.is_admin and Role.PARTY_WORKER not in scope.roles:
        raise NotFound()

    def grant(data: dict[str, Any]) -> HttpResponse:
        user = selectors.user_by_username_for(actor=request.user, username=data["username"])
        org = org_selectors.org_get_for(actor=request.user, code=data["org"]) if data["org"] else None
        services.role_grant(
            actor=request.user,
            user=user,
            role=data["role"],
            organization=org,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )
        messages.success(request, f"已授予{user}“{Role(data['role']).label}”角色。")
        return redirect("roles")

    grants = selectors.role_grants_for(actor=request.user, include_ended=bool(request.GET.get("ended")))
    return form_page(
        request,
        form=RoleGrantForm(request.POST or None),
        template="core/roles.html",
        on_valid=grant,
        context={"grants": grants, "action": request.path, "revoke_form": RevokeForm()},
    )


@post_action
def role_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    grant = selectors.role_grant_get_for(actor=request.user, pk=pk)
    return action(
        request,
        form=RevokeForm(request.POST),
        run=lambda data: services.role_revoke(actor=request.user, grant=grant, ends_on=data["ends_on"]),
        done="已终止该角色。",
        back=reverse("roles"),
    )


@login_required
def security_policy(request: AuthedRequest) -> HttpResponse:
    if not access.is_admin(request.user):
        raise NotFound()
    if request.method == "POST":
        chosen = set(request.POST.getlist("roles"))
        for role in ROLE_LABELS:
            services.two_factor_require(actor=request.user, role=role, required=role in chosen)
        messages.success(request, "已保存安全策略。")
        return redirect("security_policy")
    required = selectors.two_factor_roles(actor=request.user)
    return render(request, "core/security.html", {"roles": ROLE_LABELS, "required": required})


def locked_out(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    logout(request)
    return render(request, "core/locked_out.html", status=429)


# --- files: every kind of core.tabular_kinds, imported, exported, as a template -----------------------


def _file_format(fmt: str) -> str:
    if fmt not in ("xlsx", "csv"):
        raise NotFound()
    return fmt


@login_required
def tabular_index(request: AuthedRequest) -> HttpResponse:
    """The kinds of file the user may import, each with its template and its export."""
    return render(request, "core/imports.html", {"kinds": tabular_kinds.kinds_for(request.user)})


@login_required
def tabular_import(request: AuthedRequest, kind: str) -> HttpResponse:
    """Upload → preview (nothing written) → confirm, for any kind (core.pages.import_view). Who may
    not import the kind is refused the page itself (403, as the upload would be), not shown a form."""
    spec = tabular_kinds.get(kind)
    if not spec.permitted(request.user):
        raise PermissionDenied(f"您没有导入{spec.label}的权限。")
    return import_view(
        request,
        runner=spec.run,
        template="core/import.html",
        context={"kind": spec, "columns": spec.columns, "label": spec.label},
    )


@login_required
def tabular_export(request: AuthedRequest, kind: str, fmt: str) -> HttpResponseBase:
    """What the user may see of a kind, in its import format (the kind's selectors scope the rows)."""
    spec, fmt = tabular_kinds.get(kind), _file_format(fmt)
    return download(lambda path: spec.export(actor=request.user, path=path), f"{spec.label}.{fmt}")


@login_required
def tabular_template(request: AuthedRequest, kind: str, fmt: str) -> HttpResponseBase:
    spec, fmt = tabular_kinds.get(kind), _file_format(fmt)
    return download(spec.template, f"{spec.label}导入模板.{fmt}")
