"""`qixin life …` ends a refusal like every other command: the message in red, exit code 1, and the
refusal in the audit log."""

from click.testing import CliRunner

from qixin.cli import main
from qixin.core.models import AuditEntry


def test_a_refused_life_command_is_audited_and_changes_nothing_else(world):
    before = list(AuditEntry.objects.values_list("id", flat=True))

    result = CliRunner().invoke(main, ["life", "compliance", "--org", "Q-1", "--as", "out"])

    assert result.exit_code == 1
    assert result.output == "未找到该记录。\n"
    entry = AuditEntry.objects.exclude(id__in=before).get()
    assert (entry.action, entry.actor, entry.changes) == (
        "refused",
        world.outsider_user,
        {"status": 404, "code": "not_found"},
    )
    assert entry.object_repr.startswith("qixin ")
