"""The care metrics of the reports: values from the records, and the records behind each figure."""

import datetime as dt
from zoneinfo import ZoneInfo

from qixin.care import services
from qixin.care.models import Moderation
from qixin.core.periods import Period
from qixin.reports import selectors as report_selectors  # noqa: F401  (registers the metrics)
from qixin.reports.metrics import REGISTRY, Drill, Scope

SH = ZoneInfo("Asia/Shanghai")


def _drill(key: str, scope: Scope) -> Drill:
    """The records behind the figure `key` (every figure here has them)."""
    drill = REGISTRY[key].drill
    assert drill is not None, key
    return drill(scope)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SH)


def test_care_metrics_and_their_drill_downs(world, submit):
    answered, code = submit(kind="problem", now=at(2026, 10, 12, 9))
    services.ticket_answer(actor=world.helper, ticket=answered, body="已修", now=at(2026, 10, 12, 15))
    services.ticket_close(actor=world.helper, ticket=answered, result="已修好", now=at(2026, 10, 14, 9))
    services.ticket_rate(code=code, rating=5)
    submit(kind="appeal", now=at(2026, 10, 12, 9))  # never answered: overdue
    spam, _ = submit(kind="appeal", now=at(2026, 10, 13, 9))
    services.ticket_moderate(actor=world.leader, ticket=spam, moderation=Moderation.SPAM)
    submit(kind="appeal", now=at(2026, 9, 30, 9))  # before the period
    wish_ticket, _ = submit(kind="wish", body="想参观车间", wish_consent=True, now=at(2026, 10, 12, 9))
    wish = services.wish_publish(actor=world.helper, ticket=wish_ticket, title="参观车间", text="参观车间")
    services.wish_claim(actor=world.member, wish=wish, now=at(2026, 10, 13, 9))
    services.wish_fulfil(actor=world.member, wish=wish, fulfilment="已参观", now=at(2026, 10, 20, 9))

    scope = Scope(
        actor=world.worker, org=world.root, period=Period(dt.date(2026, 10, 1), dt.date(2026, 11, 1))
    )
    values = {key: REGISTRY[key].compute(scope) for key in REGISTRY if key.startswith("care.")}
    assert {k: str(v) for k, v in values.items()} == {
        "care.tickets": "3",
        "care.tickets_appeal": "1",
        "care.tickets_problem": "1",
        "care.tickets_suggestion": "0",
        "care.tickets_wish": "1",
        "care.response_hours": "99.0",  # (6 h + 192 h) / 2: the wish was answered when fulfilled
        "care.close_days": "5.0",  # (2 days + 8 days) / 2
        "care.overdue_share": "66.7",  # the unanswered appeal and the wish (answered late)
        "care.satisfaction": "5.0",
        "care.wishes_fulfilled": "1",
    }
    drill = _drill("care.overdue_share", scope)
    rows = list(drill.all_rows())
    assert len(rows) == 2
    assert {row[1] for row in rows} == {"诉求", "心愿"}
    wishes = list(_drill("care.wishes_fulfilled", scope).all_rows())
    assert [(row[0][0], row[2]) for row in wishes] == [("参观车间", "张晓明")]
    outsider = Scope(actor=world.outsider, org=world.root, period=scope.period)
    assert REGISTRY["care.tickets"].compute(outsider) == 0
