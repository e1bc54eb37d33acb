"""The one registry of file kinds (core.tabular_kinds): every kind's template, filled with its
columns' examples, imports without a problem from the command line and the API; the shared import
page previews and confirms; a role that may not import is refused before the file is read; bad
numbers are problems in Chinese, not a 500."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.builders import org, person

from qixin.cli import main as cli
from qixin.core import tabular_kinds
from qixin.core.errors import ApplicationError
from qixin.core.models import AuditEntry, User
from qixin.core.services import system_user
from qixin.improve import services as improve_services
from qixin.improve.models import Stage
from qixin.orgs.models import OrgKind

pytestmark = pytest.mark.django_db

KINDS = tabular_kinds.keys()
# The kinds every test below expects: a kind added to the registry is added here, with its example
# world below (its template must import).
EXPECTED = [
    "orgs",
    "positions",
    "people",
    "life_meetings",
    "brand_recognitions",
    "mobilize_team_members",
    "mobilize_deployments",
    "improve_alliances",
    "improve_projects",
    "improve_savings",
    "improve_suggestions",
    "improve_studios",
    "improve_cases",
]
PASSWORD = "x-Password-2026"


def test_the_registry_lists_every_kind_once_with_its_label_and_columns():
    assert sorted(KINDS) == sorted(EXPECTED)
    for kind in tabular_kinds.kinds():
        assert kind.label, kind.key
        assert kind.columns, kind.key
        headers = [c.header for c in kind.columns]
        assert len(headers) == len(set(headers)), kind.key
        assert any(c.required for c in kind.columns), kind.key


def test_an_unknown_kind_is_a_404_in_chinese_that_lists_the_known_ones():
    with pytest.raises(ApplicationError) as unknown:
        tabular_kinds.get("nothing")
    assert unknown.value.status == 404
    assert "没有名为“nothing”的导入类型" in unknown.value.message
    assert "orgs" in unknown.value.message


@pytest.fixture
def world(settings, tmp_path):
    """The organizations, people and records the columns' examples name."""
    settings.MEDIA_ROOT = tmp_path / "media"
    admin = User.objects.create_superuser("admin", password=PASSWORD)
    qx = org(None, "QX", OrgKind.COMMITTEE, "旗心党委")
    zz = org(qx, "QX-ZZ", OrgKind.GENERAL_BRANCH, "总装车间党总支")
    zz1 = org(zz, "QX-ZZ-01", name="总装车间第一党支部")
    zz2 = org(zz, "QX-ZZ-02", name="总装车间第二党支部")
    hz = org(qx, "QX-HZ", OrgKind.GENERAL_BRANCH, "焊装车间党总支")
    hz1 = org(hz, "QX-HZ-01", name="焊装车间第一党支部")
    tz = org(qx, "QX-TZ", OrgKind.GENERAL_BRANCH, "涂装车间党总支")
    tz1 = org(tz, "QX-TZ-01", name="涂装车间第一党支部")
    sv = org(None, "SV", OrgKind.COMMITTEE, "上汽大众党委")
    sv_zz = org(sv, "SV-ZZ", OrgKind.GENERAL_BRANCH, "总装党总支")
    sv_zz1 = org(sv_zz, "SV-ZZ-01", name="总装第一党支部")
    person(zz1, "QX000001", category="正式党员", name="张明")
    leader = person(hz1, "QX000002", category="正式党员", name="李强")
    person(hz1, "QX000003", category="正式党员")
    person(zz2, "QX000004", category="正式党员")
    person(tz1, "QX000005", category="正式党员")
    person(zz1, "QX000029")
    person(sv_zz1, "SV000123", category="正式党员")
    member = person(zz1, "QX000100", category="正式党员", name="马党员")
    # The savings example claims for a project in 实施 (a claim is made once work has started).
    project = improve_services.project_create(
        actor=system_user(),
        code="XM-2026-000001",
        organization=hz1,
        title="焊装车间电极帽修磨标准化",
        owner=leader,
        category="制造降本",
        started_on=dt.date(2026, 3, 1),
    )
    improve_services.project_move(
        actor=system_user(), project=project, to_stage=Stage.IMPLEMENTING, on=dt.date(2026, 3, 2)
    )
    return {
        "admin": admin,
        "member": User.objects.create_user("member", password=PASSWORD, person=member),
    }


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_every_template_filled_with_its_examples_imports_without_a_problem(world, client, tmp_path):
    """In the registry's order (an alliance before the projects that name it): the command line's
    template and dry run, then the API's template, dry run and import, then its export."""
    client.force_login(world["admin"])
    failures = []
    for kind in tabular_kinds.kinds():
        template = tmp_path / f"{kind.key}.csv"
        made = CliRunner().invoke(cli, ["template", kind.key, str(template)])
        assert made.exit_code == 0, (kind.key, made.output)
        assert _csv_rows(template.read_bytes()) == [kind.headers, [c.example for c in kind.columns]]

        dry = CliRunner().invoke(cli, ["import", kind.key, str(template), "--dry-run", "--as", "admin"])
        if dry.exit_code != 0 or "【试运行，未写入】" not in dry.output:
            failures.append((kind.key, "cli", dry.output))

        got = client.get(f"/api/v1/template/{kind.key}?format=csv")
        assert got.status_code == 200, kind.key
        data = b"".join(got.streaming_content)
        assert data == template.read_bytes()
        for dry_run in ("true", "false"):
            upload = SimpleUploadedFile(f"{kind.key}.csv", data)
            answer = client.post(f"/api/v1/import/{kind.key}?dry_run={dry_run}", {"file": upload})
            body = answer.json()
            if answer.status_code != 200:
                failures.append((kind.key, f"api dry_run={dry_run}", body))
                continue
            assert body["dry_run"] is (dry_run == "true")
            assert body["created"] + body["updated"] + body["unchanged"] == 1, (kind.key, body)

        exported = client.get(f"/api/v1/export/{kind.key}?format=xlsx")
        assert exported.status_code == 200, kind.key
        assert ".xlsx" in exported["Content-Disposition"]
        assert AuditEntry.objects.filter(action="export", model=kind.model).exists(), kind.key
    assert failures == []


