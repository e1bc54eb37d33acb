"""What the page chrome needs to know about the user: which menu entries to show."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.http import HttpRequest

from . import access
from .models import Role


def roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = access.scope_for(user)
    sees_orgs = bool(scope.is_admin or scope.read)
    return {
        "is_admin": scope.is_admin,
        "is_party_worker": scope.is_admin or Role.PARTY_WORKER in scope.roles,
        "sees_orgs": sees_orgs,
        "app_nav": app_nav(everyone_only=not sees_orgs),
        "person_pages": app_pages("person_pages"),
        "org_pages": app_pages("org_pages"),
    }


def app_nav(*, everyone_only: bool = False) -> list[tuple[str, str]]:
    """The menu entries of the domain apps: each AppConfig may declare nav = [(label, url name), ...].

    An app adds itself to the menu in its own apps.py; the base template is not edited per app.
    A user who reads no organization (an employee who is not a party member) sees only the entries
    an app lists in `nav_for_everyone` (e.g. submitting a suggestion): the rest would only answer 404.
    """
    return app_pages("nav_for_everyone") if everyone_only else app_pages("nav")


def app_pages(attribute: str) -> list[tuple[str, str]]:
    """What the apps declare on their AppConfig: `nav` (menu entries), `person_pages` and `org_pages`
    (pages about one person or one organization, url names taking its pk, linked from its page)."""
    return [item for config in apps.get_app_configs() for item in getattr(config, attribute, ())]
