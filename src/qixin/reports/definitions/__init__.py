"""Metric definitions, one module per app. Importing this package registers them all."""

from . import orgs  # noqa: F401
