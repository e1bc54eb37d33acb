"""The rulebook page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from qixin.core.errors import ApplicationError, NotFound
from qixin.core.pages import AuthedRequest, form_error

from .. import forms, selectors, services
from ..permissions import can_keep_life
from ._common import _today


@login_required
def rules(request: AuthedRequest, pk: int) -> HttpResponse:
    """The rulebook in force at an organization, with forms to set its own values."""
    org = selectors.org_for_life(actor=request.user, pk=pk)
    today = _today()
    page = selectors.rulebook_page_for(actor=request.user, org=org, on=today)
    kinds = selectors.kinds_for(org=org)
    keeps = bool(can_keep_life(request.user, org))
    frequency_form = forms.FrequencyForm(kinds=kinds, initial={"effective_from": today})
    kind_form = forms.KindForm()
    topics_form = forms.TopicsForm(
        initial={
            "name": page.topics.get("name"),
            "pattern": page.topics.get("pattern"),
            "every": page.topics.get("every", "year"),
            "topics": "\n".join(page.topics.get("topics", [])),
            "effective_from": today,
        }
    )
    error = None
    if request.method == "POST" and keeps:
        which = request.POST.get("form")
        try:
            if which == "frequency":
                frequency_form = forms.FrequencyForm(request.POST, kinds=kinds)
                if not frequency_form.is_valid():
                    raise form_error(frequency_form)
                data = frequency_form.cleaned_data
                kind = selectors.kind_get(org=org, pk=data["kind"])
                value = (
                    {
                        "every": data["every"],
                        "times": data["times"],
                        "org_kinds": data["org_kinds"],
                        "counts": data["counts"] or [kind.code],
                    }
                    if data["every"]
                    else None
                )
                services.frequency_set(
                    actor=request.user,
                    org=org,
                    kind=kind,
                    frequency=value,
                    effective_from=data["effective_from"],
                    basis=data["basis"],
                )
            elif which == "topics":
                topics_form = forms.TopicsForm(request.POST)
                if not topics_form.is_valid():
                    raise form_error(topics_form)
                data = topics_form.cleaned_data
                services.topics_set(
                    actor=request.user,
                    org=org,
                    name=data["name"],
                    pattern=data["pattern"],
                    every=data["every"],
                    topics=data["topics"].splitlines(),
                    effective_from=data["effective_from"],
                )
            elif which == "kind":
                kind_form = forms.KindForm(request.POST)
                if not kind_form.is_valid():
                    raise form_error(kind_form)
                data = kind_form.cleaned_data
                services.kind_create(
                    actor=request.user,
                    org=org,
                    name=data["name"],
                    frequency={"every": data["every"], "times": data["times"], "org_kinds": ["branch"]}
                    if data["every"]
                    else None,
                )
            else:
                raise NotFound()
        except ApplicationError as exc:
            if exc.status == 404:
                raise
            error = exc
        else:
            messages.success(request, "规则已保存，本组织及下级自生效日期起适用。")
            return redirect("life:rules", pk=org.pk)
    context = {
        "org": org,
        "page": page,
        "keeps": keeps,
        "frequency_form": frequency_form,
        "topics_form": topics_form,
        "kind_form": kind_form,
        "error": error,
        "refused_form": request.POST.get("form") if error else "",  # shown open, with what was typed
    }
    return render(request, "life/rules.html", context, status=400 if error else 200)
