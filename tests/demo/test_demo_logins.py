"""The demo logins: `qixin seed-demo` prints one per role, `qixin run` prints the same ones on every
later start (read back from the database), and README.md lists exactly those roles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from qixin.cli import main
from qixin.demo import seed as demo
from qixin.demo.context import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"
EMPLOYEE_NO = re.compile(r"QX\d{6}")


def _printed(output: str) -> list[tuple[str, str, str]]:
    """The logins `qixin seed-demo` printed: the lines after its heading, as (role, username, who)."""
    lines = output.split(f"演示账号（密码均为 {DEMO_PASSWORD}）：\n", 1)[1].splitlines()
    return [tuple(line.split(maxsplit=2)) for line in lines if line.startswith("  ")]  # type: ignore[misc]


def _readme() -> list[tuple[str, str]]:
    """The README's table of demo logins: (role, username as written)."""
    section = README.read_text(encoding="utf-8").split("### 演示账号", 1)[1].split("\n#", 1)[0]
    rows = [line.strip("|").split("|") for line in section.splitlines() if line.startswith("| ")]
    return [(role.strip(), username.strip()) for role, username, *_ in rows[1:]]  # past the heading row


def test_the_readme_lists_the_logins_the_seed_prints_and_every_start_prints_them_again():
    result = CliRunner().invoke(main, ["seed-demo", "--scale", "small", "--today", "2026-12-03"])
    assert result.exit_code == 0, result.output
    printed = _printed(result.output)
    assert [role for role, _, _ in printed] == [
        "系统管理员",
        "党务工作者",
        "支部书记",
        "党员",
        "员工",
        "财务核定",
        "建议评审",
    ]
    # Every later start of `qixin run` reads them back from the database: the same lines.
    assert demo.saved_logins() == printed
    readme = _readme()
    assert [role for role, _ in readme] == [role for role, _, _ in printed]
    for (role, written), (_, username, _) in zip(readme, printed, strict=True):
        if written.startswith("`"):
            assert written == f"`{username}`", role
        else:  # a person's login is their 工号, which depends on the scale: printed at start-up
            assert written.startswith("工号"), role
            assert EMPLOYEE_NO.fullmatch(username), role
    assert f"`{DEMO_PASSWORD}`" in README.read_text(encoding="utf-8")
