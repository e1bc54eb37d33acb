"""/api/v1/care: the same services and selectors as the pages."""

from ninja import Router

router = Router(tags=["员工心声"])
