from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "qixin.people"
    verbose_name = "人员"

    def ready(self) -> None:
        from . import permissions, rulebook  # noqa: F401  (registers the named permissions and the rules)
