from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifeConfig(AppConfig):
    name = "qixin.life"
    verbose_name = "组织生活"
    nav = [(_("组织生活"), "life:index")]
    org_pages = [(_("组织生活达标情况"), "life:compliance")]

    def ready(self) -> None:
        from . import permissions, rulebook  # noqa: F401  (registers the rules and named permissions)
