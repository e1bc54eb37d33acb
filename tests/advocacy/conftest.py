"""The known world of tests/brand/conftest.py, shared by brand, mobilize and advocacy."""

from tests.brand.conftest import world  # noqa: F401
