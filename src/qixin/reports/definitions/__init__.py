"""Metric definitions, one module per app (reports/definitions/<app>.py).

Importing this package registers them all: the modules named in ORDER first (that is the order of the
sections on the dashboard and in the narrative), then any other module here, by name. An app adds its
metrics by adding its own module; nothing else needs editing.
"""

import importlib
import pkgutil

ORDER = ["orgs", "life", "improve", "brand", "mobilize", "advocacy", "care"]

_present = {info.name for info in pkgutil.iter_modules(__path__)}
for _name in [n for n in ORDER if n in _present] + sorted(_present - set(ORDER)):
    importlib.import_module(f"{__name__}.{_name}")
