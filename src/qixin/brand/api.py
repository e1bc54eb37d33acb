"""/api/v1/brand: the same services and selectors as the pages."""

from ninja import Router

router = Router(tags=["党员品牌"])
