"""A roster export is masked by default; an export in clear is its own action, offered only to who
may see some organization's sensitive fields, asks for a reason and is audited with it: on the
page, on the command line and in the API."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.test import Client
from django.urls import reverse
from tests.builders import D, account, grant, id_number, org, person

from qixin.cli import main as cli
from qixin.core.models import AuditEntry, Role
from qixin.core.services import api_token_create, system_user
from qixin.orgs import services as org_services
from qixin.orgs.models import OrgKind, PositionTitle

pytestmark = pytest.mark.django_db

PHONE, ADDRESS = "13912345678", "上海市浦东新区张江路100号"


@pytest.fixture
def world():
    root = org(None, "R", OrgKind.COMMITTEE, "集团党委")
    a, b = org(root, "A", name="总装支部"), org(root, "B", name="研发支部")
    people = {
        "s": person(a, "S1", category="正式党员", name="司书记"),
        "m": person(
            a,
            "M1",
            category="正式党员",
            name="马党员",
            id_number=id_number(),
            birth_date=D(1990, 1, 1),
            phone=PHONE,
            address=ADDRESS,
        ),
        "e": person(a, "E1", name="叶员工"),
        "mb": person(
            b,
            "MB",
            category="正式党员",
            name="包研发",
            id_number=id_number(sequence=2),
            birth_date=D(1990, 1, 1),
        ),
    }
    org_services.position_assign(
        actor=system_user(),
        org=a,
        person_id=people["s"].pk,
        title=PositionTitle.SECRETARY,
        started_on=D(2024, 1, 1),
    )
    users = {
        "secretary": account("sec", person=people["s"]),
        "member": account("mem", person=people["m"]),
        "employee": account("emp", person=people["e"]),
        "admin": grant(account("adm"), Role.ADMIN),
    }
    return {"people": people, "users": users}


def client_for(world, role) -> Client:
    client = Client()
    client.force_login(world["users"][role])
    return client


def rows_of(content: bytes) -> dict[str, dict[str, str]]:
    return {r["姓名"]: r for r in csv.DictReader(content.decode("utf-8-sig").splitlines())}


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def last_entry() -> AuditEntry:
    return AuditEntry.objects.latest("id")


def test_the_list_export_is_masked_even_for_a_secretary(world):
    response = client_for(world, "secretary").get(reverse("people:export", args=["csv"]))
    row = rows_of(body(response))["马党员"]
    assert row["公民身份号码"] != id_number()
    assert "*" in row["公民身份号码"]
    assert row["联系电话"] != PHONE
    assert row["联系电话"].startswith("139")
    assert row["家庭住址"] == "****"
    entry = last_entry()
    assert (entry.action, entry.changes["sensitive_in_clear"]) == ("export", 0)


def test_a_secretary_exports_in_clear_with_a_reason_and_the_reason_is_audited(world):
    client = client_for(world, "secretary")
    listed = client.get(reverse("people:list")).content.decode()
    assert "明文导出（需填写事由）" in listed
    form = client.get(reverse("people:export_clear_form") + "?q=马")
    assert form.status_code == 200
    assert "共 1 人" in form.content.decode()
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("people:export_clear") + "?q=马", {"reason": "报送换届选举材料", "fmt": "csv"}
    )
    assert response.status_code == 200
    assert (
        "明文" in response["Content-Disposition"] or "%E6%98%8E%E6%96%87" in response["Content-Disposition"]
    )
    rows = rows_of(body(response))
    assert list(rows) == ["马党员"]  # the list's filters apply
    assert rows["马党员"]["公民身份号码"] == id_number()
    assert (rows["马党员"]["联系电话"], rows["马党员"]["家庭住址"]) == (PHONE, ADDRESS)
    assert AuditEntry.objects.count() == before + 1
    entry = last_entry()
    assert entry.action == "export_in_clear"
    assert entry.changes == {"rows": 1, "sensitive_in_clear": 1, "reason": "报送换届选举材料"}


@pytest.mark.parametrize("reason", ["", "  ", "需要", "x" * 201])
def test_an_export_in_clear_without_a_real_reason_writes_nothing_and_says_why(world, reason):
    client = client_for(world, "secretary")
    before = AuditEntry.objects.count()
    response = client.post(reverse("people:export_clear"), {"reason": reason, "fmt": "xlsx"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "事由" in page
    assert "Content-Disposition" not in response
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("role", ["member", "employee"])
def test_who_may_not_see_sensitive_fields_is_not_offered_an_export_in_clear(world, role):
    client = client_for(world, role)
    listed = client.get(reverse("people:list")).content.decode()
    assert "明文导出" not in listed
    assert "导入花名册" not in listed
    assert "登记人员" not in listed
    assert client.get(reverse("people:export_clear_form")).status_code == 403
    refused = AuditEntry.objects.filter(action="refused").count()
    response = client.post(reverse("people:export_clear"), {"reason": "报送换届选举材料", "fmt": "csv"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action="refused").count() == refused + 1
    assert not AuditEntry.objects.filter(action="export_in_clear").exists()


def test_rows_outside_the_actors_sensitive_scope_stay_masked_in_an_export_in_clear(world, tmp_path):
    # The administrator sees every row in clear; the secretary of 总装 would not see 研发's row at all.
    out = Path(tmp_path) / "all.csv"
    result = CliRunner().invoke(
        cli, ["export", "people", str(out), "--as", "adm", "--reason", "年度党员统计报送"]
    )
    assert result.exit_code == 0, result.output
    rows = rows_of(out.read_bytes())
    assert rows["包研发"]["公民身份号码"] == id_number(sequence=2)
    result = CliRunner().invoke(
        cli, ["export", "people", str(out), "--as", "sec", "--reason", "年度党员统计报送"]
    )
    assert result.exit_code == 0, result.output
    assert "包研发" not in rows_of(out.read_bytes())


def test_the_command_line_masks_by_default_and_refuses_a_reason_it_cannot_use(world, tmp_path):
    out = Path(tmp_path) / "people.csv"
    result = CliRunner().invoke(cli, ["export", "people", str(out), "--as", "sec"])
    assert result.exit_code == 0, result.output
    assert rows_of(out.read_bytes())["马党员"]["公民身份号码"] != id_number()
    result = CliRunner().invoke(
        cli, ["export", "people", str(out), "--as", "mem", "--reason", "报送换届选举材料"]
    )
    assert result.exit_code == 1
    assert "没有明文导出" in result.output
    assert last_entry().action == "refused"
    result = CliRunner().invoke(cli, ["export", "people", str(out), "--as", "sec", "--reason", "要"])
    assert result.exit_code == 1
    assert "至少4个字" in result.output
    result = CliRunner().invoke(
        cli, ["export", "orgs", str(out), "--as", "sec", "--reason", "报送换届选举材料"]
    )
    assert result.exit_code == 1
    assert "无需填写事由" in result.output


def test_the_api_masks_by_default_and_exports_in_clear_by_its_own_operation(world):
    _token, key = api_token_create(actor=world["users"]["secretary"], name="脚本")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    masked = api.get("/api/v1/export/people", {"format": "csv"})
    assert rows_of(body(masked))["马党员"]["公民身份号码"] != id_number()
    clear = api.post(
        "/api/v1/export/people/clear",
        json.dumps({"reason": "报送换届选举材料", "format": "csv"}),
        content_type="application/json",
    )
    assert clear.status_code == 200
    assert rows_of(body(clear))["马党员"]["公民身份号码"] == id_number()
    assert last_entry().changes["reason"] == "报送换届选举材料"
    short = api.post(
        "/api/v1/export/people/clear", json.dumps({"reason": "要"}), content_type="application/json"
    )
    assert short.status_code == 400
    assert "至少4个字" in short.json()["message"]
    _token, member_key = api_token_create(actor=world["users"]["member"], name="脚本")
    refused = Client(HTTP_AUTHORIZATION=f"Bearer {member_key}").post(
        "/api/v1/export/people/clear",
        json.dumps({"reason": "报送换届选举材料"}),
        content_type="application/json",
    )
    assert refused.status_code == 403
