from __future__ import annotations

from django.db import models

from qixin.core.models import TimeStampedModel, User


class NarrativeTemplate(TimeStampedModel):
    """An organization's own wording of the narrative report; its subtree uses it unless a deeper
    organization has its own. Placeholders name metrics: {members.total}, {suggestions.total|多}."""

    organization = models.OneToOneField(
        "orgs.Organization", verbose_name="组织", on_delete=models.CASCADE, related_name="narrative_template"
    )
    text = models.TextField("报告模板")
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "报告模板"
        verbose_name_plural = "报告模板"

    def __str__(self) -> str:
        return f"{self.organization} 报告模板"
