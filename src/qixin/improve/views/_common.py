"""Helpers the app's pages share: codes typed on forms, pagination, posted forms, lists."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from qixin.core.pages import AuthedRequest, form_error, titled_form_page
from qixin.core.periods import Period

PAGE_SIZE = 50


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


def render_list(request: AuthedRequest, page: str, partial: str, context: dict[str, Any]) -> HttpResponse:
    template = partial if getattr(request, "htmx", False) else page
    return render(request, template, context)
