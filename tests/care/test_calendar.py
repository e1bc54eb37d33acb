"""The working-day calendar: marking holidays and 调休 working days (one or a run), changing and
removing them, who may do it where, what is refused as pointless, and what it does to deadlines."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import F

from qixin.care import deadlines, selectors, services
from qixin.care.models import CalendarDay
from qixin.core.errors import ApplicationError, NotFound, PermissionDenied, Problem
from qixin.core.models import AuditEntry

SH = ZoneInfo("Asia/Shanghai")
D = dt.date


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SH)


def marks():
    return list(
        CalendarDay.objects.order_by("day", F("organization__path").asc(nulls_first=True)).values_list(
            "day", "is_workday", "name", "organization__code"
        )
    )


def audit_changes(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id").values_list("changes", flat=True))


# --- setting a day --------------------------------------------------------------------------------


def test_an_administrator_marks_a_global_holiday_and_new_deadlines_skip_it(world):
    entry = services.calendar_day_set(actor=world.admin, day=D(2026, 11, 3), is_workday=False, name=" 厂休 ")

    assert marks() == [(D(2026, 11, 3), False, "厂休", None)]
    assert entry.kind_label == "节假日"
    # Sent on Monday 11-02: Tuesday is off, so Wednesday and Thursday count.
    assert deadlines.due_dates("appeal", world.branch, at(2026, 11, 2, 9))[0] == at(2026, 11, 6, 0, 0)
    assert audit_changes("care_calendar") == [
        {"day": "2026-11-03", "organization": None, "workday": False, "name": "厂休", "before": None}
    ]


def test_setting_a_marked_day_again_changes_that_mark_and_audits_what_it_was(world):
    services.calendar_day_set(actor=world.admin, day=D(2026, 10, 10), is_workday=True, name="调休上班")
    services.calendar_day_set(actor=world.admin, day=D(2026, 10, 10), is_workday=True, name="国庆调休")

    assert marks() == [(D(2026, 10, 10), True, "国庆调休", None)]
    assert audit_changes("care_calendar")[1] == {
        "day": "2026-10-10",
        "organization": None,
        "workday": True,
        "name": "国庆调休",
        "before": {"workday": True, "name": "调休上班"},
    }


@pytest.mark.parametrize(
    ("day", "is_workday", "message"),
    [
        (D(2026, 10, 3), False, "2026-10-03（星期六）本来就是休息日，不必登记为节假日"),
        (D(2026, 10, 4), False, "2026-10-04（星期日）本来就是休息日，不必登记为节假日"),
        (D(2026, 10, 14), True, "2026-10-14（星期三）本来就是工作日，不必登记为调休上班"),
    ],
)
def test_a_mark_that_changes_nothing_is_refused_and_nothing_is_written(world, day, is_workday, message):
    with pytest.raises(ApplicationError) as refused:
        services.calendar_day_set(actor=world.admin, day=day, is_workday=is_workday, name="国庆节")

    assert refused.value.code == "unchanged"
    assert refused.value.problems == [Problem(message=message, field="类型")]
    assert marks() == []
    assert audit_changes("care_calendar") == []


def test_a_mark_that_only_undoes_its_own_day_must_be_removed_instead(world):
    services.calendar_day_set(actor=world.admin, day=D(2026, 10, 10), is_workday=True, name="调休上班")

    with pytest.raises(ApplicationError) as refused:
        services.calendar_day_set(actor=world.admin, day=D(2026, 10, 10), is_workday=False)

    assert refused.value.problems == [
        Problem(
            message="2026-10-10（星期六）已登记为调休上班，而不登记它也是休息日：要改成节假日，请删除这条登记",
            field="类型",
        )
    ]
    assert marks() == [(D(2026, 10, 10), True, "调休上班", None)]


def test_an_organization_overrides_the_global_calendar_for_its_subtree_but_does_not_repeat_it(
    world, dept_worker
):
    services.calendar_day_set(actor=world.admin, day=D(2026, 10, 7), is_workday=False, name="国庆节")

    with pytest.raises(ApplicationError) as repeated:
        services.calendar_day_set(
            actor=dept_worker, day=D(2026, 10, 7), is_workday=False, organization=world.dept
        )
    services.calendar_day_set(
        actor=dept_worker, day=D(2026, 10, 7), is_workday=True, name="生产保供", organization=world.dept
    )

    assert repeated.value.problems == [
        Problem(message="2026-10-07（星期三）在全局日历中是节假日（国庆节），不必重复登记", field="类型")
    ]
    assert marks() == [(D(2026, 10, 7), False, "国庆节", None), (D(2026, 10, 7), True, "生产保供", "R-A")]
    day = D(2026, 10, 7)
    assert deadlines.calendar_overrides(world.branch, day, day) == {day: True}
    assert deadlines.calendar_overrides(world.other, day, day) == {day: False}


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("国" * 41, Problem(message="不能超过40个字", field="说明")),
        ("国庆\x00节", Problem(message="包含不允许的控制字符", field="说明")),
    ],
)
def test_a_bad_name_is_refused_naming_the_field_and_nothing_is_written(world, name, problem):
    with pytest.raises(ApplicationError) as refused:
        services.calendar_day_set(actor=world.admin, day=D(2026, 10, 8), is_workday=False, name=name)

    assert refused.value.problems == [problem]
    assert marks() == []
    assert audit_changes("care_calendar") == []


# --- who may ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "where", "allowed"),
    [
        ("admin", None, True),
        ("admin", "other", True),
        ("worker", None, False),  # a party worker of the whole tree, but not an administrator
        ("worker", "other", True),
        ("dept_worker", "dept", True),
        ("dept_worker", "branch", True),
        ("dept_worker", "root", False),
        ("dept_worker", "other", False),
        ("leader", "branch", False),  # a care team's leader handles tickets, not the calendar
        ("member", "branch", False),
        ("outsider", None, False),
    ],
)
def test_who_may_set_and_remove_a_mark(world, dept_worker, who, where, allowed):
    actor = dept_worker if who == "dept_worker" else getattr(world, who)
    org = getattr(world, where) if where else None
    existing = CalendarDay.objects.create(day=D(2026, 11, 3), is_workday=False, name="厂休", organization=org)
    before = marks()

    if allowed:
        services.calendar_day_set(actor=actor, day=D(2026, 11, 4), is_workday=False, organization=org)
        services.calendar_day_remove(actor=actor, entry=existing)
        assert marks() == [(D(2026, 11, 4), False, "", org.code if org else None)]
        return
    with pytest.raises(PermissionDenied):
        services.calendar_day_set(actor=actor, day=D(2026, 11, 4), is_workday=False, organization=org)
    with pytest.raises(PermissionDenied):
        services.calendar_day_remove(actor=actor, entry=existing)
    assert marks() == before
    assert audit_changes("care_calendar") == []
    assert audit_changes("care_calendar_remove") == []


def test_the_refusal_says_why(world, dept_worker):
    with pytest.raises(PermissionDenied) as global_day:
        services.calendar_day_set(actor=dept_worker, day=D(2026, 11, 4), is_workday=False)
    with pytest.raises(PermissionDenied) as other_org:
        services.calendar_day_set(
            actor=dept_worker, day=D(2026, 11, 4), is_workday=False, organization=world.other
        )
    assert global_day.value.message == "只有系统管理员可以修改全局工作日历；请填写适用组织。"
    assert other_org.value.message == "您不能修改“焊装党总支”的工作日历。"


@pytest.mark.parametrize(
    ("who", "opens", "edits_global", "edits_branch"),
    [
        ("admin", True, True, True),
        ("worker", True, False, True),
        ("dept_worker", True, False, True),
        ("leader", False, False, False),
        ("member", False, False, False),
        ("outsider", False, False, False),
        ("anonymous", False, False, False),
    ],
)
def test_calendar_permissions(world, dept_worker, who, opens, edits_global, edits_branch):
    users = {"dept_worker": dept_worker, "anonymous": AnonymousUser()}
    user = users[who] if who in users else getattr(world, who)
    assert user.has_perm("care.open_calendar") is opens
    assert user.has_perm("care.edit_calendar", None) is edits_global
    assert user.has_perm("care.edit_calendar", world.branch) is edits_branch


# --- a run of days ---------------------------------------------------------------------------------


def test_a_holiday_week_is_marked_at_once_leaving_its_weekend_alone(world):
    change = services.calendar_days_set(
        actor=world.admin, first=D(2026, 10, 1), last=D(2026, 10, 7), is_workday=False, name="国庆节"
    )

    marked = [D(2026, 10, d) for d in (1, 2, 5, 6, 7)]
    assert [e.day for e in change.days] == marked
    assert change.unchanged == [D(2026, 10, 3), D(2026, 10, 4)]
    assert marks() == [(d, False, "国庆节", None) for d in marked]
    assert [c["day"] for c in audit_changes("care_calendar")] == [d.isoformat() for d in marked]


def test_a_run_over_a_marked_working_weekend_is_refused_whole(world):
    services.calendar_day_set(actor=world.admin, day=D(2026, 10, 10), is_workday=True, name="调休上班")

    with pytest.raises(ApplicationError) as refused:
        services.calendar_days_set(
            actor=world.admin, first=D(2026, 10, 5), last=D(2026, 10, 10), is_workday=False, name="国庆节"
        )

    assert refused.value.message == "有的日期不必登记，整段都未保存。"
    assert refused.value.problems == [
        Problem(
            message="2026-10-10（星期六）已登记为调休上班，而不登记它也是休息日：要改成节假日，请删除这条登记",
            field="日期",
        )
    ]
    assert marks() == [(D(2026, 10, 10), True, "调休上班", None)]


@pytest.mark.parametrize(
    ("first", "last", "message", "problems"),
    [
        (
            D(2026, 10, 7),
            D(2026, 10, 1),
            "日期有误。",
            [Problem(message="结束日期不能早于开始日期", field="至")],
        ),
        (D(2026, 10, 1), D(2026, 11, 1), "日期有误。", [Problem(message="一次最多登记31天", field="至")]),
        (D(2026, 10, 3), D(2026, 10, 4), "这段日期本来都是休息日，不必登记为节假日。", []),
    ],
)
def test_a_bad_run_is_refused_and_nothing_is_written(world, first, last, message, problems):
    with pytest.raises(ApplicationError) as refused:
        services.calendar_days_set(actor=world.admin, first=first, last=last, is_workday=False)

    assert (refused.value.message, refused.value.problems) == (message, problems)
    assert marks() == []


# --- removing -------------------------------------------------------------------------------------


def test_removing_a_mark_restores_the_week_for_new_deadlines_but_not_for_tickets_already_in(world, submit):
    entry = services.calendar_day_set(actor=world.admin, day=D(2026, 11, 3), is_workday=False, name="厂休")
    ticket, _ = submit(now=at(2026, 11, 2, 9))
    assert ticket.respond_due == at(2026, 11, 6, 0, 0)

    services.calendar_day_remove(actor=world.admin, entry=entry)

    assert marks() == []
    ticket.refresh_from_db()
    assert ticket.respond_due == at(2026, 11, 6, 0, 0)  # not recomputed
    assert deadlines.due_dates("appeal", world.branch, at(2026, 11, 2, 9))[0] == at(2026, 11, 5, 0, 0)
    assert audit_changes("care_calendar_remove") == [
        {"day": "2026-11-03", "organization": None, "workday": False, "name": "厂休"}
    ]


# --- reading --------------------------------------------------------------------------------------


def test_the_calendar_lists_a_years_global_marks_and_those_the_user_manages(world, dept_worker):
    CalendarDay.objects.create(day=D(2026, 10, 1), is_workday=False, name="国庆节")
    CalendarDay.objects.create(day=D(2026, 10, 1), is_workday=True, name="保供", organization=world.branch)
    CalendarDay.objects.create(day=D(2026, 11, 3), is_workday=False, name="厂休", organization=world.dept)
    CalendarDay.objects.create(day=D(2026, 11, 3), is_workday=False, name="厂休", organization=world.other)
    CalendarDay.objects.create(day=D(2025, 10, 1), is_workday=False, name="国庆节")

    def listed(user, year=2026):
        rows = selectors.calendar_day_list_for(actor=user, year=year)
        return [(e.day, e.organization.code if e.organization else None) for e in rows]

    assert listed(dept_worker) == [(D(2026, 10, 1), None), (D(2026, 10, 1), "R-A-1"), (D(2026, 11, 3), "R-A")]
    assert listed(world.worker) == [
        (D(2026, 10, 1), None),
        (D(2026, 10, 1), "R-A-1"),
        (D(2026, 11, 3), "R-A"),
        (D(2026, 11, 3), "R-B"),
    ]
    assert listed(world.admin) == listed(world.worker)
    assert listed(world.admin, 2025) == [(D(2025, 10, 1), None)]
    other = CalendarDay.objects.get(organization=world.other)
    with pytest.raises(NotFound):
        selectors.calendar_day_get_for(actor=dept_worker, pk=other.pk)
    for nobody in (world.helper, world.member, world.outsider):
        with pytest.raises(NotFound):
            selectors.calendar_day_list_for(actor=nobody, year=2026)
