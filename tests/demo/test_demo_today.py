"""The demo is alive on the day it is loaded: `qixin seed-demo --today D` gives a year of activity up to
the day before D, the coming week's meetings planned, most branches up to date with their
organizational life, a handful of 员工心声 past their deadline, no empty month in the last twelve, and
nothing dated after D but what is planned or due. The same seed and day give the same data, whatever
the wall clock says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from tests.demo.digest import digest

from qixin.care.models import Moderation, Ticket, TicketStatus
from qixin.care.permissions import overdue_q
from qixin.core.periods import Period, add_months
from qixin.core.rules import rulebook
from qixin.core.services import system_user
from qixin.demo import seed as demo
from qixin.life import selectors as life_selectors
from qixin.life.models import Meeting, MeetingStatus
from qixin.orgs.models import Organization, OrgKind
from qixin.reports.metrics import REGISTRY, Scope

pytestmark = pytest.mark.django_db

DAYS = [date(2026, 12, 3), date(2027, 6, 15)]

# Loads the demo in a fresh process through the command line (its own in-memory database, the real
# wall clock) and prints the digest of what it loaded.
SCRIPT = """
import json, sys
import django
django.setup()
from click.testing import CliRunner
from django.core.management import call_command
from qixin.cli import main
from tests.demo.digest import digest

call_command("migrate", verbosity=0)
result = CliRunner().invoke(main, ["seed-demo", "--scale", "small", "--today", sys.argv[1]])
assert result.exit_code == 0, result.output
print(json.dumps(digest()))
"""


def _seed(day: date, monkeypatch: pytest.MonkeyPatch) -> None:
    """Load the small demo dated `day` while the wall clock reads another year: nothing may read it."""
    elsewhere = datetime(2031, 2, 27, 15, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))
    with monkeypatch.context() as patched:
        patched.setattr(timezone, "now", lambda: elsewhere)
        demo.run(scale="small", seed=1, log=lambda _: None, today=day)


def _cli_digest(day: date) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # an in-memory SQLite database
    env["DJANGO_SETTINGS_MODULE"] = "qixin.settings.test"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, day.isoformat()],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],  # the repository, where `tests` is found
    )
    result: dict[str, str] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _morning(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=ZoneInfo(settings.TIME_ZONE))


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_demo_looks_alive_on_the_day_it_is_dated_to(day, monkeypatch):
    _seed(day, monkeypatch)
    admin = system_user()
    root = Organization.objects.get(code="QX")

    # The rules page is headed 八个必过 and lists eight: the article's five and the enterprise's three.
    branch = Organization.objects.filter(kind=OrgKind.BRANCH).first()
    assert branch is not None
    topics = rulebook(branch, day).get("life.topics")
    assert (topics["name"], len(topics["topics"])) == ("八个必过", 8)

    # Organizational life: most branches are up to date this year (a few fall behind, as in a real
    # organization), judged as the compliance page judges them on that day.
    year = Period.inclusive(date(day.year, 1, 1), date(day.year, 12, 31))
    report = life_selectors.compliance_for(actor=admin, org=root, period=year, today=day)
    branches = [row for row in report.rows if row.org.kind == OrgKind.BRANCH]
    assert len(branches) == 12
    compliant = sum(1 for row in branches if row.compliant)
    assert compliant / len(branches) >= 0.75, f"{compliant} of {len(branches)} branches up to date"

    # 员工心声: a handful of the open ones are past their deadline (the 逾期 flag has something to
    # show), at most one in twenty of them, or a single one.
    now = _morning(day)
    open_tickets = Ticket.objects.exclude(status=TicketStatus.CLOSED).filter(
        moderation__in=[Moderation.VISIBLE, Moderation.HELD]  # not spam, not hidden
    )
    overdue = open_tickets.filter(overdue_q(now)).count()
    assert open_tickets.count() > 0
    assert 1 <= overdue <= max(1, open_tickets.count() // 20), (overdue, open_tickets.count())

    # The reports: no month of the last twelve without meetings held or tickets received.
    this_month = day.replace(day=1)
    months = [Period(add_months(this_month, -n), add_months(this_month, 1 - n)) for n in range(12, 0, -1)]
    for key in ("life.meetings_held", "care.tickets"):
        figures = [REGISTRY[key].compute(Scope(actor=admin, org=root, period=month)) for month in months]
        assert all(figures), f"{key}: {dict(zip([f'{m.start:%Y-%m}' for m in months], figures, strict=True))}"

    # The coming week has meetings planned; whatever is planned lies ahead, whatever is held is past.
    week = Meeting.objects.filter(held_on__gte=day, held_on__lt=day + timedelta(days=7))
    assert week.filter(status=MeetingStatus.PLANNED).exists()
    assert not Meeting.objects.filter(status=MeetingStatus.PLANNED, held_on__lt=day).exists()
    assert not Meeting.objects.filter(status=MeetingStatus.HELD, held_on__gte=day).exists()

    # Nothing is dated after the day but planned meetings and what falls due.
    assert _dated_after(day) == []


# Dates that may lie ahead: when something falls due or is planned to end, and when a record was
# written (created_at, updated_at, an account's date_joined: the wall clock of the load).
AHEAD = {
    "created_at",
    "updated_at",
    "date_joined",
    "due_on",
    "respond_due",
    "close_due",
    "ends_on",
    "term_ends_on",
}
PLANNED_MEETING_FIELDS = {"starts_at", "ends_at", "held_on"}
# The audit trail records when the loader wrote (a demo step that goes through a service, as the
# notices' does, is audited at the wall clock of the load, like created_at).
WRITTEN_AT = {("core.AuditEntry", "at")}


def _dated_after(day: date) -> list[str]:
    """Every date and time in the demo's apps later than `day` (its end for a time), apart from those
    that may lie ahead: a list of 'model.field: how many'."""
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))
    found = []
    for app in (
        "orgs",
        "people",
        "core",
        "life",
        "brand",
        "mobilize",
        "advocacy",
        "improve",
        "care",
        "notices",
    ):
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.concrete_fields:
                if field.name in AHEAD or not isinstance(field, models.DateField | models.DateTimeField):
                    continue
                if (model._meta.label, field.name) in WRITTEN_AT:
                    continue
                limit = end if isinstance(field, models.DateTimeField) else day
                queryset = model._default_manager.filter(**{f"{field.name}__gt": limit})
                if model is Meeting and field.name in PLANNED_MEETING_FIELDS:
                    queryset = queryset.exclude(status=MeetingStatus.PLANNED)
                if count := queryset.count():
                    found.append(f"{model._meta.label}.{field.name}: {count}")
    return found


def test_the_same_seed_and_day_give_the_same_data_whatever_the_clock(monkeypatch):
    day = DAYS[1]  # ahead of the real wall clock, and behind the one patched in
    _seed(day, monkeypatch)  # the wall clock in another year
    assert digest() == _cli_digest(day)  # the real wall clock, through `qixin seed-demo --today`
