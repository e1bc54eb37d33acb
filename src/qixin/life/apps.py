from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from qixin.core import tabular_kinds


class LifeConfig(AppConfig):
    name = "qixin.life"
    verbose_name = "组织生活"
    nav = [(_("组织生活"), "life:index")]
    org_pages = [(_("组织生活达标情况"), "life:compliance", "life.view_compliance")]

    def ready(self) -> None:
        tabular_kinds.provide(_load_tabular_kinds)
        from django.db.models.signals import post_migrate

        from . import permissions, rulebook, workbench  # noqa: F401  (the rules, named permissions, workbench items)

        post_migrate.connect(ensure_builtin_kinds, sender=self)


def _load_tabular_kinds() -> None:
    # Imported the first time a file kind is asked for, not when the apps load: the importers pull in
    # the services and the spreadsheet reader, start-up time of every command that reads no file.
    from . import importers  # noqa: F401  (registers this app's kinds in core.tabular_kinds)


def ensure_builtin_kinds(**kwargs: Any) -> None:
    """The built-in meeting kinds exist after every migrate, and after a flush (which empties the
    table), as Django does for content types. Idempotent."""
    from .models import MeetingKind
    from .rulebook import BUILTIN_KINDS

    using = kwargs.get("using", "default")
    for order, (code, name) in enumerate(BUILTIN_KINDS, start=1):
        MeetingKind.objects.using(using).get_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )
