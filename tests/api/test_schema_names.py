"""Schema classes are named uniquely across the apps: OpenAPI components are keyed by class name, so
two apps' `PersonOut` would document one app's responses with the other's fields."""

from collections import defaultdict

from ninja import Schema

import qixin.api  # noqa: F401  (imports every router and its schemas)


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def test_schema_class_names_are_unique():
    modules = defaultdict(set)
    for cls in subclasses(Schema):
        if cls.__module__.startswith("qixin."):
            modules[cls.__name__].add(cls.__module__)
    assert {name: sorted(found) for name, found in modules.items() if len(found) > 1} == {}
