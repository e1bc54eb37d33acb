"""Advocacy campaigns (品牌代言): "爱我所爱、我来代言", "我的最亲密接触". A campaign offers content
(product posts, links); participants register what they shared (channel, link, reach)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from qixin.core.models import TimeStampedModel, User
from qixin.orgs.models import Organization
from qixin.people.models import Person


class Campaign(TimeStampedModel):
    name = models.CharField("活动名称", max_length=100)
    organization = models.ForeignKey(
        Organization, verbose_name="发起组织", on_delete=models.PROTECT, related_name="advocacy_campaigns"
    )
    description = models.TextField("活动说明", blank=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        verbose_name = "代言活动"
        verbose_name_plural = "代言活动"
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="advocacy_campaign_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("advocacy:campaign", args=[self.pk])


class ContentItem(models.Model):
    """A piece of content to share: a product post, a link."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    title = models.CharField("标题", max_length=100)
    url = models.URLField("链接", max_length=300, blank=True)
    text = models.TextField("文案", blank=True)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "传播内容"
        verbose_name_plural = "传播内容"
        ordering = ["campaign", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Channel(models.TextChoices):
    MOMENTS = "朋友圈", "微信朋友圈"
    WECHAT_GROUP = "微信群", "微信群"
    WEIBO = "微博", "微博"
    DOUYIN = "抖音", "抖音"
    XIAOHONGSHU = "小红书", "小红书"
    OFFLINE = "线下", "线下（试驾、展厅等）"
    OTHER = "其他", "其他"


class Share(TimeStampedModel):
    """What a participant shared: channel, link, reach (as they report it, optional)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="shares")
    item = models.ForeignKey(
        ContentItem, verbose_name="内容", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(Person, verbose_name="参与人", on_delete=models.PROTECT, related_name="shares")
    organization = models.ForeignKey(
        Organization, verbose_name="所在组织", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField("渠道", max_length=4, choices=Channel.choices)
    link = models.URLField("链接", max_length=300, blank=True)
    reach = models.PositiveIntegerField("触达人数", null=True, blank=True)
    shared_on = models.DateField("日期")
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "代言记录"
        verbose_name_plural = "代言记录"
        ordering = ["-shared_on", "id"]
        indexes = [
            # With the person: who took part in a subtree and period (the reports), from the index alone.
            models.Index(fields=["organization", "shared_on", "person"], name="share_org_day"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.channel} {self.shared_on}"
