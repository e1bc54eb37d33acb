"""Advocacy: "爱我所爱、我来代言" and "我的最亲密接触". Counted by participants, never by shares or likes
(RULES.md: no metric of busywork)."""

from __future__ import annotations

from django.urls import reverse

from qixin.advocacy import selectors as advocacy_selectors

from ..metrics import Drill, Metric, Scope, define_group, register

SECTION = "品牌代言"
define_group("advocacy", reads=("advocacy", "orgs", "people", "core"))


def _campaign_drill(scope: Scope) -> Drill:
    rows = advocacy_selectors.campaigns_in_period_for(
        actor=scope.actor, org=scope.org, start=scope.period.start, end=scope.period.end
    )
    return Drill(
        title="期内的代言活动",
        columns=["活动名称", "发起组织", "开始日期", "结束日期"],
        records=rows,
        search=("name", "organization__name"),
        row=lambda c: [
            (c.name, reverse("advocacy:campaign", args=[c.pk])),
            c.organization.name,
            c.starts_on,
            c.ends_on,
        ],
    )


register(
    Metric(
        key="advocacy.campaigns",
        label="代言活动",
        unit="个",
        section=SECTION,
        compute=lambda s: advocacy_selectors.campaigns_in_period_for(
            actor=s.actor, org=s.org, start=s.period.start, end=s.period.end
        ).count(),
        drill=_campaign_drill,
        description="所选组织内发起、期内进行过的代言活动",
    )
)


def _participants_drill(scope: Scope) -> Drill:
    rows = advocacy_selectors.participants_for(
        actor=scope.actor, org=scope.org, start=scope.period.start, end=scope.period.end
    )
    return Drill(
        title="期内参与代言的员工",
        columns=["姓名", "工号", "所在组织"],
        records=rows,
        search=("name", "employee_no", "organization__name"),
        row=lambda p: [(p.name, reverse("brand:person", args=[p.pk])), p.employee_no, p.organization.name],
    )


register(
    Metric(
        key="advocacy.participants",
        label="参与代言的员工",
        unit="名",
        section=SECTION,
        compute=lambda s: advocacy_selectors.participants_for(
            actor=s.actor, org=s.org, start=s.period.start, end=s.period.end
        ).count(),
        drill=_participants_drill,
        description="期内登记过分享的员工（含党员），一人多次只计一次；不统计转发、点赞次数",
    )
)


def _orgs_drill(scope: Scope) -> Drill:
    rows = advocacy_selectors.participating_orgs_for(
        actor=scope.actor, org=scope.org, start=scope.period.start, end=scope.period.end
    )
    return Drill(
        title="期内有员工参与代言的组织",
        columns=["组织名称", "组织编码"],
        records=rows,
        search=("name", "code"),
        row=lambda o: [(o.name, reverse("brand:org", args=[o.pk])), o.code],
    )


register(
    Metric(
        key="advocacy.participating_orgs",
        label="参与代言的组织",
        unit="个",
        section=SECTION,
        compute=lambda s: advocacy_selectors.participating_orgs_for(
            actor=s.actor, org=s.org, start=s.period.start, end=s.period.end
        ).count(),
        drill=_orgs_drill,
        description="期内有员工登记过分享的党组织（按员工所在组织）",
    )
)
