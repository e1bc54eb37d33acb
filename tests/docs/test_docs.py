"""The documented import formats and rules are the ones the code uses (a change is a documented migration)."""

import importlib
import importlib.util
import re
from pathlib import Path

from qixin.core import tabular_kinds
from qixin.core.rules import REGISTRY
from qixin.orgs import importers as org_importers
from qixin.people import importers as people_importers

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _documented_rows(kind: str) -> list[list[str]]:
    text = (DOCS / "import-formats.md").read_text(encoding="utf-8")
    section = text.split(f"（`{kind}`）", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| 列名")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in rows]


def test_every_org_column_is_documented_in_order():
    documented = _documented_rows("orgs")
    assert [(r[0], r[1] == "是", r[3]) for r in documented] == [
        (c.header, c.required, c.doc) for c in org_importers.COLUMNS
    ]


def test_every_people_column_is_documented_in_order():
    documented = _documented_rows("people")
    assert [(r[0], r[1] == "是", r[3]) for r in documented] == [
        (c.header, c.required, c.doc) for c in people_importers.COLUMNS
    ]


def test_every_kind_of_file_is_documented_with_its_label_and_every_column_in_order():
    """docs/import-formats.md has a section "## …{label}（`{key}`）" for every kind of the registry
    (core.tabular_kinds), whose table is the kind's columns: name, required, example, explanation."""
    text = (DOCS / "import-formats.md").read_text(encoding="utf-8")
    headings = {
        line.split("（`")[1].split("`")[0]: line
        for line in text.splitlines()
        if line.startswith("## ") and "（`" in line
    }
    assert sorted(headings) == sorted(tabular_kinds.keys())
    for kind in tabular_kinds.kinds():
        assert headings[kind.key].endswith(f"{kind.label}（`{kind.key}`）"), kind.key
        documented = [(r[0], r[1] == "是", r[2], r[3]) for r in _documented_rows(kind.key)]
        assert documented == [(c.header, c.required, c.example, c.doc) for c in kind.columns], kind.key


def test_every_rule_is_documented_with_its_source():
    """Each rule is documented (docs/org-rules.md for the organization rules, each app's own page
    for its rules) with its key and its source."""
    from qixin.reports import selectors  # noqa: F401  (imports every app's rules)

    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md")))
    missing = [r.key for r in REGISTRY.values() if f"`{r.key}`" not in text or r.source not in text]
    assert missing == []


def test_every_metric_key_is_documented():
    from qixin.reports import selectors  # noqa: F401  (registers the metrics)
    from qixin.reports.metrics import REGISTRY

    text = (DOCS / "reports.md").read_text(encoding="utf-8")
    assert [key for key in REGISTRY if f"| `{key}` |" not in text] == []


def test_the_developer_guide_names_only_what_exists():
    """docs/dev/architecture.md names modules (qixin.core.listing), files (tests/builders.py,
    brand/apps.py) and functions (listing.register): each must exist, so the guide cannot drift."""
    text = (DOCS / "dev" / "architecture.md").read_text(encoding="utf-8")
    root = DOCS.parent
    modules = set(re.findall(r"\bqixin(?:\.[a-z_]+)+", text))
    assert {"qixin.core", "qixin.orgs", "qixin.people"} <= modules
    for dotted in modules:
        assert importlib.util.find_spec(dotted) is not None, dotted
    files = set(re.findall(r"`((?:tests|docs|src)/[\w/.-]+\.(?:py|md))`", text))
    files |= {f"src/qixin/{p}" for p in re.findall(r"`((?!tests/|docs/|src/)[a-z]+/[a-z_]+\.py)`", text)}
    assert "tests/builders.py" in files
    for path in files:
        assert (root / path).exists(), path
    for module, name in re.findall(r"`(listing|tabular_kinds|actions|services)\.([a-z_]+)\b", text):
        target = {"services": "qixin.core.services"}.get(module, f"qixin.core.{module}")
        assert hasattr(importlib.import_module(target), name), f"{module}.{name}"
