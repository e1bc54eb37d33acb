from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilizeConfig(AppConfig):
    name = "qixin.mobilize"
    verbose_name = "党员突击队与专项攻坚"
    nav = [(_("突击队与专项任务"), "mobilize:index")]
    person_pages = [(_("急难险重任务中的表现"), "mobilize:person")]

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the named permissions)