@pytest.mark.parametrize("kind", EXPECTED)
def test_every_kind_is_served_by_the_api_and_its_pages(world, client, kind):
    client.force_login(world["admin"])
    spec = tabular_kinds.get(kind)
    for fmt in ("xlsx", "csv"):
        assert client.get(f"/api/v1/template/{kind}?format={fmt}").status_code == 200
        assert client.get(f"/api/v1/export/{kind}?format={fmt}").status_code == 200
        assert client.get(reverse("tabular_template", args=[kind, fmt])).status_code == 200
        assert client.get(reverse("tabular_export", args=[kind, fmt])).status_code == 200
    page = client.get(reverse("tabular_import", args=[kind]))
    assert page.status_code == 200
    assert f"导入{spec.label}" in page.content.decode()
    assert client.get(f"/api/v1/template/{kind}?format=pdf").status_code == 422
    assert client.get(reverse("tabular_export", args=[kind, "pdf"])).status_code == 404


def test_unknown_kinds_are_404_everywhere(world, client, tmp_path):
    client.force_login(world["admin"])
    assert client.get("/import/nothing/").status_code == 404
    assert client.get("/export/nothing.xlsx").status_code == 404
    assert client.get("/api/v1/template/nothing").status_code == 404
    answer = client.post("/api/v1/import/nothing", {"file": SimpleUploadedFile("a.csv", b"x")})
    assert answer.status_code == 404
    assert "没有名为“nothing”的导入类型" in answer.json()["message"]
    refused = CliRunner().invoke(cli, ["template", "nothing", str(tmp_path / "nothing.csv")])
    assert refused.exit_code == 1
    assert "没有名为“nothing”的导入类型" in refused.output


def test_the_index_lists_the_kinds_the_user_may_import_with_their_templates(world, client):
    client.force_login(world["admin"])
    page = client.get(reverse("tabular_index")).content.decode()
    for kind in tabular_kinds.kinds():
        assert reverse("tabular_import", args=[kind.key]) in page
        assert reverse("tabular_template", args=[kind.key, "xlsx"]) in page
    client.force_login(world["member"])
    page = client.get(reverse("tabular_index")).content.decode()
    allowed = {k.key for k in tabular_kinds.kinds_for(world["member"])}
    assert allowed == {"improve_projects", "improve_savings", "improve_suggestions"}
    assert reverse("tabular_import", args=["improve_projects"]) in page
    assert reverse("tabular_import", args=["orgs"]) not in page


