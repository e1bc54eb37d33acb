"""Pages of the people registry. Thin: parse the form, call a service or a selector, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from qixin.core import listing
from qixin.core.actions import action, post_action
from qixin.core.errors import ApplicationError, PermissionDenied
from qixin.core.pages import AuthedRequest, download, form_page
from qixin.orgs import selectors as org_selectors

from . import forms, importers, selectors, services
from .permissions import can_export_in_clear, can_import_roster, can_manage

PERSON_LIST = listing.register("people:list", export="people:export")


def _filters(request: AuthedRequest) -> tuple[forms.PersonFilterForm, selectors.PersonFilters]:
    form = forms.PersonFilterForm(request.GET or None)
    if not form.is_valid():
        return form, selectors.PersonFilters()
    data = form.cleaned_data
    org = org_selectors.org_get_for(actor=request.user, code=data["org"]) if data["org"] else None
    status = {"": "在职", "all": ""}.get(data["status"], data["status"])
    return form, selectors.PersonFilters(
        search=data["q"],
        org=org,
        category=data["category"],
        education=data["education"],
        age_min=data["age_min"],
        age_max=data["age_max"],
        status=status,
    )


@login_required
def person_list(request: AuthedRequest) -> HttpResponse:
    form, filters = _filters(request)
    people = selectors.person_search_for(actor=request.user, filters=filters)
    return listing.show(
        request,
        PERSON_LIST,
        people,
        template="people/list.html",
        partial="people/partials/_results.html",
        context={
            "form": form,
            "filters": filters,
            "can_export_in_clear": can_export_in_clear(request.user),
            "can_import": can_import_roster(request.user),
        },
    )


@login_required
def export(request: AuthedRequest, fmt: str) -> HttpResponseBase:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    _form, filters = _filters(request)
    return download(
        lambda path: importers.export_people(
            actor=request.user, path=path, filters=selectors.filters_q(filters)
        ),
        f"人员名册.{fmt}",
    )


def _clear_export_page(
    request: AuthedRequest, form: forms.ClearExportForm, status: int = 200
) -> HttpResponse:
    _filters_form, filters = _filters(request)
    count = selectors.person_search_for(actor=request.user, filters=filters).count()
    return render(
        request,
        "people/export_clear.html",
        {"form": form, "filters": filters, "count": count, "query": request.GET.urlencode()},
        status=status,
    )


@login_required
def export_clear_form(request: AuthedRequest) -> HttpResponse:
    """Ask why, before an export in clear (only who may: can_export_in_clear)."""
    if not can_export_in_clear(request.user):
        raise PermissionDenied("您没有明文导出人员敏感信息的权限。")
    return _clear_export_page(request, forms.ClearExportForm(initial={"fmt": "xlsx"}))


@post_action
def export_clear(request: AuthedRequest) -> HttpResponse:
    """The roster of the rows listed (the query string's filters), 身份证号, 手机 and 家庭住址 in clear
    where the actor may see them, with the reason audited (people.importers.export_people)."""
    form = forms.ClearExportForm(request.POST)
    _filters_form, filters = _filters(request)

    def run(data: dict[str, Any]) -> HttpResponseBase:
        return download(
            lambda path: importers.export_people(
                actor=request.user, path=path, filters=selectors.filters_q(filters), reason=data["reason"]
            ),
            f"人员名册（明文）.{data['fmt']}",
        )

    return action(
        request,
        form=form,
        run=run,
        back=reverse("people:export_clear_form"),
        answer=lambda response: response,
        failed=lambda error: _clear_export_page(request, _with_error(form, error), status=400),
    )


def _with_error(form: forms.ClearExportForm, error: ApplicationError) -> forms.ClearExportForm:
    if form.is_bound and form.is_valid():
        form.add_error("reason", error.message)
    return form


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    page = selectors.person_page_for(actor=request.user, pk=pk)
    return render(
        request,
        "people/detail.html",
        {"page": page, "person": page.person, "can_manage": can_manage(request.user, page.person)},
    )


@post_action
def sensitive(request: AuthedRequest, pk: int) -> HttpResponse:
    """A POST although it changes nothing: each reading of sensitive fields is audited."""
    return action(
        request,
        run=lambda _: selectors.person_sensitive_for(actor=request.user, pk=pk),
        back=reverse("people:detail", args=[pk]),
        answer=lambda values: render(request, "people/partials/_sensitive.html", {"values": values}),
    )


def _person_values(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in services.PERSON_FIELDS}


@login_required
def person_new(request: AuthedRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        org = org_selectors.org_get_for(actor=request.user, code=data["org"])
        values = _person_values(data)
        if data["category"]:
            values |= {
                "category": data["category"],
                "joined_on": data["joined_on"],
                "full_on": data["full_on"],
                "branch": org,
            }
        person = services.person_create(actor=request.user, organization=org, values=values)
        messages.success(request, f"已登记{person.name}。")
        return redirect("people:detail", pk=person.pk)

    form = forms.PersonCreateForm(request.POST or None, initial={"org": request.GET.get("org", "")})
    return form_page(
        request,
        form=form,
        template="people/form.html",
        on_valid=save,
        context={"title": "登记人员", "action": request.path},
    )


@login_required
def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for(actor=request.user, pk=pk)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.person_update(actor=request.user, person=person, values=_person_values(data))
        messages.success(request, "已保存。")
        return redirect("people:detail", pk=person.pk)

    initial = {k: getattr(person, k) for k in forms.PersonForm.base_fields}
    form = forms.PersonForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form=form,
        template="people/form.html",
        on_valid=save,
        context={"title": f"修改{person.name}的信息", "action": request.path, "person": person},
    )


def _membership_action(
    request: HttpRequest,
    pk: int,
    form_class: type[Any],
    title: str,
    apply: Any,
    initial: Callable[[Any], dict[str, Any]] | None = None,
) -> HttpResponse:
    person = selectors.person_get_for(actor=request.user, pk=pk)

    def save(data: dict[str, Any]) -> HttpResponse:
        messages.success(request, apply(person, data))
        return redirect("people:detail", pk=person.pk)

    return form_page(
        request,
        form=form_class(request.POST or None, initial=initial(person) if initial else None),
        template="people/form.html",
        on_valid=save,
        context={"title": f"{person.name}：{title}", "action": request.path, "person": person},
    )


@login_required
def admit(request: AuthedRequest, pk: int) -> HttpResponse:
    def apply(person: Any, data: dict[str, Any]) -> str:
        branch = org_selectors.org_get_for(actor=request.user, code=data["branch"])
        services.membership_admit(actor=request.user, person=person, values={**data, "branch": branch})
        return "已登记党员信息。"

    return _membership_action(request, pk, forms.AdmitForm, "登记党员信息", apply)


@login_required
def transfer(request: AuthedRequest, pk: int) -> HttpResponse:
    def apply(person: Any, data: dict[str, Any]) -> str:
        membership = selectors.membership_current_for(actor=request.user, person_pk=person.pk)
        target = org_selectors.org_get_for(actor=request.user, code=data["target"])
        services.membership_transfer(
            actor=request.user, membership=membership, target=target, on=data["on"], reason=data["reason"]
        )
        return f"组织关系已转入“{target.name}”。"

    return _membership_action(request, pk, forms.TransferForm, "组织关系转接", apply)


@login_required
def confirm_full(request: AuthedRequest, pk: int) -> HttpResponse:
    def apply(person: Any, data: dict[str, Any]) -> str:
        membership = selectors.membership_current_for(actor=request.user, person_pk=person.pk)
        services.membership_confirm_full(actor=request.user, membership=membership, full_on=data["full_on"])
        return "已办理转正。"

    return _membership_action(request, pk, forms.ConfirmFullForm, "预备党员转正", apply)


@login_required
def extend_probation(request: AuthedRequest, pk: int) -> HttpResponse:
    def shortest(person: Any) -> dict[str, Any]:
        membership = selectors.membership_current_for(actor=request.user, person_pk=person.pk)
        return {"months": selectors.probation_extension_months_for(membership=membership)[0]}

    def apply(person: Any, data: dict[str, Any]) -> str:
        membership = selectors.membership_current_for(actor=request.user, person_pk=person.pk)
        services.membership_extend_probation(
            actor=request.user,
            membership=membership,
            months=data["months"],
            decided_on=data["decided_on"],
            approved_on=data["approved_on"],
            reason=data["reason"],
        )
        return f"已延长预备期至{membership.probation_extended_until:%Y年%m月%d日}。"

    return _membership_action(request, pk, forms.ExtendProbationForm, "延长预备期", apply, shortest)


@login_required
def cancel_probation(request: AuthedRequest, pk: int) -> HttpResponse:
    def apply(person: Any, data: dict[str, Any]) -> str:
        membership = selectors.membership_current_for(actor=request.user, person_pk=person.pk)
        services.membership_cancel_probation(
            actor=request.user,
            membership=membership,
            decided_on=data["decided_on"],
            approved_on=data["approved_on"],
            reason=data["reason"],
        )
        return "已取消预备党员资格，记录保留在历史中。"

    return _membership_action(request, pk, forms.CancelProbationForm, "取消预备党员资格", apply)


@login_required
def end_membership(request: AuthedRequest, pk: int) -> HttpResponse:
    def apply(person: Any, data: dict[str, Any]) -> str:
        membership = selectors.membership_current_for(actor=request.user, person_pk=person.pk)
        services.membership_end(
            actor=request.user, membership=membership, on=data["on"], reason=data["reason"]
        )
        return "已终止组织关系，记录保留在历史中。"

    return _membership_action(request, pk, forms.EndMembershipForm, "终止组织关系", apply)


@login_required
def standing(request: AuthedRequest, pk: int) -> HttpResponse:
    def current(person: Any) -> dict[str, Any]:
        m = selectors.membership_current_for(actor=request.user, person_pk=person.pk)
        return {
            "standing": m.standing,
            "lost_contact": m.is_lost_contact,
            "lost_contact_since": m.lost_contact_since,
            "floating": m.is_floating,
            "floating_to": m.floating_to,
        }

    def apply(person: Any, data: dict[str, Any]) -> str:
        membership = selectors.membership_current_for(actor=request.user, person_pk=person.pk)
        services.membership_set_standing(actor=request.user, membership=membership, values=data)
        return "已保存党籍状态。"

    return _membership_action(request, pk, forms.StandingForm, "党籍状态、失联与流动", apply, current)


@login_required
def leave(request: AuthedRequest, pk: int) -> HttpResponse:
    def apply(person: Any, data: dict[str, Any]) -> str:
        services.person_leave(actor=request.user, person=person, on=data["on"], status=data["status"])
        return f"已办理{data['status']}。"

    return _membership_action(request, pk, forms.LeaveForm, "离职或退休", apply)
