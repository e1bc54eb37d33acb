from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "qixin.care"
    verbose_name = "员工心声"
    nav = [(_("员工心声"), "care:index"), (_("心愿墙"), "care:wall")]

    def ready(self) -> None:
        from . import deadlines, permissions, workbench  # noqa: F401  (registers the rules, permissions, workbench)
