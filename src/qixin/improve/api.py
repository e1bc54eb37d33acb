"""/api/v1/improve: the same services and selectors as the pages."""

from ninja import Router

router = Router(tags=["降本增效与创新"])
