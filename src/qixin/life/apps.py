from django.apps import AppConfig


class LifeConfig(AppConfig):
    name = "qixin.life"
    verbose_name = "组织生活"
