from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "qixin.orgs"
    verbose_name = "组织"

    def ready(self) -> None:
        from . import health, permissions  # noqa: F401  (define the rules and the permissions)
