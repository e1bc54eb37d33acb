"""How the employee voice's pages write a deadline."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import timezone

from qixin.core.text import chinese_date

register = template.Library()


@register.filter
def deadline(value: datetime | None) -> str:
    """A deadline in the words of the rule: one that falls at midnight is the end of the day before
    (“12月4日24时”, not “12月5日 00:00”, which reads as a day more); any other with its time."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        day = local - timedelta(days=1)
        return f"{chinese_date(day)}24时"
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
