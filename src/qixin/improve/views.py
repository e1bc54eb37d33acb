"""Pages of cost reduction and innovation. Thin: parse the form, call a service or a selector, render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from qixin.core import tabular
from qixin.core.access import require
from qixin.core.errors import ApplicationError, NotFound
from qixin.core.pages import AuthedRequest, download, form_error, form_page, import_view, titled_form_page
from qixin.core.params import query_choice, query_year
from qixin.core.periods import Period
from qixin.orgs import selectors as org_selectors
from qixin.orgs.models import Organization
from qixin.orgs.selectors import org_from_input
from qixin.people.models import Person
from qixin.people.selectors import person_from_input

from . import forms, importers, selectors, services
from .models import Category, Source, Stage, StudioKind, SuggestionStatus
from .permissions import (
    can_claim_savings,
    can_edit_project,
    can_manage_alliance,
    can_manage_campaign,
    can_manage_case,
    can_manage_studio,
    can_select_excellent,
)

PAGE_SIZE = 50


# --- codes typed on the forms ---------------------------------------------------------------------


def _codes(value: str) -> list[str]:
    return [c.strip() for c in value.replace("，", ",").split(",") if c.strip()]


def _page(request: AuthedRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _year() -> Period:
    today = timezone.localdate()
    return Period(date(today.year, 1, 1), date(today.year + 1, 1, 1))


def _post_form(request: AuthedRequest, form_class: type[Any]) -> dict[str, Any]:
    form = form_class(request.POST)
    if not form.is_valid():
        raise form_error(form)
    return dict(form.cleaned_data)


_form = partial(titled_form_page, template="improve/form.html")


# --- home and search ---------------------------------------------------------------------------------


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    roots = org_selectors.org_roots_for(actor=request.user)
    org = roots[0] if roots else None
    overview = selectors.overview_for(actor=request.user, org=org, period=_year())
    query = request.GET.get("q", "").strip()
    results = selectors.search_all_for(actor=request.user, query=query) if query else None
    return render(
        request,
        "improve/index.html",
        {"overview": overview, "q": query, "results": results, "stages": Stage},
    )


# --- suggestions -------------------------------------------------------------------------------------


@login_required
def suggestion_list(request: AuthedRequest) -> HttpResponse:
    filters = selectors.SuggestionFilters(
        search=request.GET.get("q", "").strip()[:200],
        status=query_choice(request, "status", SuggestionStatus.values) or "",
        category=query_choice(request, "category", Category.values) or "",
        mine=request.GET.get("mine") == "1",
        to_review=request.GET.get("to_review") == "1",
    )
    rows = selectors.suggestion_search_for(actor=request.user, filters=filters)
    context = {
        "page": _page(request, rows),
        "filters": filters,
        "statuses": SuggestionStatus.choices,
        "categories": Category.choices,
    }
    return render_list(request, "improve/suggestions.html", "improve/partials/_suggestion_rows.html", context)


def render_list(request: AuthedRequest, page: str, partial: str, context: dict[str, Any]) -> HttpResponse:
    template = partial if getattr(request, "htmx", False) else page
    return render(request, template, context)


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
    text = request.POST.get("text", "")[:4000]
    title = request.POST.get("title", "")[:100]
    me = request.user.person
    org: Organization | None = me.organization if me is not None else None
    if request.POST.get("org_code"):
        try:
            org = org_selectors.org_get_for(actor=request.user, code=request.POST["org_code"].strip())
        except NotFound:
            org = None
    hints = (
        selectors.suggestion_hints_for(actor=request.user, text=f"{title}。{text}", organization=org)
        if org is not None and len(text.strip()) >= services.SUGGESTION_MIN_LENGTH
        else []
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


def _suggestion_action(request: AuthedRequest, pk: int, act: Callable[[Any], Any], done: str) -> HttpResponse:
    suggestion = selectors.suggestion_get_for(actor=request.user, pk=pk)
    act(suggestion)
    messages.success(request, done)
    return redirect("improve:suggestion", pk=pk)


@login_required
@require_POST
def suggestion_review(request: AuthedRequest, pk: int) -> HttpResponse:
    return _suggestion_action(
        request,
        pk,
        lambda s: services.suggestion_start_review(actor=request.user, suggestion=s),
        "已开始评审。",
    )


@login_required
@require_POST
def suggestion_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    data = _post_form(request, forms.DecideForm)
    return _suggestion_action(
        request,
        pk,
        lambda s: services.suggestion_decide(
            actor=request.user, suggestion=s, accept=data["accept"], reply=data["reply"]
        ),
        "已采纳。" if data["accept"] else "已记录不采纳及原因，提交人可以看到。",
    )


@login_required
@require_POST
def suggestion_implement(request: AuthedRequest, pk: int) -> HttpResponse:
    data = _post_form(request, forms.ImplementForm)
    return _suggestion_action(
        request,
        pk,
        lambda s: services.suggestion_implement(
            actor=request.user, suggestion=s, on=data["on"], note=data["note"]
        ),
        "已记录实施。",
    )


@login_required
@require_POST
def suggestion_convert(request: AuthedRequest, pk: int) -> HttpResponse:
    data = _post_form(request, forms.ConvertForm)
    suggestion = selectors.suggestion_get_for(actor=request.user, pk=pk)
    project = services.suggestion_to_project(
        actor=request.user,
        suggestion=suggestion,
        organization=suggestion.organization,
        title=data["title"],
        owner=person_from_input(actor=request.user, employee_no=data["owner_no"]),
        started_on=data["started_on"],
        savings_target=data["savings_target"],
    )
    messages.success(request, f"已转为项目{project.code}。")
    return redirect("improve:project", pk=project.pk)


@login_required
@require_POST
def suggestion_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    """Merge this suggestion (the duplicate) into another one; every submitter stays credited."""
    data = _post_form(request, forms.MergeForm)
    duplicate = selectors.suggestion_get_for(actor=request.user, pk=pk)
    into = selectors.suggestion_get_for(actor=request.user, pk=data["into"])
    services.suggestion_merge(actor=request.user, duplicate=duplicate, into=into)
    messages.success(request, f"已将{duplicate.number}合并到{into.number}，两条建议的提交人都已署名。")
    return redirect("improve:suggestion", pk=into.pk)


@login_required
@require_POST
def duplicate_dismiss(request: AuthedRequest, pk: int) -> HttpResponse:
    candidate = selectors.duplicate_get_for(actor=request.user, pk=pk)
    services.duplicate_dismiss(actor=request.user, candidate=candidate)
    messages.success(request, "已确认不重复。")
    return redirect("improve:review")


@login_required
def review_queue(request: AuthedRequest) -> HttpResponse:
    """The reviewer's desk: likely duplicates first, then the suggestions waiting for a decision."""
    duplicates = list(selectors.duplicate_queue_for(actor=request.user)[:100])
    waiting = selectors.suggestion_search_for(
        actor=request.user, filters=selectors.SuggestionFilters(to_review=True)
    )
    return render(request, "improve/review.html", {"duplicates": duplicates, "page": _page(request, waiting)})


