"""Hostile uploads on every import endpoint: each API import, each import page and `qixin import KIND`,
as the lowest role (a member who manages nothing) and as an administrator. Each answers a clear 4xx
in Chinese (the command line: exit code 1, a Chinese message, no traceback), nothing is written,
and the process survives; reading a hostile file costs less than 200 MB.

The files are made by tests/hostile_files.py when the tests run. Costly ones are made once.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests import hostile_files as hostile
from tests.builders import account, org, person, superuser

from qixin.cli import main as cli
from qixin.core import tabular, tabular_kinds
from qixin.core.errors import ApplicationError
from qixin.core.models import AuditEntry
from qixin.orgs.models import Organization, OrgKind
from qixin.people.models import Person

pytestmark = pytest.mark.django_db

KINDS = tabular_kinds.keys()

# Each kind's API endpoint (the meetings history has none) and import page.
API = {
    "people": "/api/v1/people/import",
    "orgs": "/api/v1/orgs/import",
    "positions": "/api/v1/orgs/positions/import",
    "brand_recognitions": "/api/v1/brand/recognitions/import",
    "mobilize_team_members": "/api/v1/mobilize/teams/import",
    "mobilize_deployments": "/api/v1/mobilize/deployments/import",
    **{kind: f"/api/v1/improve/import/{kind}" for kind in KINDS if kind.startswith("improve_")},
}
PAGES = {
    "people": ("people:import", []),
    "orgs": ("orgs:import", []),
    "positions": ("orgs:position_import", []),
    "life_meetings": ("life:import", []),
    "brand_recognitions": ("brand:recognition_import", []),
    "mobilize_team_members": ("mobilize:import", ["team-members"]),
    "mobilize_deployments": ("mobilize:import", ["deployments"]),
    **{kind: ("improve:import", [kind]) for kind in KINDS if kind.startswith("improve_")},
}
# The shared import of every kind (core.tabular_kinds), beside each app's own address.
GENERIC_API = {kind: f"/api/v1/import/{kind}" for kind in KINDS}
GENERIC_PAGES = {kind: ("tabular_import", [kind]) for kind in KINDS}
# An employee may register projects, claim savings and hand in suggestions (improve.permissions):
# their files are read, and refused for what they are. Every other kind refuses a member first.
OPEN_TO_EMPLOYEES = {"improve_projects", "improve_savings", "improve_suggestions"}
ROWS_LIMIT = 1000  # the row limit in the endpoint matrix, so that a csv past it stays small


def headers(kind: str) -> list[str]:
    return tabular_kinds.get(kind).headers


@functools.cache
def bomb() -> bytes:
    return hostile.zip_bomb()


@functools.cache
def lying_bomb() -> bytes:
    return hostile.zip_bomb(declared=64 * 1024)


@functools.cache
def big_cell_xlsx(headers: tuple[str, ...]) -> bytes:
    return hostile.big_cell_xlsx(headers)


# name → (what makes it from the kind's headers, the error code an importer answers)
HOSTILE: dict[str, tuple[Callable[[list[str]], bytes], str]] = {
    "sparse.xlsx": (lambda h: hostile.sparse_xlsx(), "too_many_rows"),
    "sparse-cells.xlsx": (lambda h: hostile.sparse_xlsx(h, declared=False), "too_many_rows"),
    "bomb.xlsx": (lambda h: bomb(), "file_too_large"),
    "lying-bomb.xlsx": (lambda h: lying_bomb(), "bad_file"),
    "rows.csv": (lambda h: hostile.many_rows_csv(h, size=20_000), "too_many_rows"),
    "cell.csv": (hostile.big_cell_csv, "cell_too_large"),
    "cell.xlsx": (lambda h: big_cell_xlsx(tuple(h)), "cell_too_large"),
    "picture.xlsx": (lambda h: hostile.png(), "bad_file"),
    "archive.xlsx": (lambda h: hostile.random_zip(), "bad_file"),
    "picture.csv": (lambda h: hostile.png(), "bad_file"),
}


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.QIXIN_IMPORT_MAX_ROWS = ROWS_LIMIT
    root = org(None, "R", OrgKind.COMMITTEE, "示例党委")
    branch = org(root, "B1", name="第一党支部")
    member = person(branch, "M1", category="正式党员", name="马党员")
    return {
        "admin": superuser("admin", password="x-Password-2026"),
        "member": account("member", password="x-Password-2026", person=member),
    }


def expected(kind: str, role: str, name: str) -> tuple[int, str]:
    if role == "member" and kind not in OPEN_TO_EMPLOYEES:
        return 403, "forbidden"
    return 400, HOSTILE[name][1]


def unchanged() -> tuple[int, int, int]:
    return (
        Person.objects.count(),
        Organization.objects.count(),
        AuditEntry.objects.exclude(action="refused").count(),
    )


@pytest.mark.parametrize("name", list(HOSTILE))
@pytest.mark.parametrize("role", ["member", "admin"])
def test_every_api_import_answers_a_hostile_file_with_a_clear_4xx(client, world, role, name):
    client.force_login(world[role])
    before = unchanged()
    for kind, path in [*API.items(), *GENERIC_API.items()]:
        make, _code = HOSTILE[name]
        upload = SimpleUploadedFile(name, make(headers(kind)))
        response = client.post(f"{path}?dry_run=true", {"file": upload})
        body = response.json()
        assert (kind, response.status_code, body["code"]) == (kind, *expected(kind, role, name))
        assert body["message"] == (
            f"您没有导入{label(kind)}的权限：导入由所管理组织的党务工作者或书记进行。"
            if response.status_code == 403
            else body["message"]
        )
        assert f"“{name}”" in body["message"] or response.status_code == 403
    assert unchanged() == before


@pytest.mark.parametrize("name", list(HOSTILE))
@pytest.mark.parametrize("role", ["member", "admin"])
def test_every_import_page_answers_a_hostile_file_with_a_clear_4xx(client, world, tmp_path, role, name):
    client.force_login(world[role])
    before = unchanged()
    for kind, (url_name, args) in [*PAGES.items(), *GENERIC_PAGES.items()]:
        make, _code = HOSTILE[name]
        upload = SimpleUploadedFile(name, make(headers(kind)))
        response = client.post(reverse(url_name, args=args), {"file": upload})
        status, _code = expected(kind, role, name)
        assert (kind, response.status_code) == (kind, status)
        page = response.content.decode()
        if status == 403:
            assert f"您没有导入{label(kind)}的权限" in page
        else:
            assert response.context["error"].code == HOSTILE[name][1]
            assert f"“{name}”" in page
            assert "token" not in response.context  # nothing was staged
    assert unchanged() == before
    assert list((tmp_path / "media").glob("imports/*")) == []


def label(kind: str) -> str:
    if kind.startswith("improve_"):
        return tabular_kinds.get(kind).label
    return {
        "people": "人员花名册",
        "orgs": "组织",
        "positions": "党内职务",
        "life_meetings": "会议记录",
        "brand_recognitions": "荣誉名册",
        "mobilize_team_members": "队伍与队员",
        "mobilize_deployments": "派驻名单",
    }[kind]


@pytest.mark.parametrize("role", ["member", "admin"])
def test_the_command_line_answers_the_sparse_sheet_for_every_kind_without_a_traceback(world, tmp_path, role):
    before = unchanged()
    for kind in KINDS:
        source = tmp_path / "sparse.xlsx"
        source.write_bytes(hostile.sparse_xlsx())
        result = CliRunner().invoke(cli, ["import", kind, str(source), "--dry-run", "--as", role])
        assert (kind, result.exit_code) == (kind, 1), result.output
        assert isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
        status, _code = expected(kind, role, "sparse.xlsx")
        assert (
            f"您没有导入{label(kind)}的权限"
            if status == 403
            else f"文件“sparse.xlsx”的工作表有 1048576 行，超过上限 {ROWS_LIMIT} 行"
        ) in result.output
    assert unchanged() == before


@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_command_line_answers_every_hostile_file_without_a_traceback(world, tmp_path, name):
    source = tmp_path / name
    source.write_bytes(HOSTILE[name][0](headers("people")))
    before = unchanged()
    result = CliRunner().invoke(cli, ["import", "people", str(source), "--as", "admin"])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert f"“{name}”" in result.output
    assert unchanged() == before


def test_a_member_is_refused_before_the_file_is_read_and_the_refusal_is_audited(client, world, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(tabular, "_raw_rows", never)
    client.force_login(world["member"])
    refused = AuditEntry.objects.filter(action="refused").count()
    upload = SimpleUploadedFile("花名册.xlsx", hostile.sparse_xlsx())
    response = client.post("/api/v1/people/import?dry_run=true", {"file": upload})
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert AuditEntry.objects.filter(action="refused").count() == refused + 1


# --- the limits themselves --------------------------------------------------------------------------


def test_the_row_limit_counts_the_header_and_refuses_one_row_more(settings):
    settings.QIXIN_IMPORT_MAX_ROWS = 3
    columns = [tabular.Column("工号", "no", required=True)]
    rows, problems = tabular.read(hostile.csv_bytes([["工号"], ["1"], ["2"]]), "a.csv", columns)
    assert ([n for n, _ in rows], problems) == ([2, 3], [])
    for data, name in (
        (hostile.csv_bytes([["工号"], ["1"], ["2"], ["3"]]), "b.csv"),
        (
            hostile.package(
                hostile.SHEET_START
                + b"<sheetData>"
                + hostile.header_row(["工号"])
                + b"".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>'.encode() for n in range(2, 5))
                + b"</sheetData></worksheet>"
            ),
            "b.xlsx",
        ),
    ):
        with pytest.raises(ApplicationError) as refused:
            tabular.read(data, name, columns)
        assert refused.value.code == "too_many_rows"
    assert str(refused.value) == "文件“b.xlsx”的工作表有 4 行，超过上限 3 行，请分批导入。"


def test_the_full_size_csv_of_ten_million_rows_is_refused_at_the_row_limit():
    columns = [tabular.Column("工号", "no", required=True)]
    with pytest.raises(ApplicationError) as refused:
        tabular.read(hostile.many_rows_csv(["工号"]), "行.csv", columns)
    assert str(refused.value) == "文件“行.csv”的行数超过上限 200000 行，请分批导入。"


def test_a_header_that_does_not_match_is_refused_before_the_rest_of_the_sheet_is_read(settings):
    """The sheet after the header is damaged (its part claims 4 KB more than it holds): the header
    is refused from the first megabyte, before the damage is reached."""
    settings.QIXIN_IMPORT_MAX_COMPRESSION_RATIO = 10**6
    columns = [tabular.Column("工号", "no", required=True)]
    data = hostile.zip_bomb(["姓名"], size=8 * hostile.MEGABYTE, declared=8 * hostile.MEGABYTE + 4096)
    with pytest.raises(ApplicationError) as refused:
        tabular.read(data, "表头.xlsx", columns)
    assert (refused.value.code, [str(p) for p in refused.value.problems]) == (
        "bad_header",
        ["第1行：缺少必填列“工号”", "第1行，“姓名”列：无法识别的列“姓名”，请使用导入模板的表头"],
    )


def test_a_header_cell_larger_than_the_limit_is_refused_without_repeating_it(settings):
    columns = [tabular.Column("工号", "no", required=True)]
    for data, name in (
        (hostile.csv_bytes([["长" * 40_000]]), "头.csv"),
        (hostile.big_cell_xlsx(["长" * 40_000], 1), "头.xlsx"),
    ):
        with pytest.raises(ApplicationError) as refused:
            tabular.read(data, name, columns)
        assert str(refused.value) == f"文件“{name}”第1行第1列的内容有 40000 个字符，超过上限 32767 个字符。"


def test_a_real_workbook_written_by_our_export_still_reads(tmp_path):
    columns = [tabular.Column("工号", "no", required=True), tabular.Column("姓名", "name")]
    path = tmp_path / "导出.xlsx"
    tabular.write(path, ["工号", "姓名"], [["QX1", "张明"], ["QX2", "李强"]])
    rows, problems = tabular.read(path.read_bytes(), "导出.xlsx", columns)
    assert (rows, problems) == ([(2, {"no": "QX1", "name": "张明"}), (3, {"no": "QX2", "name": "李强"})], [])


# --- memory: each hostile file read in a fresh process, its peak measured by the kernel -------------

MEMORY_SCRIPT = textwrap.dedent(
    """
    import json, os, re, sys
    os.environ["DJANGO_SETTINGS_MODULE"] = "qixin.settings.test"
    import django
    django.setup()
    from qixin.core import tabular
    from qixin.core.errors import ApplicationError
    from qixin.people.importers import COLUMNS

    def megabytes(field):
        return int(re.search(field + r":\\s+(\\d+)", open("/proc/self/status").read())[1]) / 1024

    results = {}
    for path in sys.argv[1:]:
        data = open(path, "rb").read()
        open("/proc/self/clear_refs", "w").write("5")  # the peak starts again from here
        before = megabytes("VmRSS")
        try:
            tabular.read(data, os.path.basename(path), COLUMNS)
            code = "read"
        except ApplicationError as exc:
            code = exc.code
        results[os.path.basename(path)] = [code, megabytes("VmHWM") - before]
        del data
    print(json.dumps(results))
    """
)


def test_reading_any_hostile_file_costs_under_200_megabytes_and_the_process_survives(tmp_path):
    codes = {name: code for name, (_make, code) in HOSTILE.items() if name != "rows.csv"}
    codes["rows-full.csv"] = "too_many_rows"  # the small one is within the default limit
    names = {name: make for name, (make, _code) in HOSTILE.items() if name != "rows.csv"}
    names["rows-full.csv"] = hostile.many_rows_csv
    paths = []
    for name, make in names.items():
        paths.append(tmp_path / name)
        paths[-1].write_bytes(make(headers("people")))
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT, *map(str, paths)], capture_output=True, text=True, check=True
    )
    results = json.loads(done.stdout)
    assert {name: code for name, (code, _mb) in results.items()} == codes
    assert {name: mb for name, (_code, mb) in results.items() if mb >= 200} == {}


def test_the_documented_limits_are_the_defaults():
    from django.conf import settings as django_settings

    text = (Path(__file__).resolve().parents[2] / "docs" / "import-formats.md").read_text(encoding="utf-8")
    section = text.split("## 文件大小与行列上限", 1)[1].split("\n## ", 1)[0]
    documented = {
        cells[1].strip("` "): cells[2].strip()
        for cells in (line.strip("|").split("|") for line in section.splitlines() if "`QIXIN_" in line)
    }
    assert documented == {
        name: f"{value // (1024 * 1024)} MB" if name.endswith("_BYTES") else str(value)
        for name in documented
        for value in [getattr(django_settings, name)]
    }
    assert len(documented) == 8


@pytest.mark.parametrize(
    ("cells", "code"),
    [
        (b'<c x:r="A2" r="XFD1048576" xmlns:x="urn:x"><v>1</v></c>', "too_many_rows"),  # a prefixed decoy
        (b'<c r="A2" r="XFD1048576"><v>1</v></c>', "bad_file"),  # readers differ on which one counts
        (b'<c r="&#88;FD1048576"><v>1</v></c>', "too_many_rows"),  # a character reference
        (b'<c r="xfd1048576"><v>1</v></c>', "too_many_rows"),
        (b'<c r=" XFD1048576"><v>1</v></c>', "bad_file"),
        (b"<c><v>1</v></c>" * 101, "too_many_columns"),  # cells without a reference, counted
    ],
)
def test_a_cell_whose_place_is_disguised_is_still_measured(cells, code):
    sheet = hostile.SHEET_START + b"<sheetData>" + hostile.header_row(["工号"])
    data = hostile.package(sheet + b'<row r="2">' + cells + b"</row></sheetData></worksheet>")
    with pytest.raises(ApplicationError) as refused:
        tabular.read(data, "伪装.xlsx", [tabular.Column("工号", "no", required=True)])
    assert refused.value.code == code
