"""Helpers the app's pages share."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone


def _today() -> date:
    return timezone.localdate()


def _employee_no(person: Any) -> str:
    return person.employee_no if person is not None else ""
