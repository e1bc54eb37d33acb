from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "qixin.core"
    verbose_name = "基础"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (login events into the audit log)
