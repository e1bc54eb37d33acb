from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "qixin.core"
    verbose_name = "基础"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (login events into the audit log)
        from .versions import install_after_migrate

        # After every migrate (all apps' tables exist by then): the triggers that keep data versions.
        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="qixin.core.versions")
