"""The audit log is a hash chain: `qixin audit verify` passes on an intact log and names the first
entry that was edited or removed behind the application's back."""

import pytest
from click.testing import CliRunner
from tests.builders import org

from qixin.cli import main as cli
from qixin.core.models import AuditEntry
from qixin.core.services import system_user
from qixin.orgs import services as org_services
from qixin.orgs.models import OrgKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def log():
    root = org(None, "R", OrgKind.COMMITTEE, "示例党委")
    for i in range(5):
        branch = org(root, f"B{i}")
        org_services.org_update(actor=system_user(), org=branch, unit=f"车间{i}")
    return list(AuditEntry.objects.order_by("id"))


def verify():
    return CliRunner().invoke(cli, ["audit", "verify"])


def test_an_intact_log_verifies(log):
    result = verify()
    assert result.exit_code == 0, result.output
    assert f"{len(log)} 条记录的哈希链全部校验通过" in result.output


def test_an_edited_row_is_named(log):
    target = log[4]
    AuditEntry.objects.filter(pk=target.pk).update(changes={"unit": ["", "别的车间"]})
    result = verify()
    assert result.exit_code == 1
    assert f"第一条不符的记录编号 {target.pk}" in result.output


def test_a_rehashed_row_breaks_the_link_to_the_next(log):
    """Whoever edits a row and recomputes its hash still breaks the next entry's link."""
    from qixin.core.audit import entry_hash

    target = log[3]
    target.actor_label = "别人"
    target.hash = entry_hash(target)
    target.save()
    result = verify()
    assert result.exit_code == 1
    assert f"第一条不符的记录编号 {log[4].pk}" in result.output


def test_a_deleted_row_is_found_at_the_next_entry(log):
    AuditEntry.objects.filter(pk=log[2].pk).delete()
    result = verify()
    assert result.exit_code == 1
    assert f"第一条不符的记录编号 {log[3].pk}" in result.output
