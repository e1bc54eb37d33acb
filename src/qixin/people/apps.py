from django.apps import AppConfig

from qixin.core import tabular_kinds


class PeopleConfig(AppConfig):
    name = "qixin.people"
    verbose_name = "人员"

    def ready(self) -> None:
        tabular_kinds.provide(_load_tabular_kinds)
        from . import permissions, rulebook, workbench  # noqa: F401  (named permissions, rules, workbench items)


def _load_tabular_kinds() -> None:
    # Imported the first time a file kind is asked for, not when the apps load: the importers pull in
    # the services and the spreadsheet reader, start-up time of every command that reads no file.
    from . import importers  # noqa: F401  (registers this app's kinds in core.tabular_kinds)
