from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "qixin.reports"
    verbose_name = "报表"
