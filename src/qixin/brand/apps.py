from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandConfig(AppConfig):
    name = "qixin.brand"
    verbose_name = "党员品牌"
    nav = [(_("党员品牌"), "brand:index")]
    person_pages = [(_("党员事迹与荣誉"), "brand:person")]
    org_pages = [(_("党员品牌与事迹"), "brand:org")]

    def ready(self) -> None:
        from . import evaluation_rules, permissions  # noqa: F401  (registers the rules and permissions)
