from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "qixin.care"
    verbose_name = "员工心声"
