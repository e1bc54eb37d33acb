from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from qixin.core import tabular_kinds


class MobilizeConfig(AppConfig):
    name = "qixin.mobilize"
    verbose_name = "党员突击队与专项攻坚"
    nav = [(_("突击队与专项任务"), "mobilize:index")]
    person_pages = [(_("急难险重任务中的表现"), "mobilize:person", "mobilize.view_person")]

    def ready(self) -> None:
        tabular_kinds.provide(_load_tabular_kinds)
        from . import permissions, workbench  # noqa: F401  (the named permissions, the workbench)


def _load_tabular_kinds() -> None:
    # Imported the first time a file kind is asked for, not when the apps load: the importers pull in
    # the services and the spreadsheet reader, start-up time of every command that reads no file.
    from . import importers  # noqa: F401  (registers this app's kinds in core.tabular_kinds)
