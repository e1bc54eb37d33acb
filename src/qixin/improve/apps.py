from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImproveConfig(AppConfig):
    name = "qixin.improve"
    verbose_name = "降本增效与创新"
    nav = [(_("降本创新"), "improve:index")]
    nav_for_everyone = nav  # every employee may submit suggestions and follow their own

    def ready(self) -> None:
        from . import permissions, points  # noqa: F401  (define the permissions and the points rules)
