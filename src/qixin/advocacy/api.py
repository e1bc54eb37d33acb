"""/api/v1/advocacy: the same services and selectors as the pages."""

from ninja import Router

router = Router(tags=["品牌代言"])
