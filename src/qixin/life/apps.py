from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifeConfig(AppConfig):
    name = "qixin.life"
    verbose_name = "组织生活"
    nav = [(_("组织生活"), "life:index")]
    org_pages = [(_("组织生活达标情况"), "life:compliance")]

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import permissions, rulebook  # noqa: F401  (registers the rules and named permissions)

        post_migrate.connect(ensure_builtin_kinds, sender=self)


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
