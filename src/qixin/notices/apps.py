from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "qixin.notices"
    verbose_name = "通知公告"
    nav = [(_("通知公告"), "notices:index")]
    nav_for_everyone = nav  # a notice may be sent to every employee, member or not

    def ready(self) -> None:
        from . import permissions, workbench  # noqa: F401  (registers the named permissions and workbench sources)
