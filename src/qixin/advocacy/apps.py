from django.apps import AppConfig


class AdvocacyConfig(AppConfig):
    name = "qixin.advocacy"
    verbose_name = "品牌代言"
