"""Pages of the organization tree. Thin: parse the form, call a service or a selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from qixin.core import listing
from qixin.core.actions import action, post_action
from qixin.core.errors import ApplicationError
from qixin.core.pages import AuthedRequest, form_page
from qixin.people import selectors as person_selectors

from . import forms, health, selectors, services
from .models import OrgKind

# The tree is not a list; what a search of it finds is, paged like every list.
ORG_SEARCH = listing.register("orgs:tree", export="orgs:export")


@login_required
def tree(request: AuthedRequest) -> HttpResponse:
    query = listing.search_text(request)
    context: dict[str, Any] = {"q": query}
    if query:
        found = selectors.org_list_for(actor=request.user, search=query)
        return listing.show(request, ORG_SEARCH, found, template="orgs/tree.html", context=context)
    else:
        roots = selectors.org_roots_for(actor=request.user)
        counts = selectors.member_counts(roots)
        context["roots"] = [selectors.ChildRow(r, *counts[r.pk]) for r in roots]
    return render(request, "orgs/tree.html", context)


@login_required
def children(request: AuthedRequest, pk: int) -> HttpResponse:
    org = selectors.org_get_for(actor=request.user, pk=pk)
    rows = selectors.org_children_for(actor=request.user, org=org)
    return render(request, "orgs/partials/_children.html", {"rows": rows, "parent": org})


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    page = selectors.org_page_for(actor=request.user, pk=pk)
    return render(request, "orgs/detail.html", {"page": page, "org": page.org, "kinds": OrgKind})


@login_required
def health_page(request: AuthedRequest, pk: int) -> HttpResponse:
    org = selectors.org_get_for(actor=request.user, pk=pk)
    code = request.GET.get("code", "")
    if code and code not in health.FINDING_LABELS:
        raise ApplicationError("invalid", f"健康检查没有“{code[:40]}”这一项，请从页面上的链接进入。")
    findings = selectors.org_health_for(actor=request.user, org=org)
    if code:
        findings = [f for f in findings if f.code == code]
    context = {"org": org, "findings": findings, "code_label": health.FINDING_LABELS.get(code, "")}
    return render(request, "orgs/health.html", context)


def _org_form(
    request: AuthedRequest, pk: int, form_class: type[Any], title: str, on_valid: Any, initial: Any = None
) -> HttpResponse:
    org = selectors.org_get_for(actor=request.user, pk=pk)
    form = form_class(request.POST or None, initial=initial(org) if initial else None)
    context = {
        "org": org,
        "title": title.format(name=org.name),
        "action": request.path,
        "cancel_url": reverse("orgs:detail", args=[org.pk]),
    }
    return form_page(
        request,
        form=form,
        context=context,
        template="orgs/form.html",
        on_valid=lambda data: on_valid(org, data),
    )


@login_required
def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    def save(org: Any, data: dict[str, Any]) -> HttpResponse:
        services.org_update(actor=request.user, org=org, **data)
        messages.success(request, "已保存。")
        return redirect("orgs:detail", pk=org.pk)

    return _org_form(
        request,
        pk,
        forms.OrgEditForm,
        "修改“{name}”",
        save,
        initial=lambda org: {"name": org.name, "unit": org.unit, "established_on": org.established_on},
    )


@login_required
def add_child(request: AuthedRequest, pk: int) -> HttpResponse:
    def save(org: Any, data: dict[str, Any]) -> HttpResponse:
        child = services.org_create(actor=request.user, parent=org, **data)
        messages.success(request, f"已成立“{child.name}”。")
        return redirect("orgs:detail", pk=child.pk)

    return _org_form(request, pk, forms.OrgCreateForm, "在“{name}”下新建组织", save)


@login_required
def move(request: AuthedRequest, pk: int) -> HttpResponse:
    def save(org: Any, data: dict[str, Any]) -> HttpResponse:
        target = selectors.org_get_for(actor=request.user, code=data["new_parent"])
        services.org_move(actor=request.user, org=org, new_parent=target)
        messages.success(request, f"已将“{org.name}”调整到“{target.name}”之下。")
        return redirect("orgs:detail", pk=org.pk)

    return _org_form(request, pk, forms.MoveForm, "调整“{name}”的隶属关系", save)


@login_required
def dissolve(request: AuthedRequest, pk: int) -> HttpResponse:
    def save(org: Any, data: dict[str, Any]) -> HttpResponse:
        services.org_dissolve(actor=request.user, org=org, **data)
        messages.success(request, f"“{org.name}”已撤销，历史记录保留。")
        return redirect("orgs:detail", pk=org.pk)

    return _org_form(request, pk, forms.DissolveForm, "撤销“{name}”", save)


@login_required
def merge(request: AuthedRequest, pk: int) -> HttpResponse:
    def save(org: Any, data: dict[str, Any]) -> HttpResponse:
        target = selectors.org_get_for(actor=request.user, code=data["target"])
        services.branch_merge(
            actor=request.user, source=org, target=target, on=data["on"], reason=data["reason"]
        )
        messages.success(request, f"“{org.name}”已并入“{target.name}”，党员的组织关系已一并转接。")
        return redirect("orgs:detail", pk=target.pk)

    return _org_form(request, pk, forms.MergeForm, "将“{name}”并入其他党支部", save)


@login_required
def position_new(request: AuthedRequest, pk: int) -> HttpResponse:
    def save(org: Any, data: dict[str, Any]) -> HttpResponse:
        person = person_selectors.person_by_employee_no_for(
            actor=request.user, employee_no=data["employee_no"]
        )
        position = services.position_assign(
            actor=request.user,
            org=org,
            person_id=person.pk,
            title=data["title"],
            custom_title=data["custom_title"],
            started_on=data["started_on"],
            replace_current=data["replace_current"],
        )
        messages.success(request, f"已任命{person.name}为{position.display_title}。")
        return redirect("orgs:detail", pk=org.pk)

    return _org_form(request, pk, forms.PositionForm, "“{name}”任命职务", save)


@login_required
def election_new(request: AuthedRequest, pk: int) -> HttpResponse:
    def save(org: Any, data: dict[str, Any]) -> HttpResponse:
        services.election_record(actor=request.user, org=org, **data)
        messages.success(request, "已记录换届。")
        return redirect("orgs:detail", pk=org.pk)

    return _org_form(request, pk, forms.ElectionForm, "“{name}”记录换届选举", save)


@post_action
def position_end(request: AuthedRequest, pk: int) -> HttpResponse:
    position = selectors.position_get_for(actor=request.user, pk=pk)
    return action(
        request,
        form=forms.PositionEndForm(request.POST),
        run=lambda data: services.position_end(
            actor=request.user, position=position, ended_on=data["ended_on"]
        ),
        done="已办理离任。",
        back=reverse("orgs:detail", args=[position.organization_id]),
    )
