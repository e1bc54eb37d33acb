"""Organizational life: "三会一课" and 主题党日 held against the rulebook, attendance, and education
campaigns ("克难奋进、共度时艰"专题教育, "四史"学习教育)."""

from __future__ import annotations

from typing import Any, cast

from django.urls import reverse

from qixin.life import selectors as life_selectors

from .. import narrative
from ..metrics import Drill, Metric, Scope, define_group, ratio, register

SECTION = "组织生活"
define_group("life", reads=("life", "orgs", "people", "core"))


def _compliance(scope: Scope) -> life_selectors.Compliance:
    return cast(
        life_selectors.Compliance,
        scope.shared(
            "life.compliance",
            lambda: life_selectors.compliance_or_empty(actor=scope.actor, org=scope.org, period=scope.period),
        ),
    )


def _participation(scope: Scope) -> tuple[int, int]:
    return cast(
        tuple[int, int],
        scope.shared(
            "life.participation",
            lambda: life_selectors.campaign_participation_counts(
                actor=scope.actor, org=scope.org, period=scope.period
            ),
        ),
    )


def _held_drill(scope: Scope) -> Drill:
    rows = life_selectors.held_meetings_for(actor=scope.actor, org=scope.org, period=scope.period)
    return Drill(
        title="期内召开的会议",
        columns=["日期", "组织", "会议类型", "主题", "实到", "应到"],
        records=rows,
        row=lambda m: [
            (str(m.held_on), reverse("life:meeting", args=[m.pk])),
            m.organization.name,
            m.kind.name,
            m.title,
            m.present_count,
            m.should_attend,
        ],
    )


def _requirement_drill(scope: Scope) -> Drill:
    report = _compliance(scope)
    rows: list[list[Any]] = []
    for row in report.rows:
        for rule in row.rules:
            if rule.required:
                rows.append(
                    [
                        (row.org.name, reverse("life:calendar", args=[row.org.pk])),
                        rule.kind.name,
                        rule.frequency.label,
                        rule.required,
                        rule.met,
                        rule.behind,
                    ]
                )
    return Drill(
        title="组织生活要求（截止日期已过的）",
        columns=["组织", "会议类型", "要求", "应召开", "已召开", "差"],
        rows=rows,
    )


def _behind_drill(scope: Scope) -> Drill:
    report = _compliance(scope)
    return Drill(
        title="组织生活未达标的组织",
        columns=["组织", "上级组织", "差（次）", "未达标的要求"],
        rows=[
            [
                (row.org.name, reverse("life:calendar", args=[row.org.pk])),
                row.parent_name,
                row.behind,
                "，".join(f"{r.kind.name}差{r.behind}次" for r in row.behind_rules),
            ]
            for row in report.behind_rows
        ],
    )


def _attendance_drill(scope: Scope) -> Drill:
    report = _compliance(scope)
    return Drill(
        title="各组织出席情况",
        columns=["组织", "召开会议", "实到（人次）", "应到（人次）", "出席率（%）"],
        rows=[
            [
                (row.org.name, reverse("life:meetings", args=[row.org.pk])),
                row.meetings_held,
                row.present,
                row.should_attend,
                ratio(row.present, row.should_attend),
            ]
            for row in report.rows
            if row.should_attend
        ],
    )


def _campaign_drill(scope: Scope) -> Drill:
    report = _compliance(scope)
    return Drill(
        title="专题教育开展情况",
        columns=["组织", "专题教育", "已开展", "应开展"],
        rows=[
            [(row.org.name, reverse("life:calendar", args=[row.org.pk])), c.campaign.name, c.held, c.required]
            for row in report.rows
            for c in row.campaigns
        ],
    )


register(
    Metric(
        key="life.meetings_held",
        label="召开组织生活会议",
        unit="次",
        section=SECTION,
        compute=lambda s: life_selectors.held_meetings_for(actor=s.actor, org=s.org, period=s.period).count(),
        drill=_held_drill,
        description="期内已召开并记录的会议（三会一课、主题党日、组织生活会等）",
    )
)
register(
    Metric(
        key="life.meetings_required",
        label="应召开组织生活会议",
        unit="次",
        section=SECTION,
        compute=lambda s: _compliance(s).required,
        drill=_requirement_drill,
        description="截止日期在期内且已过的频次要求合计（按规则，含已提前完成的当期要求）",
    )
)
register(
    Metric(
        key="life.requirements_met_rate",
        label="组织生活按要求完成率",
        unit="%",
        section=SECTION,
        percent=True,
        compute=lambda s: ratio(_compliance(s).met, _compliance(s).required),
        drill=_requirement_drill,
        description="已完成的要求 ÷ 应完成的要求 × 100",
    )
)
register(
    Metric(
        key="life.orgs_behind",
        label="组织生活未达标的组织",
        unit="个",
        section=SECTION,
        compute=lambda s: len(_compliance(s).behind_rows),
        drill=_behind_drill,
        description="有截止日期已过而未完成的要求的党支部和党小组",
    )
)
register(
    Metric(
        key="life.attendance_rate",
        label="组织生活出席率",
        unit="%",
        section=SECTION,
        percent=True,
        compute=lambda s: ratio(_compliance(s).present, _compliance(s).should_attend),
        drill=_attendance_drill,
        description="期内已召开会议的实到人次 ÷ 应到人次 × 100",
    )
)
register(
    Metric(
        key="life.campaign_sessions",
        label="专题教育开展次数",
        unit="次",
        section=SECTION,
        compute=lambda s: sum(c.held for row in _compliance(s).rows for c in row.campaigns),
        drill=_campaign_drill,
        description="各党支部在期内进行中的专题教育/学习教育中开展的次数",
    )
)
register(
    Metric(
        key="life.campaign_participation_rate",
        label="专题教育党员参与率",
        unit="%",
        section=SECTION,
        percent=True,
        compute=lambda s: ratio(*_participation(s)),
        drill=_campaign_drill,
        description="期内至少参加1次专题教育的党员 ÷ 在册党员 × 100",
    )
)

narrative.DEFAULT_PARAGRAPHS.append(
    "{period}，各党支部召开组织生活会议{life.meetings_held}，党员出席率{life.attendance_rate}，"
    "组织生活按要求完成率{life.requirements_met_rate}；开展专题教育{life.campaign_sessions}，"
    "党员参与率{life.campaign_participation_rate}。"
)
