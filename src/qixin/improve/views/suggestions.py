"""Pages of suggestions (合理化建议): list, submission, review, decisions, duplicates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from qixin.core import listing
from qixin.core.access import require
from qixin.core.actions import action, post_action
from qixin.core.errors import ApplicationError
from qixin.core.pages import AuthedRequest, form_page
from qixin.core.params import query_choice
from qixin.orgs.models import Organization
from qixin.orgs.selectors import org_from_input
from qixin.people.models import Person
from qixin.people.selectors import person_from_input

from .. import forms, selectors, services
from ..models import Category, Source, Suggestion, SuggestionStatus
from ..permissions import can_review_suggestion

SUGGESTION_LIST = listing.register("improve:suggestions")
DUPLICATE_LIST = listing.register("improve:review")


@login_required
def suggestion_list(request: AuthedRequest) -> HttpResponse:
    filters = selectors.SuggestionFilters(
        search=listing.search_text(request),
        status=query_choice(request, "status", SuggestionStatus.values) or "",
        category=query_choice(request, "category", Category.values) or "",
        mine=request.GET.get("mine") == "1",
        to_review=request.GET.get("to_review") == "1",
    )
    rows = selectors.suggestion_search_for(actor=request.user, filters=filters)
    context = {"filters": filters, "statuses": SuggestionStatus.choices, "categories": Category.choices}
    return listing.show(
        request,
        SUGGESTION_LIST,
        rows,
        template="improve/suggestions.html",
        partial="improve/partials/_suggestion_rows.html",
        context=context,
    )


def _submission_org(request: AuthedRequest, data: dict[str, Any]) -> tuple[Organization, Person | None]:
    """Where and by whom: an employee submits as themselves in their own organization; a manager
    entering one for someone else (or anonymously) names the organization and the submitter."""
    me = request.user.person
    if data.get("org_code") or data.get("submitter_no") or me is None:
        if not data.get("org_code"):
            raise ApplicationError("org_required", "代为录入时请填写所涉组织编码。")
        org = org_from_input(actor=request.user, code=data["org_code"])
        submitter = (
            person_from_input(actor=request.user, employee_no=data["submitter_no"])
            if data.get("submitter_no")
            else None
        )
        return org, submitter
    return me.organization, me


@login_required
def suggestion_new(request: AuthedRequest) -> HttpResponse:
    me = request.user.person
    initial = {"department": me.department} if me is not None else {}
    form = forms.SuggestionForm(request.POST or None, request.FILES or None, initial=initial)

    def save(data: dict[str, Any]) -> HttpResponse:
        org, submitter = _submission_org(request, data)
        uploads = [
            services.AttachmentUpload(
                name=f.name or "附件", content=f.read(), content_type=f.content_type or ""
            )
            for f in data["attachments"]
        ]
        suggestion = services.suggestion_submit(
            actor=request.user,
            organization=org,
            submitter=submitter,
            source=Source.UI,
            text=data["text"],
            title=data["title"],
            kind=data["kind"],
            category=data["category"],
            custom_category=data["custom_category"],
            department=data["department"],
            expected_benefit=data["expected_benefit"],
            attachments=uploads,
        )
        messages.success(request, f"建议已提交，编号{suggestion.number}。")
        return redirect("improve:suggestion", pk=suggestion.pk)

    return form_page(
        request,
        form=form,
        context={"title": "提建议", "action": request.path, "is_self": me is not None},
        template="improve/suggestion_new.html",
        on_valid=save,
    )


@login_required
@require_POST
def suggestion_hints(request: AuthedRequest) -> HttpResponse:
    """While a suggestion is being written (HTMX): similar ones already made, with their scores."""
    form = forms.HintsForm(request.POST)
    hints: list[selectors.Similar] = []
    if form.is_valid():
        data = form.cleaned_data
        me = request.user.person
        org: Organization | None = me.organization if me is not None else None
        if data["org_code"]:
            org = selectors.hint_org_for(actor=request.user, code=data["org_code"])
        if org is not None and len(data["text"]) >= services.SUGGESTION_MIN_LENGTH:
            hints = selectors.suggestion_hints_for(
                actor=request.user, text=f"{data['title']}。{data['text']}", organization=org
            )
    return render(request, "improve/partials/_hints.html", {"hints": hints})


@login_required
def suggestion_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    page = selectors.suggestion_page_for(actor=request.user, pk=pk)
    return render(
        request,
        "improve/suggestion.html",
        {
            "page": page,
            "s": page.suggestion,
            "decide_form": forms.DecideForm(),
            "implement_form": forms.ImplementForm(initial={"on": timezone.localdate()}),
            "convert_form": forms.ConvertForm(
                initial={
                    "title": page.suggestion.display_title,
                    "started_on": timezone.localdate(),
                    "savings_target": page.suggestion.expected_benefit or 0,
                }
            ),
        },
    )


def _suggestion_action(
    request: AuthedRequest,
    pk: int,
    form: Form | None,
    act: Callable[[Suggestion, dict[str, Any]], Any],
    done: str | Callable[[Any], str],
) -> HttpResponse:
    """An action on a suggestion, from its page: back there, done or not."""
    suggestion = selectors.suggestion_get_for(actor=request.user, pk=pk)
    return action(
        request,
        form=form,
        run=lambda data: act(suggestion, data),
        done=done,
        back=reverse("improve:suggestion", args=[suggestion.pk]),
    )


@post_action
def suggestion_review(request: AuthedRequest, pk: int) -> HttpResponse:
    return _suggestion_action(
        request,
        pk,
        None,
        lambda s, _data: services.suggestion_start_review(actor=request.user, suggestion=s),
        "已开始评审。",
    )


@post_action
def suggestion_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    def act(suggestion: Suggestion, data: dict[str, Any]) -> bool:
        services.suggestion_decide(
            actor=request.user, suggestion=suggestion, accept=data["accept"], reply=data["reply"]
        )
        return bool(data["accept"])

    return _suggestion_action(
        request,
        pk,
        forms.DecideForm(request.POST),
        act,
        lambda accepted: "已采纳。" if accepted else "已记录不采纳及原因，提交人可以看到。",
    )


@post_action
def suggestion_implement(request: AuthedRequest, pk: int) -> HttpResponse:
    return _suggestion_action(
        request,
        pk,
        forms.ImplementForm(request.POST),
        lambda s, data: services.suggestion_implement(
            actor=request.user, suggestion=s, on=data["on"], note=data["note"]
        ),
        "已记录实施。",
    )


@post_action
def suggestion_convert(request: AuthedRequest, pk: int) -> HttpResponse:
    suggestion = selectors.suggestion_get_for(actor=request.user, pk=pk)
    require(can_review_suggestion(request.user, suggestion))  # before the owner typed is looked up

    def converted(project: Any) -> HttpResponse:
        messages.success(request, f"已转为项目{project.code}。")
        return redirect("improve:project", pk=project.pk)

    return action(
        request,
        form=forms.ConvertForm(request.POST),
        run=lambda data: services.suggestion_to_project(
            actor=request.user,
            suggestion=suggestion,
            organization=suggestion.organization,
            title=data["title"],
            owner=person_from_input(actor=request.user, employee_no=data["owner_no"]),
            started_on=data["started_on"],
            savings_target=data["savings_target"],
        ),
        back=reverse("improve:suggestion", args=[suggestion.pk]),
        answer=converted,
    )


@post_action
def suggestion_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    """Merge this suggestion (the duplicate) into another one; every submitter stays credited."""
    duplicate = selectors.suggestion_get_for(actor=request.user, pk=pk)

    def run(data: dict[str, Any]) -> Suggestion:
        into = selectors.suggestion_get_for(actor=request.user, pk=data["into"])
        services.suggestion_merge(actor=request.user, duplicate=duplicate, into=into)
        return into

    def merged(into: Suggestion) -> HttpResponse:
        messages.success(request, f"已将{duplicate.number}合并到{into.number}，两条建议的提交人都已署名。")
        return redirect("improve:suggestion", pk=into.pk)

    return action(
        request,
        form=forms.MergeForm(request.POST),
        run=run,
        back=reverse("improve:suggestion", args=[duplicate.pk]),
        answer=merged,
    )


@post_action
def duplicate_dismiss(request: AuthedRequest, pk: int) -> HttpResponse:
    candidate = selectors.duplicate_get_for(actor=request.user, pk=pk)
    return action(
        request,
        run=lambda _data: services.duplicate_dismiss(actor=request.user, candidate=candidate),
        done="已确认不重复。",
        back=reverse("improve:review"),
    )


@login_required
def review_queue(request: AuthedRequest) -> HttpResponse:
    """The reviewer's desk: the likely duplicates waiting for a decision, and the way to the
    suggestions waiting for one."""
    rows = selectors.duplicate_queue_for(actor=request.user)
    return listing.show(request, DUPLICATE_LIST, rows, template="improve/review.html")


@login_required
def attachment(request: AuthedRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    from django.http import FileResponse

    stored = selectors.attachment_get_for(actor=request.user, suggestion_pk=pk, pk=attachment_pk)
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.name)
