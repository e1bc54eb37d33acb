from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "qixin.reports"
    verbose_name = "报表"
    nav = [(_("报表"), "reports:dashboard")]
