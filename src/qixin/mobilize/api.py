"""/api/v1/mobilize: the same services and selectors as the pages."""

from ninja import Router

router = Router(tags=["党员突击队与专项攻坚"])
