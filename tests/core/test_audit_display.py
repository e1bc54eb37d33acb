"""The audit log reads in Chinese: actions, tables and fields by their names, an update's change as
“旧 → 新”, never a Python dict or an internal code."""

import pytest
from django.urls import reverse
from tests.builders import org, person, superuser

from qixin.core import audit_display
from qixin.core.services import system_user
from qixin.orgs.models import OrgKind
from qixin.people import services as people_services

pytestmark = pytest.mark.django_db


def test_the_audit_log_names_actions_tables_and_fields_in_chinese(client):
    branch = org(org(None, "R", OrgKind.COMMITTEE, "党委"), "B", name="一支部")
    someone = person(branch, "QX1", name="王小明", department="总装车间")
    people_services.person_update(actor=system_user(), person=someone, values={"department": "涂装车间"})
    client.force_login(superuser("root"))
    page = client.get(reverse("audit_log")).content.decode()
    assert "<td>修改</td>" in page
    assert "人员 王小明" in page
    assert "部门：</span>总装车间 → 涂装车间" in page
    assert "{&#x27;" not in page  # no dict printed
    assert "people.Person" not in page
    assert 'value="update" >修改</option>' in page


def test_every_action_the_code_records_has_a_chinese_label():
    import re
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "src" / "qixin"
    used = set()
    for path in src.rglob("*.py"):
        used |= set(re.findall(r'action="([a-z_]+)"', path.read_text()))
    assert used, "the scan found the actions"
    assert sorted(used - set(audit_display.ACTION_LABELS)) == []


def test_a_refusal_and_an_export_read_plainly():
    rows = audit_display.changes_of("export_in_clear", "people.Person", {"rows": 3, "reason": "报送材料"})
    assert [(c.field, c.text) for c in rows] == [("行数", "3"), ("事由", "报送材料")]
    pillars = audit_display.changes_of("create", "brand.Framework", {"pillars": ["攻坚", "服务"]})
    assert pillars[0].text == "攻坚、服务"  # a list of a creation is not read as before → after
    assert audit_display.action_label("unknown_code") == "unknown_code"
    assert audit_display.model_label("nope.Nothing") == "nope.Nothing"
