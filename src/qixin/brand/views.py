"""Pages of brands, deeds, recognitions and the annual evaluation. Thin: parse, call a service or a
selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from qixin.core import access, listing
from qixin.core.actions import action, post_action
from qixin.core.errors import ApplicationError
from qixin.core.pages import AuthedRequest, form_page, render_htmx
from qixin.core.params import query_year
from qixin.orgs.selectors import org_from_input
from qixin.people.selectors import person_from_input

from . import forms, selectors, services
from .models import Grade, RecognitionKind

FRAMEWORK_LIST = listing.register("brand:index", per_page=20)  # the brands of the organizations
ORG_DEEDS = listing.register("brand:org", filters=(listing.Year("year", "done_on__year"),))
RECENT_RECOGNITIONS = 50  # the organization's page shows its latest 50 recognitions, labeled, linked
RECOGNITION_LIST = listing.register(
    "brand:recognitions",
    filters=(listing.Choice("kind", RecognitionKind.values), listing.Year("year")),
    export="brand:recognition_export",
)
EVALUATION_LIST = listing.register("brand:evaluations")


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    scope = access.scope_for(request.user)
    from qixin.orgs.selectors import org_roots_for

    context = {"roots": org_roots_for(actor=request.user), "own_person_id": scope.person_id}
    frameworks = selectors.framework_list_for(actor=request.user)
    return listing.show(request, FRAMEWORK_LIST, frameworks, template="brand/index.html", context=context)


@login_required
def org_page(request: AuthedRequest, pk: int) -> HttpResponse:
    year = query_year(request)
    org = selectors.org_get_for(actor=request.user, pk=pk)
    deeds = listing.listing(request, ORG_DEEDS, selectors.org_deed_list_for(actor=request.user, org=org))
    page = selectors.deed_page(org, list(deeds.rows), deeds.total, year)
    in_subtree = selectors.recognition_list_for(actor=request.user).filter(
        organization__path__startswith=org.path
    )
    context = {
        "page": page,
        "deeds": deeds,
        "org": org,
        "recognitions": list(in_subtree[:RECENT_RECOGNITIONS]),
        "recognitions_total": in_subtree.count(),
        "year": year,
    }
    return render(request, "brand/org.html", context)


@login_required
def person_page(request: AuthedRequest, pk: int) -> HttpResponse:
    year = query_year(request)
    person = selectors.person_get_for(actor=request.user, pk=pk)
    page = selectors.person_deeds_for(actor=request.user, person_pk=pk, year=year)
    context = {
        "page": page,
        "person": person,
        "year": year,
        "recognitions": list(selectors.recognition_list_for(actor=request.user).filter(person_id=pk)),
        "evaluations": selectors.person_evaluations_for(actor=request.user, person=person),
    }
    return render(request, "brand/person.html", context)


@login_required
def deed_new(request: AuthedRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for(actor=request.user, pk=pk)
    framework = selectors.framework_effective(person.organization)
    names = [p.name for p in framework.pillars.all()] if framework else []

    def save(data: dict[str, Any]) -> HttpResponse:
        services.deed_record(
            actor=request.user,
            person=person,
            pillars=data["pillars"],
            on=data["done_on"],
            description=data["description"],
            attachment=data["attachment"],
        )
        messages.success(request, f"已记录{person.name}的事迹。")
        return redirect("brand:person", pk=person.pk)

    return form_page(
        request,
        form=forms.DeedForm(request.POST or None, request.FILES or None, pillar_names=names),
        context={
            "title": f"记录{person.name}的事迹",
            "action": request.path,
            "cancel_url": reverse("brand:person", args=[person.pk]),
            "framework": framework,
            "multipart": True,
        },
        template="brand/form.html",
        on_valid=save,
    )


@post_action
def deed_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    deed = selectors.deed_get_for(actor=request.user, pk=pk)
    return action(
        request,
        run=lambda _: services.deed_delete(actor=request.user, deed=deed),
        done="已删除该事迹。",
        back=reverse("brand:person", args=[deed.person_id]),
    )


@login_required
def framework_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    org = selectors.org_get_for(actor=request.user, pk=pk)
    own = getattr(org, "brand_framework", None)
    initial = (
        {
            "name": own.name,
            "slogan": own.slogan,
            "description": own.description,
            "pillars": "\n".join(
                f"{p.name}：{p.description}" if p.description else p.name for p in own.pillars.all()
            ),
        }
        if own
        else None
    )
    form = forms.FrameworkForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.framework_define(
            actor=request.user,
            organization=org,
            name=data["name"],
            slogan=data["slogan"],
            description=data["description"],
            pillars=form.pillar_list(),
        )
        messages.success(request, f"已保存“{org.name}”的党员品牌。")
        return redirect("brand:org", pk=org.pk)

    return form_page(
        request,
        form=form,
        context={
            "title": f"设立“{org.name}”的党员品牌",
            "action": request.path,
            "cancel_url": reverse("brand:org", args=[org.pk]),
        },
        template="brand/form.html",
        on_valid=save,
    )


@post_action
def framework_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    org = selectors.org_get_for(actor=request.user, pk=pk)
    return action(
        request,
        run=lambda _: services.framework_remove(actor=request.user, organization=org),
        done=f"“{org.name}”不再设立自己的党员品牌，沿用上级组织的品牌。",
        back=reverse("brand:org", args=[org.pk]),
    )


# --- recognitions --------------------------------------------------------------------------------


@login_required
def recognitions(request: AuthedRequest) -> HttpResponse:
    rows = selectors.recognition_list_for(actor=request.user)
    shown = listing.listing(request, RECOGNITION_LIST, rows)
    context = {
        "listing": shown,
        "page": shown.page,
        "query": shown.query,
        "kind": shown.values["kind"] or "",
        "year": shown.values["year"],
        "kinds": RecognitionKind,
    }
    return render(request, "brand/recognitions.html", context)


@login_required
def recognition_new(request: AuthedRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        person = (
            person_from_input(actor=request.user, employee_no=data["employee_no"])
            if data["employee_no"]
            else None
        )
        org = org_from_input(actor=request.user, code=data["org_code"]) if data["org_code"] else None
        services.recognition_create(
            actor=request.user,
            kind=data["kind"],
            custom_kind=data["custom_kind"],
            level=data["level"],
            year=data["year"],
            person=person,
            recipient_org=org,
            citation=data["citation"],
            granted_by=data["granted_by"],
        )
        messages.success(request, "已登记荣誉。")
        return redirect("brand:recognitions")

    return form_page(
        request,
        form=forms.RecognitionForm(request.POST or None),
        context={"title": "登记荣誉", "action": request.path, "cancel_url": reverse("brand:recognitions")},
        template="brand/form.html",
        on_valid=save,
    )


@post_action
def recognition_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    recognition = selectors.recognition_get_for(actor=request.user, pk=pk)
    return action(
        request,
        run=lambda _: services.recognition_delete(actor=request.user, recognition=recognition),
        done="已删除该荣誉记录。",
        back=reverse("brand:recognitions"),
    )


# --- evaluations ---------------------------------------------------------------------------------


@login_required
def evaluations(request: AuthedRequest) -> HttpResponse:
    rows = selectors.evaluation_list_for(actor=request.user)
    return listing.show(request, EVALUATION_LIST, rows, template="brand/evaluations.html")


@login_required
def evaluation_open(request: AuthedRequest, pk: int) -> HttpResponse:
    branch = selectors.org_get_for(actor=request.user, pk=pk)

    def save(data: dict[str, Any]) -> HttpResponse:
        evaluation = services.evaluation_open(actor=request.user, branch=branch, year=data["year"])
        messages.success(request, f"已开展{evaluation.year}年度民主评议党员。")
        return redirect("brand:evaluation", pk=evaluation.pk)

    return form_page(
        request,
        form=forms.EvaluationOpenForm(request.POST or None),
        context={
            "title": f"{branch.name}：开展民主评议党员",
            "action": request.path,
            "cancel_url": reverse("brand:org", args=[branch.pk]),
        },
        template="brand/form.html",
        on_valid=save,
    )


@login_required
def evaluation_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    evaluation = selectors.evaluation_get_for(actor=request.user, pk=pk)
    rows = selectors.evaluation_rows_for(actor=request.user, evaluation=evaluation)
    context = {
        "evaluation": evaluation,
        "rows": rows,
        "grades": Grade,
        "close_form": forms.CloseForm(),
        "counts": {g: sum(1 for r in rows if r.entry.grade == g) for g in Grade.values},
    }
    return render(request, "brand/evaluation.html", context)


@post_action
def evaluation_grade(request: AuthedRequest, pk: int) -> HttpResponse:
    """HTMX: grade one member; the row comes back (with the reasons when refused)."""
    entry = selectors.evaluation_entry_get_for(actor=request.user, pk=pk)
    htmx = getattr(request, "htmx", False)

    def row(graded: Any, error: ApplicationError | None = None) -> HttpResponse:
        context: dict[str, Any] = {"evaluation": graded.evaluation, "grades": Grade, "error": error}
        context["row"] = next(
            r
            for r in selectors.evaluation_rows_for(actor=request.user, evaluation=graded.evaluation)
            if r.entry.pk == graded.pk
        )
        status = 400 if error is not None and not htmx else 200
        return render_htmx(
            request, "brand/evaluation_row_page.html", "brand/partials/_evaluation_row.html", context, status
        )

    def graded(result: Any) -> HttpResponse:
        if htmx:
            return row(result)
        messages.success(request, f"已记录{result.person.name}的评议结果。")
        return redirect("brand:evaluation", pk=result.evaluation_id)

    return action(
        request,
        form=forms.GradeForm(request.POST),
        run=lambda data: services.evaluation_grade(actor=request.user, entry=entry, **data),
        back=reverse("brand:evaluation", args=[entry.evaluation_id]),
        failed=lambda exc: row(entry, exc),
        answer=graded,
    )


@login_required
def self_assessment(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = selectors.evaluation_entry_get_for(actor=request.user, pk=pk)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.evaluation_self_assess(actor=request.user, entry=entry, text=data["text"])
        messages.success(request, "已保存个人自评。")
        if access.reads_org(request.user, entry.evaluation.branch):
            return redirect("brand:evaluation", pk=entry.evaluation_id)
        return redirect("brand:person", pk=entry.person_id)

    return form_page(
        request,
        form=forms.SelfAssessmentForm(request.POST or None, initial={"text": entry.self_assessment}),
        context={
            "title": f"{entry.evaluation.year}年度民主评议：{entry.person.name}的个人自评",
            "action": request.path,
            "cancel_url": reverse("brand:person", args=[entry.person_id]),
        },
        template="brand/form.html",
        on_valid=save,
    )


@post_action
def evaluation_close(request: AuthedRequest, pk: int) -> HttpResponse:
    evaluation = selectors.evaluation_get_for(actor=request.user, pk=pk)
    return action(
        request,
        form=forms.CloseForm(request.POST),
        run=lambda data: services.evaluation_close(
            actor=request.user, evaluation=evaluation, held_on=data["held_on"]
        ),
        done="民主评议已完成。",
        back=reverse("brand:evaluation", args=[evaluation.pk]),
    )
