from django.apps import AppConfig


class MobilizeConfig(AppConfig):
    name = "qixin.mobilize"
    verbose_name = "党员突击队与专项攻坚"
