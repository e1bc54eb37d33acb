from django.apps import AppConfig


class ImproveConfig(AppConfig):
    name = "qixin.improve"
    verbose_name = "降本增效与创新"
