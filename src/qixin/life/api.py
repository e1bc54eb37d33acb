"""/api/v1/life: the same services and selectors as the pages."""

from ninja import Router

router = Router(tags=["组织生活"])
