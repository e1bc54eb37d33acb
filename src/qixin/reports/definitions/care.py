"""Employee voice: "小小'二维码'……成为员工排忧解难的沟通渠道", "'点亮心愿'实事工程".

Tickets count by the day they were submitted, in the subtree where they are handled now (an escalated
ticket counts at the organization that took it over); hidden and spam tickets are left out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.urls import reverse
from django.utils import timezone

from qixin.care import selectors as care_selectors
from qixin.care.models import TicketKind

from .. import narrative
from ..metrics import Drill, Metric, Scope, define_group, register

SECTION = "员工心声"
define_group("care", reads=("care", "orgs", "people", "core"), by_the_minute=True)

COLUMNS = ["编号", "类别", "收集点", "承办团队", "提交时间", "首次答复", "办结", "满意度"]


def _stats(scope: Scope) -> care_selectors.Stats:
    total, _ = cast(
        tuple[care_selectors.Stats, list[care_selectors.Stats]],
        scope.shared(
            "care_stats",
            lambda: care_selectors.ticket_stats_for(
                actor=scope.actor, org=scope.org, start=scope.period.start, end=scope.period.end
            ),
        ),
    )
    return total


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _ticket_row(t: Any) -> list[Any]:
    return [
        (f"#{t.pk}", reverse("care:ticket", args=[t.pk])),
        t.get_kind_display(),
        t.point.name if t.point else "",
        t.team.name,
        _local(t.submitted_at),
        _local(t.first_response_at),
        _local(t.closed_at),
        t.rating or "",
    ]


TICKET_SEARCH = ("point__name", "team__name")


def _ticket_drill(title: str, narrow: Callable[[Any], Any] = lambda qs: qs) -> Callable[[Scope], Drill]:
    def drill(scope: Scope) -> Drill:
        tickets = care_selectors.tickets_in(
            actor=scope.actor, org=scope.org, start=scope.period.start, end=scope.period.end
        )
        return Drill(
            title=title, columns=COLUMNS, records=narrow(tickets), row=_ticket_row, search=TICKET_SEARCH
        )

    return drill


def _overdue_drill(scope: Scope) -> Drill:
    tickets = care_selectors.overdue_tickets_in(
        actor=scope.actor, org=scope.org, start=scope.period.start, end=scope.period.end
    )
    return Drill(
        title="超期的员工心声事项", columns=COLUMNS, records=tickets, row=_ticket_row, search=TICKET_SEARCH
    )


register(
    Metric(
        key="care.tickets",
        label="员工心声",
        unit="件",
        section=SECTION,
        compute=lambda s: _stats(s).tickets,
        drill=_ticket_drill("期内收到的员工心声"),
        description="期内经二维码收到的诉求、问题、建议和心愿（不含已隐藏和垃圾信息）",
    )
)
for kind, label in TicketKind.choices:
    register(
        Metric(
            key=f"care.tickets_{kind}",
            label=label,
            unit="件",
            section=SECTION,
            compute=(lambda k: lambda s: _stats(s).by_kind[k])(kind),
            drill=_ticket_drill(f"期内收到的{label}", (lambda k: lambda qs: qs.filter(kind=k))(kind)),
            description=f"期内收到的{label}",
        )
    )
register(
    Metric(
        key="care.response_hours",
        label="平均首次答复用时",
        unit="小时",
        section=SECTION,
        compute=lambda s: _stats(s).response_hours,
        drill=_ticket_drill("已答复的事项", lambda qs: qs.filter(first_response_at__isnull=False)),
        description="从提交到首次答复（或办结）的平均小时数，只计已答复的事项",
    )
)
register(
    Metric(
        key="care.close_days",
        label="平均办结用时",
        unit="天",
        section=SECTION,
        compute=lambda s: _stats(s).close_days,
        drill=_ticket_drill("已办结的事项", lambda qs: qs.filter(closed_at__isnull=False)),
        description="从提交到办结的平均天数（自然日），只计已办结的事项",
    )
)
register(
    Metric(
        key="care.overdue_share",
        label="超期占比",
        unit="%",
        section=SECTION,
        percent=True,
        compute=lambda s: _stats(s).overdue_share,
        drill=_overdue_drill,
        description="曾超期（超过答复或办结期限，或因超期升级）的事项 ÷ 全部事项 × 100",
    )
)
register(
    Metric(
        key="care.satisfaction",
        label="平均满意度",
        unit="分",
        section=SECTION,
        compute=lambda s: _stats(s).satisfaction,
        drill=_ticket_drill("员工评价过的事项", lambda qs: qs.filter(rating__isnull=False)),
        description="员工凭查询码给出的 1–5 分评价的平均值，只计评价过的事项",
    )
)


def _wish_drill(scope: Scope) -> Drill:
    wishes = care_selectors.wishes_fulfilled_in(
        actor=scope.actor, org=scope.org, start=scope.period.start, end=scope.period.end
    )
    return Drill(
        title="期内实现的心愿",
        columns=["心愿", "所属组织", "认领", "实现时间", "实现情况"],
        records=wishes,
        row=lambda w: [
            (w.title, reverse("care:wall_of", args=[w.organization_id])),
            w.organization.name,
            w.claimant,
            _local(w.fulfilled_at),
            w.fulfilment,
        ],
    )


register(
    Metric(
        key="care.wishes_fulfilled",
        label="点亮心愿",
        unit="个",
        section=SECTION,
        compute=lambda s: care_selectors.wishes_fulfilled_in(
            actor=s.actor, org=s.org, start=s.period.start, end=s.period.end
        ).count(),
        drill=_wish_drill,
        description="期内由党员或党支部认领并实现的心愿",
    )
)

narrative.DEFAULT_PARAGRAPHS.append(
    "小小“二维码”成为员工排忧解难的沟通渠道：{period}收到员工心声{care.tickets}，"
    "其中诉求{care.tickets_appeal}、问题{care.tickets_problem}、建议{care.tickets_suggestion}、"
    "心愿{care.tickets_wish}；平均{care.response_hours}首次答复，超期占比{care.overdue_share}，"
    "员工满意度平均{care.satisfaction}。“点亮心愿”实事工程实现员工心愿{care.wishes_fulfilled}。"
)
