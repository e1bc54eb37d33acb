from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from qixin.core import tabular_kinds


class ImproveConfig(AppConfig):
    name = "qixin.improve"
    verbose_name = "降本增效与创新"
    nav = [(_("降本创新"), "improve:index")]
    nav_for_everyone = nav  # every employee may submit suggestions and follow their own

    def ready(self) -> None:
        tabular_kinds.provide(_load_tabular_kinds)
        from . import permissions, points, workbench  # noqa: F401  (permissions, points rules, workbench)


def _load_tabular_kinds() -> None:
    # Imported the first time a file kind is asked for, not when the apps load: the importers pull in
    # the services and the spreadsheet reader, start-up time of every command that reads no file.
    from . import importers  # noqa: F401  (registers this app's kinds in core.tabular_kinds)
