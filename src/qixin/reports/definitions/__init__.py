"""Metric definitions, one module per app (reports/definitions/<app>.py).

Importing this package registers them all, in the order imported below: that is the order of the
sections on the dashboard and in the narrative. An app adds its metrics by adding its own module and
importing it here (a test checks that no module of this package is left out).
"""

# Not sorted: the order of the imports is the order of the sections.
from . import orgs, life, improve, brand, mobilize, advocacy, care  # noqa: F401, I001
