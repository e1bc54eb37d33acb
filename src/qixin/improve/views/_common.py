"""Helpers the app's pages share: codes typed on forms, the current year, the form page."""

from __future__ import annotations

from datetime import date
from functools import partial

from django.utils import timezone

from qixin.core.pages import titled_form_page
from qixin.core.periods import Period


def _codes(value: str) -> list[str]:
    return [c.strip() for c in value.replace("，", ",").split(",") if c.strip()]


def _year() -> Period:
    today = timezone.localdate()
    return Period(date(today.year, 1, 1), date(today.year + 1, 1, 1))


_form = partial(titled_form_page, template="improve/form.html")
