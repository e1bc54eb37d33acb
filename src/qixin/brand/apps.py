from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from qixin.core import tabular_kinds


class BrandConfig(AppConfig):
    name = "qixin.brand"
    verbose_name = "党员品牌"
    nav = [(_("党员品牌"), "brand:index")]
    person_pages = [(_("党员事迹与荣誉"), "brand:person", "brand.view_person")]
    org_pages = [(_("党员品牌与事迹"), "brand:org", "brand.view_org")]

    def ready(self) -> None:
        tabular_kinds.provide(_load_tabular_kinds)
        from . import evaluation_rules, permissions, workbench  # noqa: F401  (rules, permissions, workbench)


def _load_tabular_kinds() -> None:
    # Imported the first time a file kind is asked for, not when the apps load: the importers pull in
    # the services and the spreadsheet reader, start-up time of every command that reads no file.
    from . import importers  # noqa: F401  (registers this app's kinds in core.tabular_kinds)
