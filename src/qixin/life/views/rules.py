"""The rulebook page."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from qixin.core.actions import action
from qixin.core.errors import ApplicationError, NotFound
from qixin.core.pages import AuthedRequest

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
    context = {
        "org": org,
        "page": page,
        "keeps": keeps,
        "frequency_form": frequency_form,
        "topics_form": topics_form,
        "kind_form": kind_form,
        "error": None,
        "refused_form": "",
    }
    if request.method != "POST" or not keeps:
        return render(request, "life/rules.html", context)
    which = request.POST.get("form", "")
    form: Any
    if which == "frequency":
        form = context["frequency_form"] = forms.FrequencyForm(request.POST, kinds=kinds)
        run = partial(_frequency_set, request, org)
    elif which == "topics":
        form = context["topics_form"] = forms.TopicsForm(request.POST)
        run = partial(_topics_set, request, org)
    elif which == "kind":
        form = context["kind_form"] = forms.KindForm(request.POST)
        run = partial(_kind_create, request, org)
    else:
        raise NotFound()

    def refused(error: ApplicationError) -> HttpResponse:  # shown open, with what was typed
        return render(
            request, "life/rules.html", {**context, "error": error, "refused_form": which}, status=400
        )

    return action(
        request,
        form=form,
        run=run,
        done="规则已保存，本组织及下级自生效日期起适用。",
        back=reverse("life:rules", args=[org.pk]),
        failed=refused,
    )


def _frequency_set(request: AuthedRequest, org: Any, data: dict[str, Any]) -> Any:
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
    return services.frequency_set(
        actor=request.user,
        org=org,
        kind=kind,
        frequency=value,
        effective_from=data["effective_from"],
        basis=data["basis"],
    )


def _topics_set(request: AuthedRequest, org: Any, data: dict[str, Any]) -> Any:
    return services.topics_set(
        actor=request.user,
        org=org,
        name=data["name"],
        pattern=data["pattern"],
        every=data["every"],
        topics=data["topics"].splitlines(),
        effective_from=data["effective_from"],
    )


def _kind_create(request: AuthedRequest, org: Any, data: dict[str, Any]) -> Any:
    frequency = (
        {"every": data["every"], "times": data["times"], "org_kinds": ["branch"]} if data["every"] else None
    )
    return services.kind_create(actor=request.user, org=org, name=data["name"], frequency=frequency)