@login_required
def attachment(request: AuthedRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    from django.http import FileResponse

    stored = selectors.attachment_get_for(actor=request.user, suggestion_pk=pk, pk=attachment_pk)
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.name)


# --- projects and the ledger ---------------------------------------------------------------------------


@login_required
def project_list(request: AuthedRequest) -> HttpResponse:
    filters = selectors.ProjectFilters(
        search=request.GET.get("q", "").strip()[:200],
        stage=query_choice(request, "stage", Stage.values) or "",
        category=query_choice(request, "category", Category.values) or "",
        mine=request.GET.get("mine") == "1",
    )
    rows = selectors.project_search_for(actor=request.user, filters=filters)
    context = {
        "page": _page(request, rows),
        "filters": filters,
        "stages": Stage.choices,
        "categories": Category.choices,
    }
    return render_list(request, "improve/projects.html", "improve/partials/_project_rows.html", context)


@login_required
def project_new(request: AuthedRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        alliances = [
            selectors.alliance_get_for(actor=request.user, code=code)
            for code in _codes(data["alliance_codes"])
        ]
        project = services.project_create(
            actor=request.user,
            organization=org_from_input(actor=request.user, code=data["org_code"]),
            title=data["title"],
            owner=person_from_input(actor=request.user, employee_no=data["owner_no"]),
            category=data["category"],
            custom_category=data["custom_category"],
            started_on=data["started_on"],
            savings_target=data["savings_target"],
            description=data["description"],
            alliances=alliances,
        )
        messages.success(request, f"已立项，编号{project.code}。")
        return redirect("improve:project", pk=project.pk)

    return _form(request, forms.ProjectForm(request.POST or None), "立项", save, reverse("improve:projects"))


@login_required
def project_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    page = selectors.project_page_for(actor=request.user, pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "improve/project.html",
        {
            "page": page,
            "p": page.project,
            "stage_form": forms.StageForm(initial={"on": today}),
            "claim_form": forms.ClaimForm(initial={"occurred_on": today}),
            "verify_form": forms.VerifyForm(initial={"verified_on": today}),
            "team_form": forms.TeamForm(
                initial={"members": "\n".join(f"{m.person.employee_no} {m.role}".strip() for m in page.team)}
            ),
            "today": today,
        },
    )


@login_required
def project_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for(actor=request.user, pk=pk)
    require(can_edit_project(request.user, project))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.project_update(
            actor=request.user,
            project=project,
            title=data["title"],
            category=data["category"],
            custom_category=data["custom_category"],
            description=data["description"],
            savings_target=data["savings_target"],
            alliances=selectors.project_alliances_from_input(
                actor=request.user, project=project, codes=_codes(data["alliance_codes"])
            ),
            campaign=project.campaign,
            studio=project.studio,
        )
        messages.success(request, "已保存。")
        return redirect("improve:project", pk=project.pk)

    initial = {
        "title": project.title,
        "category": project.category,
        "custom_category": project.custom_category,
        "savings_target": project.savings_target,
        "alliance_codes": ",".join(a.code for a in project.alliances.order_by("code")),
        "description": project.description,
    }
    return _form(
        request,
        forms.ProjectEditForm(request.POST or None, initial=initial),
        f"修改项目{project.code}",
        save,
        reverse("improve:project", args=[project.pk]),
        note=(
            f"所在组织（{project.organization.name}）、负责人（{project.owner.name}）和立项日期"
            f"（{project.started_on:%Y-%m-%d}）不能修改；阶段、团队和节约额在项目页办理。"
        ),
    )


@login_required
@require_POST
def project_move(request: AuthedRequest, pk: int) -> HttpResponse:
    data = _post_form(request, forms.StageForm)
    project = selectors.project_get_for(actor=request.user, pk=pk)
    services.project_move(
        actor=request.user, project=project, to_stage=data["to_stage"], on=data["on"], note=data["note"]
    )
    messages.success(request, f"项目已进入“{data['to_stage']}”阶段。")
    return redirect("improve:project", pk=pk)


@login_required
@require_POST
def savings_claim(request: AuthedRequest, pk: int) -> HttpResponse:
    data = _post_form(request, forms.ClaimForm)
    project = selectors.project_get_for(actor=request.user, pk=pk)
    entry = services.savings_claim(actor=request.user, project=project, **data)
    messages.success(request, f"已申报节约{entry.amount}元，财务核定后计入成效。")
    return redirect("improve:project", pk=pk)


def _entry_action(request: AuthedRequest, pk: int, act: Callable[[Any], Any], done: str) -> HttpResponse:
    entry = selectors.savings_entry_get_for(actor=request.user, pk=pk)
    act(entry)
    messages.success(request, done)
    return redirect("improve:project", pk=entry.project_id)


@login_required
@require_POST
def savings_verify(request: AuthedRequest, pk: int) -> HttpResponse:
    data = _post_form(request, forms.VerifyForm)
    return _entry_action(
        request,
        pk,
        lambda e: services.savings_verify(actor=request.user, entry=e, **data),
        "已核定，计入降本成效。",
    )


@login_required
@require_POST
def savings_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    data = _post_form(request, forms.RejectForm)
    return _entry_action(
        request, pk, lambda e: services.savings_reject(actor=request.user, entry=e, **data), "已退回申报。"
    )


@login_required
@require_POST
def savings_reverse(request: AuthedRequest, pk: int) -> HttpResponse:
    data = _post_form(request, forms.ReverseForm)
    return _entry_action(
        request,
        pk,
        lambda e: services.savings_reverse(actor=request.user, entry=e, **data),
        "已冲销，原记录保留。",
    )


@login_required
def savings_claim_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = selectors.savings_entry_get_for(actor=request.user, pk=pk)
    require(can_claim_savings(request.user, entry.project))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.savings_claim_update(actor=request.user, entry=entry, **data)
        messages.success(request, "已修改申报，财务核定后计入成效。")
        return redirect(reverse("improve:project", args=[entry.project_id]) + "#ledger")

    initial = {
        "amount": entry.amount,
        "occurred_on": entry.occurred_on,
        "description": entry.description,
        "evidence": entry.evidence,
    }
    return _form(
        request,
        forms.ClaimForm(request.POST or None, initial=initial),
        f"修改节约申报{entry.number}",
        save,
        reverse("improve:project", args=[entry.project_id]) + "#ledger",
        note="财务核定前可以修改；已核定的记录不能修改，只能由财务冲销。",
    )


@login_required
@require_POST
def savings_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    return _entry_action(
        request, pk, lambda e: services.savings_withdraw(actor=request.user, entry=e), "已撤回申报。"
    )


@login_required
def savings_pending(request: AuthedRequest) -> HttpResponse:
    rows = selectors.savings_pending_for(actor=request.user)
    today = timezone.localdate()
    return render(
        request,
        "improve/savings_pending.html",
        {"page": _page(request, rows), "verify_form": forms.VerifyForm(initial={"verified_on": today})},
    )


# --- alliances and campaigns -----------------------------------------------------------------------------


@login_required
def alliance_list(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    rows = selectors.alliance_search_for(actor=request.user, search_text=query)
    return render(request, "improve/alliances.html", {"page": _page(request, rows), "q": query})


@login_required
def alliance_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return render(
        request,
        "improve/alliance.html",
        {
            "page": selectors.alliance_page_for(actor=request.user, pk=pk),
            "member_form": forms.MemberForm(initial={"joined_on": timezone.localdate()}),
        },
    )


@login_required
def alliance_new(request: AuthedRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        alliance = services.alliance_create(
            actor=request.user,
            name=data["name"],
            lead_branch=org_from_input(actor=request.user, code=data["lead_code"]),
            branches=[org_from_input(actor=request.user, code=code) for code in _codes(data["branch_codes"])],
            leader=person_from_input(actor=request.user, employee_no=data["leader_no"]),
            founded_on=data["founded_on"],
            goal=data["goal"],
        )
        messages.success(request, f"已组建降本联盟“{alliance.name}”。")
        return redirect("improve:alliance", pk=alliance.pk)

    return _form(
        request, forms.AllianceForm(request.POST or None), "组建降本联盟", save, reverse("improve:alliances")
    )


@login_required
def alliance_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    alliance = selectors.alliance_get_for(actor=request.user, pk=pk)
    require(can_manage_alliance(request.user, alliance))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.alliance_update(
            actor=request.user,
            alliance=alliance,
            name=data["name"],
            leader=selectors.alliance_person_from_input(
                actor=request.user, alliance=alliance, employee_no=data["leader_no"]
            ),
            branches=selectors.alliance_branches_from_input(
                actor=request.user, alliance=alliance, codes=_codes(data["branch_codes"])
            ),
            goal=data["goal"],
            campaign=alliance.campaign,
        )
        messages.success(request, "已保存。")
        return redirect("improve:alliance", pk=alliance.pk)

    initial = {
        "name": alliance.name,
        "branch_codes": ",".join(
            b.code for b in alliance.branches.order_by("path") if b.pk != alliance.lead_branch_id
        ),
        "leader_no": alliance.leader.employee_no,
        "goal": alliance.goal,
    }
    return _form(
        request,
        forms.AllianceEditForm(request.POST or None, initial=initial),
        f"修改降本联盟“{alliance.name}”",
        save,
        reverse("improve:alliance", args=[alliance.pk]),
        note=(
            f"联盟编码（{alliance.code}）、牵头党支部（{alliance.lead_branch.name}）"
            f"和成立日期（{alliance.founded_on:%Y-%m-%d}）不能修改。"
        ),
    )


@login_required
def alliance_dissolve(request: AuthedRequest, pk: int) -> HttpResponse:
    alliance = selectors.alliance_get_for(actor=request.user, pk=pk)
    require(can_manage_alliance(request.user, alliance))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.alliance_dissolve(actor=request.user, alliance=alliance, on=data["on"])
        messages.success(request, f"降本联盟“{alliance.name}”已解散。")
        return redirect("improve:alliance", pk=alliance.pk)

    return _form(
        request,
        forms.DissolveForm(request.POST or None, initial={"on": timezone.localdate()}),
        f"解散降本联盟“{alliance.name}”",
        save,
        reverse("improve:alliance", args=[alliance.pk]),
        note="解散后联盟不能再修改、加入成员或关联项目；已有项目和节约额保持不变，统计计算到解散日期。",
        submit_label="确认解散",
    )


@login_required
def alliance_member_remove(request: AuthedRequest, pk: int, person_pk: int) -> HttpResponse:
    membership = selectors.alliance_member_get_for(actor=request.user, alliance_pk=pk, person_pk=person_pk)
    alliance, person = membership.alliance, membership.person
    require(can_manage_alliance(request.user, alliance))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.alliance_member_remove(
            actor=request.user, alliance=alliance, person=person, left_on=data["left_on"]
        )
        messages.success(request, f"{person.name}已退出联盟。")
        return redirect("improve:alliance", pk=alliance.pk)

    return _form(
        request,
        forms.MemberLeaveForm(request.POST or None, initial={"left_on": timezone.localdate()}),
        f"{person.name}退出降本联盟“{alliance.name}”",
        save,
        reverse("improve:alliance", args=[alliance.pk]),
        note=f"{person.name}于{membership.joined_on:%Y-%m-%d}加入。退出后成员记录保留，注明退出日期。",
        submit_label="确认退出",
    )


@login_required
def campaign_list(request: AuthedRequest) -> HttpResponse:
    rows = selectors.campaign_list_for(actor=request.user)
    return render(request, "improve/campaigns.html", {"campaigns": list(rows[:100])})


@login_required
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return render(
        request, "improve/campaign.html", {"page": selectors.campaign_page_for(actor=request.user, pk=pk)}
    )


@login_required
def campaign_new(request: AuthedRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        campaign = services.campaign_create(
            actor=request.user,
            organization=org_from_input(actor=request.user, code=data["org_code"]),
            name=data["name"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            savings_target=data["savings_target"],
            description=data["description"],
            participants=[
                org_from_input(actor=request.user, code=code) for code in _codes(data["participant_codes"])
            ],
        )
        messages.success(request, f"已发起活动“{campaign.name}”。")
        return redirect("improve:campaign", pk=campaign.pk)

    return _form(
        request, forms.CampaignForm(request.POST or None), "发起降本活动", save, reverse("improve:campaigns")
    )


@login_required
def campaign_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_for(actor=request.user, pk=pk)
    require(can_manage_campaign(request.user, campaign))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.campaign_update(
            actor=request.user,
            campaign=campaign,
            name=data["name"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            savings_target=data["savings_target"],
            description=data["description"],
            participants=[
                org_from_input(actor=request.user, code=code) for code in _codes(data["participant_codes"])
            ],
        )
        messages.success(request, "已保存。")
        return redirect("improve:campaign", pk=campaign.pk)

    initial = {
        "name": campaign.name,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "savings_target": campaign.savings_target,
        "participant_codes": ",".join(p.code for p in campaign.participants.order_by("path")),
        "description": campaign.description,
    }
    return _form(
        request,
        forms.CampaignEditForm(request.POST or None, initial=initial),
        f"修改降本活动“{campaign.name}”",
        save,
        reverse("improve:campaign", args=[campaign.pk]),
        note=f"发起党委（{campaign.organization.name}）不能修改。",
    )


# --- studios, cases, awards ------------------------------------------------------------------------------


@login_required
def studio_list(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    rows = selectors.studio_search_for(
        actor=request.user, search_text=query, kind=query_choice(request, "kind", StudioKind.values) or ""
    )
    return render(request, "improve/studios.html", {"page": _page(request, rows), "q": query})


@login_required
def studio_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    page = selectors.studio_page_for(actor=request.user, pk=pk)
    form = forms.StudioMembersForm(
        initial={
            "leader_no": page.studio.leader.employee_no,
            "member_nos": ",".join(
                m.person.employee_no for m in page.members if m.person_id != page.studio.leader_id
            ),
        }
    )
    return render(request, "improve/studio.html", {"page": page, "members_form": form})


@login_required
def studio_new(request: AuthedRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        studio = services.studio_create(
            actor=request.user,
            organization=org_from_input(actor=request.user, code=data["org_code"]),
            name=data["name"],
            kind=data["kind"],
            leader=person_from_input(actor=request.user, employee_no=data["leader_no"]),
            founded_on=data["founded_on"],
            focus=data["focus"],
        )
        messages.success(request, f"已成立“{studio.name}”。")
        return redirect("improve:studio", pk=studio.pk)

    return _form(
        request, forms.StudioForm(request.POST or None), "成立工作室", save, reverse("improve:studios")
    )


@login_required
def studio_close(request: AuthedRequest, pk: int) -> HttpResponse:
    studio = selectors.studio_get_for(actor=request.user, pk=pk)
    require(can_manage_studio(request.user, studio))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.studio_close(actor=request.user, studio=studio, on=data["on"])
        messages.success(request, f"“{studio.name}”已撤销。")
        return redirect("improve:studio", pk=studio.pk)

    return _form(
        request,
        forms.StudioCloseForm(request.POST or None, initial={"on": timezone.localdate()}),
        f"撤销“{studio.name}”",
        save,
        reverse("improve:studio", args=[studio.pk]),
        note="撤销后工作室不能再调整成员或关联新项目；已有成员、项目、案例和获奖保留，统计计算到撤销日期。",
        submit_label="确认撤销",
    )


@login_required
def case_list(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    year = query_year(request)
    rows = selectors.case_search_for(
        actor=request.user, search_text=query, year=year, excellent=request.GET.get("excellent") == "1"
    )
    return render(
        request, "improve/cases.html", {"page": _page(request, rows), "q": query, "year": year or ""}
    )


@login_required
def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    page = selectors.case_page_for(actor=request.user, pk=pk)
    return render(
        request,
        "improve/case.html",
        {
            "page": page,
            "rate_form": forms.RateForm(),
            "select_form": forms.SelectForm(initial={"on": timezone.localdate()}),
        },
    )


@login_required
def case_new(request: AuthedRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        case = services.case_create(
            actor=request.user,
            organization=org_from_input(actor=request.user, code=data.pop("org_code")),
            lead=person_from_input(actor=request.user, employee_no=data.pop("lead_no")),
            **data,
        )
        messages.success(request, f"已记录改善案例{case.code}。")
        return redirect("improve:case", pk=case.pk)

    return _form(
        request, forms.CaseForm(request.POST or None), "记录改善案例", save, reverse("improve:cases")
    )


@login_required
def case_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for(actor=request.user, pk=pk)
    require(can_manage_case(request.user, case))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.case_update(actor=request.user, case=case, **data)
        messages.success(request, "已保存。")
        return redirect("improve:case", pk=case.pk)

    initial = {
        "title": case.title,
        "category": case.category,
        "custom_category": case.custom_category,
        "before": case.before,
        "after": case.after,
        "savings": case.savings,
    }
    return _form(
        request,
        forms.CaseEditForm(request.POST or None, initial=initial),
        f"修改改善案例{case.code}",
        save,
        reverse("improve:case", args=[case.pk]),
        note=(
            f"所在组织（{case.organization.name}）、主要完成人（{case.lead.name}）、年度（{case.year}）"
            f"和完成日期（{case.completed_on:%Y-%m-%d}）不能修改。"
        ),
    )


@login_required
def excellent_unselect(request: AuthedRequest, pk: int, selection_pk: int) -> HttpResponse:
    selection = selectors.excellent_selection_get_for(actor=request.user, case_pk=pk, pk=selection_pk)
    require(can_select_excellent(request.user, selection.organization))
    case = selection.case

    def save(data: dict[str, Any]) -> HttpResponse:
        services.excellent_unselect(actor=request.user, selection=selection, reason=data["reason"])
        messages.success(request, f"已撤销{case.code}的{selection.year}年度优秀改善案例评选。")
        return redirect("improve:case", pk=case.pk)

    return _form(
        request,
        forms.UnselectForm(request.POST or None),
        f"撤销{case.code}的{selection.year}年度优秀改善案例评选",
        save,
        reverse("improve:case", args=[case.pk]),
        note=(
            f"该案例于{selection.selected_on:%Y-%m-%d}由“{selection.organization.name}”评为优秀改善案例。"
            "撤销后不再计入该年度的优秀案例数，撤销原因记入操作记录。"
        ),
        submit_label="确认撤销",
    )


@login_required
@require_POST
def case_rate(request: AuthedRequest, pk: int) -> HttpResponse:
    data = _post_form(request, forms.RateForm)
    case = selectors.case_get_for(actor=request.user, pk=pk)
    services.case_rate(actor=request.user, case=case, rating=data["rating"])
    messages.success(request, "已评级。")
    return redirect("improve:case", pk=pk)


@login_required
@require_POST
def case_select(request: AuthedRequest, pk: int) -> HttpResponse:
    data = _post_form(request, forms.SelectForm)
    case = selectors.case_get_for(actor=request.user, pk=pk)
    services.excellent_select(
        actor=request.user,
        organization=org_from_input(actor=request.user, code=data["org_code"]),
        year=case.year,
        cases=[case],
        on=data["on"],
        citation=data["citation"],
    )
    messages.success(request, f"已评为{case.year}年度优秀改善案例。")
    return redirect("improve:case", pk=pk)


@login_required
def award_list(request: AuthedRequest) -> HttpResponse:
    rows = selectors.award_list_for(actor=request.user)
    return render(request, "improve/awards.html", {"page": _page(request, rows)})


@login_required
def award_new(request: AuthedRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        award = services.award_create(
            actor=request.user,
            organization=org_from_input(actor=request.user, code=data["org_code"]),
            name=data["name"],
            level=data["level"],
            issuer=data["issuer"],
            awarded_on=data["awarded_on"],
            achievement=data["achievement"],
            savings=data["savings"],
            people=[
                person_from_input(actor=request.user, employee_no=no) for no in _codes(data["people_nos"])
            ],
        )
        messages.success(request, f"已记录“{award.name}”。")
        return redirect("improve:awards")

    return _form(
        request, forms.AwardForm(request.POST or None), "记录获奖成果", save, reverse("improve:awards")
    )


# --- imports, exports, templates ------------------------------------------------------------------------


def _kind(kind: str) -> importers.Kind:
    found = importers.KINDS.get(kind)
    if found is None:
        raise Http404
    return found


def _fmt(fmt: str) -> str:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return fmt


@login_required
def import_page(request: AuthedRequest, kind: str) -> HttpResponse:
    spec = _kind(kind)
    return import_view(
        request,
        runner=spec.runner,
        template="improve/import.html",
        context={"columns": spec.columns, "kind": kind, "label": spec.label},
    )


@login_required
def export(request: AuthedRequest, kind: str, fmt: str) -> HttpResponseBase:
    spec, fmt = _kind(kind), _fmt(fmt)
    return download(lambda path: spec.exporter(actor=request.user, path=path), f"{spec.label}.{fmt}")


@login_required
def template_download(request: AuthedRequest, kind: str, fmt: str) -> HttpResponseBase:
    spec, fmt = _kind(kind), _fmt(fmt)
    return download(lambda path: tabular.write_template(path, spec.columns), f"{spec.label}导入模板.{fmt}")


@login_required
def data_page(request: AuthedRequest) -> HttpResponse:
    return render(request, "improve/data.html", {"kinds": importers.KINDS})


# --- designations ---------------------------------------------------------------------------------------


@login_required
def designations(request: AuthedRequest) -> HttpResponse:
    from qixin.core import selectors as core_selectors

    form = forms.DesignationForm(request.POST or None, initial={"starts_on": timezone.localdate()})

    def save(data: dict[str, Any]) -> HttpResponse:
        try:
            user = core_selectors.user_by_username_for(actor=request.user, username=data["username"])
        except NotFound:
            raise ApplicationError("unknown_user", f"找不到用户“{data['username']}”。") from None
        services.designation_grant(
            actor=request.user,
            user=user,
            kind=data["kind"],
            organization=org_from_input(actor=request.user, code=data["org_code"]),
            department=data["department"],
            starts_on=data["starts_on"],
        )
        messages.success(request, "已指定。")
        return redirect("improve:designations")

    return form_page(
        request,
        form=form,
        context={
            "rows": list(selectors.designation_list_for(actor=request.user)[:500]),
            "end_form": forms.EndForm(initial={"ends_on": timezone.localdate()}),
        },
        template="improve/designations.html",
        on_valid=save,
    )


@login_required
@require_POST
def designation_end(request: AuthedRequest, pk: int) -> HttpResponse:
    data = _post_form(request, forms.EndForm)
    designation = selectors.designation_get_for(actor=request.user, pk=pk)
    services.designation_end(actor=request.user, designation=designation, ends_on=data["ends_on"])
    messages.success(request, "已终止该职责。")
    return redirect("improve:designations")


@login_required
@require_POST
def alliance_member_add(request: AuthedRequest, pk: int) -> HttpResponse:
    data = _post_form(request, forms.MemberForm)
    alliance = selectors.alliance_get_for(actor=request.user, pk=pk)
    person = person_from_input(actor=request.user, employee_no=data["employee_no"])
    services.alliance_member_add(
        actor=request.user, alliance=alliance, person=person, joined_on=data["joined_on"]
    )
    messages.success(request, f"{person.name}已加入联盟。")
    return redirect("improve:alliance", pk=pk)


@login_required
@require_POST
def project_team(request: AuthedRequest, pk: int) -> HttpResponse:
    data = _post_form(request, forms.TeamForm)
    project = selectors.project_get_for(actor=request.user, pk=pk)
    members = []
    for line in data["members"].splitlines():
        employee_no, _, role = line.strip().partition(" ")
        if employee_no:
            members.append((person_from_input(actor=request.user, employee_no=employee_no), role.strip()))
    services.project_team_set(actor=request.user, project=project, members=members)
    messages.success(request, "团队已更新。")
    return redirect("improve:project", pk=pk)


@login_required
@require_POST
def studio_members(request: AuthedRequest, pk: int) -> HttpResponse:
    data = _post_form(request, forms.StudioMembersForm)
    studio = selectors.studio_get_for(actor=request.user, pk=pk)
    services.studio_update(
        actor=request.user,
        studio=studio,
        name=studio.name,
        kind=studio.kind,
        focus=studio.focus,
        leader=person_from_input(actor=request.user, employee_no=data["leader_no"]),
        members=[
            person_from_input(actor=request.user, employee_no=no)
            for no in _codes(data["member_nos"].replace("\n", ","))
        ],
    )
    messages.success(request, "工作室成员已更新。")
    return redirect("improve:studio", pk=pk)
