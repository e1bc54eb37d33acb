from django.apps import AppConfig


class BrandConfig(AppConfig):
    name = "qixin.brand"
    verbose_name = "党员品牌"
