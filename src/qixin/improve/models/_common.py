"""What the app's models share: the categories of savings and improvements."""

from __future__ import annotations

from django.db import models


class Category(models.TextChoices):
    PURCHASING = "采购降本", "采购降本"
    MANUFACTURING = "制造降本", "制造降本"
    QUALITY = "质量改进", "质量改进"
    ENERGY = "能耗", "能耗"
    LOGISTICS = "物流", "物流"
    RESEARCH = "研发降本", "研发降本"
    CUSTOM = "其他", "其他（自定义）"


def category_label(category: str, custom: str) -> str:
    return custom if category == Category.CUSTOM and custom else category