def test_the_import_page_previews_then_confirms(world, client):
    client.force_login(world["admin"])
    spec = tabular_kinds.get("orgs")
    data = (
        ",".join(spec.headers) + "\nQX-ZZ-03,总装车间第三党支部,党支部,QX-ZZ,总装车间,2016-03-01,,\n"
    ).encode()
    url = reverse("tabular_import", args=["orgs"])
    preview = client.post(url, {"file": SimpleUploadedFile("组织.csv", data)})
    assert preview.status_code == 200
    assert preview.context["preview"].created == 1
    assert "新增 QX-ZZ-03 总装车间第三党支部" in preview.content.decode()
    token = preview.context["token"]
    done = client.post(url, {"token": token, "filename": "组织.csv"})
    assert done.status_code == 200
    assert done.context["report"].created == 1
    assert "导入完成" in done.content.decode()
    # The app's own address is the same page.
    assert reverse("orgs:import") == "/orgs/import/"
    assert client.get(reverse("orgs:import")).context["kind"] is spec


def test_a_role_that_may_not_import_is_refused_before_the_file_is_read_and_audited(world, client):
    client.force_login(world["member"])
    spec = tabular_kinds.get("orgs")
    refused_before = AuditEntry.objects.filter(action="refused").count()
    page = client.post(
        reverse("tabular_import", args=["orgs"]), {"file": SimpleUploadedFile("a.csv", b"\x00")}
    )
    assert page.status_code == 403
    assert "您没有导入组织的权限" in page.content.decode()
    answer = client.post("/api/v1/import/orgs", {"file": SimpleUploadedFile("a.csv", b"\x00")})
    assert (answer.status_code, answer.json()["code"]) == (403, "forbidden")
    assert AuditEntry.objects.filter(action="refused").count() == refused_before + 2
    assert spec.permitted(world["member"]) is False


# The columns read as whole numbers: '²' passes str.isdigit(), and int() refuses it.
NUMBERS = [
    ("orgs", "任期（年）"),
    ("brand_recognitions", "年度"),
    ("improve_cases", "年度"),
    ("life_meetings", "应到"),
    ("life_meetings", "实到"),
    ("life_meetings", "请假"),
]


@pytest.mark.parametrize(("kind", "header"), NUMBERS)
@pytest.mark.parametrize("cell", ["²", "１٣", "3.5", "-1"])
def test_a_number_that_is_not_one_is_a_problem_in_chinese_not_a_500(world, client, kind, header, cell):
    spec = tabular_kinds.get(kind)
    row = [cell if c.header == header else c.example for c in spec.columns]
    out = io.StringIO()
    csv.writer(out).writerows([spec.headers, row])
    with pytest.raises(ApplicationError) as refused:
        spec.run(actor=world["admin"], data=out.getvalue().encode(), filename="a.csv", dry_run=True)
    assert refused.value.code == "invalid_rows"
    assert [(p.row, p.column) for p in refused.value.problems if p.column == header] == [(2, header)]
    assert any(f"“{cell}”不是" in p.message for p in refused.value.problems)
    client.force_login(world["admin"])
    upload = SimpleUploadedFile("a.csv", out.getvalue().encode())
    answer = client.post(f"/api/v1/import/{kind}?dry_run=true", {"file": upload})
    assert (answer.status_code, answer.json()["code"]) == (400, "invalid_rows")


def test_full_width_digits_are_read_as_digits(world):
    spec = tabular_kinds.get("orgs")
    row = ["２" if c.header == "任期（年）" else c.example for c in spec.columns]
    out = io.StringIO()
    csv.writer(out).writerows([spec.headers, row])
    report = spec.run(actor=world["admin"], data=out.getvalue().encode(), filename="a.csv", dry_run=True)
    assert report.total == 1
