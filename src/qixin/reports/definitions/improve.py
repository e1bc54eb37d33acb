"""Cost reduction and innovation: "支部组建降本联盟181个、党员立项6572个、汇总降本建议30000多条，实现了
超过10亿元的降本成效"; "108个创新工作室中，党员挂帅的超过90%"; "党员主导年度优秀改善案例85个"."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

from django.urls import reverse

from qixin.improve import selectors as improve_selectors
from qixin.improve.models import Stage, SuggestionStatus

from .. import narrative
from ..metrics import Drill, Metric, Scope, define_group, register

SECTION = "降本增效与创新"
define_group("improve", reads=("improve", "orgs", "people", "core"))

STAGE_KEYS = {
    Stage.PROPOSED: "proposed",
    Stage.IMPLEMENTING: "implementing",
    Stage.ACCEPTANCE: "acceptance",
    Stage.CLOSED: "closed",
    Stage.TERMINATED: "terminated",
}
STATUS_KEYS = {
    SuggestionStatus.SUBMITTED: "submitted",
    SuggestionStatus.REVIEWING: "reviewing",
    SuggestionStatus.ACCEPTED: "accepted",
    SuggestionStatus.REJECTED: "rejected",
    SuggestionStatus.IMPLEMENTED: "implemented",
    SuggestionStatus.CONVERTED: "converted",
    SuggestionStatus.MERGED: "merged",
}


def _projects(scope: Scope) -> dict[str, Any]:
    return cast(
        dict[str, Any],
        scope.shared(
            "improve.projects",
            lambda: improve_selectors.project_counts_for(
                actor=scope.actor, org=scope.org, period=scope.period
            ),
        ),
    )


def _suggestions(scope: Scope) -> dict[str, Any]:
    return cast(
        dict[str, Any],
        scope.shared(
            "improve.suggestions",
            lambda: improve_selectors.suggestion_counts_for(
                actor=scope.actor, org=scope.org, period=scope.period
            ),
        ),
    )


def _studios(scope: Scope) -> dict[str, Any]:
    return cast(
        dict[str, Any],
        scope.shared(
            "improve.studios",
            lambda: improve_selectors.studio_counts_for(actor=scope.actor, org=scope.org, on=scope.last_day),
        ),
    )


def _excellent(scope: Scope) -> dict[str, int]:
    return cast(
        dict[str, int],
        scope.shared(
            "improve.excellent",
            lambda: improve_selectors.excellent_case_counts_for(
                actor=scope.actor, org=scope.org, year=scope.last_day.year
            ),
        ),
    )


# --- drill-downs -----------------------------------------------------------------------------------


def _alliance_drill(scope: Scope) -> Drill:
    rows = improve_selectors.alliance_drill_for(actor=scope.actor, org=scope.org, period=scope.period)
    return Drill(
        title="降本联盟",
        columns=["联盟名称", "编码", "牵头党支部", "负责人", "成立日期"],
        records=rows,
        row=lambda a: [
            (a.name, reverse("improve:alliance", args=[a.pk])),
            a.code,
            a.lead_branch.name,
            a.leader.name,
            a.founded_on,
        ],
    )


def _project_drill(stage: str = "", member_owned: bool | None = None) -> Callable[[Scope], Drill]:
    def drill(scope: Scope) -> Drill:
        rows = improve_selectors.project_drill_for(
            actor=scope.actor, org=scope.org, period=scope.period, stage=stage, member_owned=member_owned
        )
        title = "党员立项" if member_owned else (f"项目（{stage}）" if stage else "期内立项的项目")
        return Drill(
            title=title,
            columns=["项目名称", "编号", "所在组织", "负责人", "阶段", "立项日期"],
            records=rows,
            row=lambda p: [
                (p.title, reverse("improve:project", args=[p.pk])),
                p.code,
                p.organization.name,
                p.owner.name,
                p.stage,
                p.started_on,
            ],
        )

    return drill


def _suggestion_drill(status: str = "") -> Callable[[Scope], Drill]:
    def drill(scope: Scope) -> Drill:
        rows = improve_selectors.suggestion_drill_for(
            actor=scope.actor, org=scope.org, period=scope.period, status=status
        )
        return Drill(
            title=f"建议（{status}）" if status else "期内提交的建议",
            columns=["建议", "编号", "所涉组织", "类别", "状态", "提交时间"],
            records=rows,
            row=lambda s: [
                (s.display_title, reverse("improve:suggestion", args=[s.pk])),
                s.number,
                s.organization.name,
                s.category_label,
                s.get_status_display(),
                s.submitted_at.date(),
            ],
        )

    return drill


def _savings_drill(scope: Scope) -> Drill:
    rows = improve_selectors.savings_verified_drill_for(actor=scope.actor, org=scope.org, period=scope.period)
    return Drill(
        title="期内财务核定的节约（含冲销）",
        columns=["项目", "流水号", "金额（元）", "核定日期", "核定依据"],
        records=rows,
        row=lambda e: [
            (e.project.title, reverse("improve:project", args=[e.project_id])),
            e.number,
            e.amount,
            e.verified_on,
            e.verification_note,
        ],
    )


def _studio_drill(led_by_members: bool | None) -> Callable[[Scope], Drill]:
    def drill(scope: Scope) -> Drill:
        rows = improve_selectors.studio_drill_for(
            actor=scope.actor, org=scope.org, on=scope.last_day, led_by_members=led_by_members
        )
        return Drill(
            title="党员挂帅的工作室" if led_by_members else "创新工作室",
            columns=["工作室", "编码", "类型", "领衔人", "领衔人为党员"],
            records=rows,
            row=lambda s: [
                (s.name, reverse("improve:studio", args=[s.pk])),
                s.code,
                s.kind,
                s.leader.name,
                "是" if getattr(s, "leader_is_member", False) else "否",
            ],
        )

    return drill


def _excellent_drill(scope: Scope) -> Drill:
    rows = improve_selectors.excellent_case_drill_for(
        actor=scope.actor, org=scope.org, year=scope.last_day.year
    )
    return Drill(
        title=f"{scope.last_day.year}年度优秀改善案例",
        columns=["案例", "编号", "所在组织", "主要完成人", "党员主导", "年节约（元）"],
        records=rows,
        row=lambda c: [
            (c.title, reverse("improve:case", args=[c.pk])),
            c.code,
            c.organization.name,
            c.lead.name,
            "是" if c.lead_is_member else "否",
            c.savings,
        ],
    )


# --- the metrics -----------------------------------------------------------------------------------

register(
    Metric(
        key="improve.alliances",
        label="降本联盟",
        unit="个",
        section=SECTION,
        compute=lambda s: improve_selectors.alliance_count_for(actor=s.actor, org=s.org, period=s.period),
        drill=_alliance_drill,
        description="牵头党支部在所选组织内、期内存续过的降本联盟",
    )
)
register(
    Metric(
        key="improve.projects",
        label="立项",
        unit="个",
        section=SECTION,
        compute=lambda s: int(_projects(s)["total"]),
        drill=_project_drill(),
        description="期内立项的降本项目（按立项日期）",
    )
)
register(
    Metric(
        key="improve.projects.member_owned",
        label="党员立项",
        unit="个",
        section=SECTION,
        compute=lambda s: int(_projects(s)["member_owned"]),
        drill=_project_drill(member_owned=True),
        description="期内立项、立项时负责人为党员的项目",
    )
)


def _stage_count(stage: str) -> Callable[[Scope], int]:
    return lambda s: int(_projects(s)["by_stage"][stage])


for _stage, _key in STAGE_KEYS.items():
    register(
        Metric(
            key=f"improve.projects.{_key}",
            label=f"项目（{_stage}）",
            unit="个",
            section=SECTION,
            compute=_stage_count(_stage),
            drill=_project_drill(stage=_stage),
            description=f"期内立项、目前处于“{_stage}”阶段的项目",
        )
    )

register(
    Metric(
        key="improve.suggestions",
        label="降本建议",
        unit="条",
        section=SECTION,
        compute=lambda s: int(_suggestions(s)["total"]),
        drill=_suggestion_drill(),
        description="期内提交的建议（含后来合并的重复建议）",
    )
)
register(
    Metric(
        key="improve.suggestions.adopted",
        label="采纳的建议",
        unit="条",
        section=SECTION,
        compute=lambda s: int(_suggestions(s)["adopted"]),
        description="期内提交、目前已采纳、已实施或已转为项目的建议",
    )
)


def _status_count(status: str) -> Callable[[Scope], int]:
    return lambda s: int(_suggestions(s)["by_status"][status])


for _status, _key in STATUS_KEYS.items():
    register(
        Metric(
            key=f"improve.suggestions.{_key}",
            label=f"建议（{_status}）",
            unit="条",
            section=SECTION,
            compute=_status_count(_status),
            drill=_suggestion_drill(_status),
            description=f"期内提交、目前状态为“{_status}”的建议",
        )
    )

register(
    Metric(
        key="improve.savings_verified",
        label="降本成效（财务核定）",
        unit="元",
        section=SECTION,
        compute=lambda s: improve_selectors.savings_verified_for(actor=s.actor, org=s.org, period=s.period),
        drill=_savings_drill,
        description="期内财务核定的节约金额（冲销为负数，计入冲销当期）；每个项目只计一次，不论它属于几个联盟",
    )
)
register(
    Metric(
        key="improve.studios",
        label="创新工作室",
        unit="个",
        section=SECTION,
        compute=lambda s: int(_studios(s)["total"]),
        drill=_studio_drill(None),
        description="期末存续的创新工作室和技师工作室",
    )
)
register(
    Metric(
        key="improve.studios.led_by_members",
        label="党员挂帅的工作室",
        unit="个",
        section=SECTION,
        compute=lambda s: int(_studios(s)["led_by_members"]),
        drill=_studio_drill(True),
        description="期末领衔人为党员（按党员名册）的工作室",
    )
)
register(
    Metric(
        key="improve.studios.led_by_members_share",
        label="工作室中党员挂帅的比例",
        unit="%",
        section=SECTION,
        percent=True,
        compute=lambda s: _studios(s)["share_led_by_members"] or Decimal("0.0"),
        drill=_studio_drill(None),
        description="党员挂帅的工作室 ÷ 工作室 × 100",
    )
)
register(
    Metric(
        key="improve.excellent_cases",
        label="年度优秀改善案例",
        unit="个",
        section=SECTION,
        compute=lambda s: int(_excellent(s)["total"]),
        drill=_excellent_drill,
        description="期末所在年度评选的优秀改善案例",
    )
)
register(
    Metric(
        key="improve.excellent_cases.member_led",
        label="党员主导的年度优秀改善案例",
        unit="个",
        section=SECTION,
        compute=lambda s: int(_excellent(s)["led_by_members"]),
        drill=_excellent_drill,
        description="年度优秀改善案例中主要完成人为党员的",
    )
)

narrative.DEFAULT_PARAGRAPHS.append(
    "{period}，各级党组织组建降本联盟{improve.alliances}，党员立项{improve.projects.member_owned}，"
    "汇总降本建议{improve.suggestions|多}，实现了{improve.savings_verified|超过}的降本成效。"
    "创新工作室{improve.studios}中，党员挂帅的{improve.studios.led_by_members_share|超过}；"
    "党员主导年度优秀改善案例{improve.excellent_cases.member_led}。"
)
