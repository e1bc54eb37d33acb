"""What a `qixin` process loads before it works: a command pays only for the libraries it uses (each
new process pays again), while the web server and `qixin manage` keep every installed app."""

import subprocess
import sys

# Segmentation (jieba, which pulls in pkg_resources), spreadsheets and documents, the API
# (django-ninja and pydantic), field encryption: imported where they are used.
HEAVY = ("jieba", "pkg_resources", "xlsxwriter", "docx", "ninja", "pydantic", "cryptography")


def _run_cli(*args: str) -> list[str]:
    """Runs `qixin ARGS` in a fresh process; returns the HEAVY libraries it loaded and whether the
    ninja app was installed. The test database is empty there: a command may fail after start-up."""
    script = f"""
import sys
from click.testing import CliRunner
from django.apps import apps
from qixin.cli import main

CliRunner().invoke(main, {list(args)!r})
print(*[name for name in {HEAVY!r} if name in sys.modules], "ninja-app" if apps.is_installed("ninja") else "")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_report_command_loads_no_segmentation_spreadsheet_document_api_or_encryption_library():
    assert _run_cli("report", "summary", "--org", "无此组织", "--format", "json") == []


def test_manage_keeps_the_api_app_for_its_documentation_page_and_commands():
    assert _run_cli("manage", "help") == ["ninja", "pydantic", "ninja-app"]


def test_every_rule_and_named_permission_is_registered_when_the_apps_load():
    """Rules (qixin.core.rules) and named permissions (django-rules) are registered by the apps'
    `ready`, not by whichever module happens to be imported first: a command, a shell or a page can
    read or override any of them."""
    script = """
import importlib, pkgutil
import django
django.setup()
import rules.permissions
from qixin.core import rules as qixin_rules
before = (set(qixin_rules.REGISTRY), set(rules.permissions.permissions))
import qixin
for module in pkgutil.walk_packages(qixin.__path__, "qixin."):
    if module.name.rsplit(".", 1)[-1] in ("services", "views", "api", "importers", "selectors"):
        importlib.import_module(module.name)
after = (set(qixin_rules.REGISTRY), set(rules.permissions.permissions))
print(len(after[0]), len(after[1]))
print(" ".join(sorted((after[0] - before[0]) | (after[1] - before[1]))))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    counts, late = done.stdout.split("\n")[:2]
    rule_count, permission_count = map(int, counts.split())
    assert rule_count > 20  # the registries were read, not empty
    assert permission_count > 20
    assert late.split() == []
