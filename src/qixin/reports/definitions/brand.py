"""Brand, deeds, recognitions and the annual evaluation: "189名创新之星", 党员工匠, 全国劳模, 上海工匠,
五一劳动奖章; members' deeds tagged by the pillars of "五个在前"."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.urls import reverse

from qixin.brand import selectors as brand_selectors
from qixin.brand.models import Grade, RecognitionKind

from ..metrics import Drill, Metric, Scope, define_group, register

SECTION = "党员品牌与荣誉"
define_group("brand", reads=("brand", "orgs", "people", "core"))

KIND_KEYS = {
    RecognitionKind.INNOVATION_STAR: "innovation_star",
    RecognitionKind.CRAFTSMAN: "craftsman",
    RecognitionKind.OUTSTANDING_MEMBER: "outstanding_member",
    RecognitionKind.OUTSTANDING_WORKER: "outstanding_worker",
    RecognitionKind.ADVANCED_ORG: "advanced_org",
    RecognitionKind.RED_FLAG_ORG: "red_flag_org",
    RecognitionKind.NATIONAL_MODEL: "national_model",
    RecognitionKind.SHANGHAI_CRAFTSMAN: "shanghai_craftsman",
    RecognitionKind.MAY_DAY_MEDAL: "may_day_medal",
}


def _recognitions(scope: Scope) -> dict[str, int]:
    return cast(
        dict[str, int],
        scope.shared(
            "brand_recognitions",
            lambda: brand_selectors.recognition_counts_for(
                actor=scope.actor, org=scope.org, start=scope.period.start, end=scope.period.end
            ),
        ),
    )


def _recognition_drill(kind: str, title: str) -> Callable[[Scope], Drill]:
    def drill(scope: Scope) -> Drill:
        rows = brand_selectors.recognitions_in_subtree_for(
            actor=scope.actor, org=scope.org, start=scope.period.start, end=scope.period.end, kind=kind
        )
        return Drill(
            title=title,
            columns=["获得者", "工号/组织编码", "类别", "级别", "年度", "事迹简介"],
            records=rows,
            row=lambda r: [
                (r.person.name, reverse("brand:person", args=[r.person_id]))
                if r.person
                else (r.recipient_org.name if r.recipient_org else "", ""),
                r.person.employee_no if r.person else (r.recipient_org.code if r.recipient_org else ""),
                r.display_kind,
                r.level,
                r.year,
                r.citation,
            ],
        )

    return drill


register(
    Metric(
        key="brand.recognitions",
        label="荣誉",
        unit="项",
        section=SECTION,
        compute=lambda s: sum(_recognitions(s).values()),
        drill=_recognition_drill("", "期内各年度的荣誉"),
        description="年度落在期内的各类荣誉（个人与组织），按获得者所在组织归属",
    )
)


def _kind_count(kind: str) -> Callable[[Scope], int]:
    return lambda scope: _recognitions(scope).get(kind, 0)


for _kind, _slug in KIND_KEYS.items():
    register(
        Metric(
            key=f"brand.recognitions.{_slug}",
            label=_kind.label,
            unit="项",
            section=SECTION,
            compute=_kind_count(_kind),
            drill=_recognition_drill(_kind, _kind.label),
            description=f"年度落在期内的“{_kind.label}”",
        )
    )


def _deed_drill(scope: Scope) -> Drill:
    rows = brand_selectors.deeds_in_subtree_for(
        actor=scope.actor, org=scope.org, start=scope.period.start, end=scope.period.end
    )
    return Drill(
        title="期内的党员事迹",
        columns=["姓名", "工号", "所在组织", "日期", "事迹", "来源"],
        records=rows,
        search=("person__name", "person__employee_no", "organization__name"),
        row=lambda d: [
            (d.person.name, reverse("brand:person", args=[d.person_id])),
            d.person.employee_no,
            d.organization.name,
            d.done_on,
            d.description,
            d.source_label,
        ],
    )


register(
    Metric(
        key="brand.deeds",
        label="党员事迹",
        unit="项",
        section=SECTION,
        compute=lambda s: brand_selectors.deeds_in_subtree_for(
            actor=s.actor, org=s.org, start=s.period.start, end=s.period.end
        ).count(),
        drill=_deed_drill,
        description="期内发生的党员事迹（按事迹日期）",
    )
)


def _grades(scope: Scope) -> dict[str, int]:
    return cast(
        dict[str, int],
        scope.shared(
            "brand_grades",
            lambda: brand_selectors.grade_counts_for(
                actor=scope.actor, org=scope.org, year=scope.last_day.year
            ),
        ),
    )


def _grade_drill(grade: str) -> Callable[[Scope], Drill]:
    def drill(scope: Scope) -> Drill:
        rows = brand_selectors.graded_entries_for(
            actor=scope.actor, org=scope.org, year=scope.last_day.year, grade=grade
        )
        return Drill(
            title=f"{scope.last_day.year}年度民主评议党员" + (f"：{grade}" if grade else ""),
            columns=["姓名", "工号", "党支部", "等次", "组织处置"],
            records=rows,
            search=("person__name", "person__employee_no", "evaluation__branch__name"),
            row=lambda e: [
                (e.person.name, reverse("brand:person", args=[e.person_id])),
                e.person.employee_no,
                e.evaluation.branch.name,
                e.grade,
                e.follow_up,
            ],
        )

    return drill


register(
    Metric(
        key="brand.evaluated",
        label="参加民主评议的党员",
        unit="名",
        section=SECTION,
        compute=lambda s: sum(_grades(s).values()),
        drill=_grade_drill(""),
        description="期末所在年度的民主评议党员中已评定等次的党员",
    )
)
register(
    Metric(
        key="brand.evaluated.excellent",
        label="评为优秀的党员",
        unit="名",
        section=SECTION,
        compute=lambda s: _grades(s).get(Grade.EXCELLENT, 0),
        drill=_grade_drill(Grade.EXCELLENT),
        description="期末所在年度民主评议党员中评定为“优秀”的党员",
    )
)
register(
    Metric(
        key="brand.evaluated.unqualified",
        label="评为不合格的党员",
        unit="名",
        section=SECTION,
        compute=lambda s: _grades(s).get(Grade.UNQUALIFIED, 0),
        drill=_grade_drill(Grade.UNQUALIFIED),
        description="期末所在年度民主评议党员中评定为“不合格”的党员（每人都有组织处置记录）",
    )
)
