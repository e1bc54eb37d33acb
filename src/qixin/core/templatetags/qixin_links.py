"""Links that a page shows only when its reader may open them.

A link to a record the reader may not see would lead to 未找到该记录: the page asks the same
named permission (django-rules) as the page the link leads to, and shows the plain name otherwise.

    {% load qixin_links %}
    {% linked "orgs:detail" person.organization "orgs.view_org" %}
    {% pages_for org_pages org as pages %}{% for label, url_name in pages %}…{% endfor %}
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


def _may(context: template.Context, perm: str, obj: Any) -> bool:
    user = context.get("user")
    return bool(user is not None and obj is not None and user.has_perm(perm, obj))


@register.simple_tag(takes_context=True)
def linked(context: template.Context, url_name: str, obj: Any, perm: str, text: Any = None) -> str:
    """A link to `url_name` for `obj` (its pk) if the reader has `perm` on it, else its name."""
    label = obj.name if text is None and hasattr(obj, "name") else (text if text is not None else obj)
    if obj is None:
        return format_html("{}", label or "—")
    if not _may(context, perm, obj):
        return format_html("{}", label)
    return format_html('<a href="{}">{}</a>', reverse(url_name, args=[obj.pk]), label)


@register.simple_tag(takes_context=True)
def pages_for(
    context: template.Context, pages: list[tuple[str, str, str]], obj: Any
) -> list[tuple[str, str]]:
    """Of the pages the apps declare about a person or an organization (label, url name, permission),
    those the reader may open for `obj`."""
    return [(label, url_name) for label, url_name, perm in pages if _may(context, perm, obj)]
