from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvocacyConfig(AppConfig):
    name = "qixin.advocacy"
    verbose_name = "品牌代言"
    nav = [(_("品牌代言"), "advocacy:index")]

    def ready(self) -> None:
        from . import permissions, workbench  # noqa: F401  (the named permissions, the workbench)
