"""Demo improvement cases and the excellent ones."""

from __future__ import annotations

from datetime import date, timedelta

from qixin.demo.context import Context

from .. import phrases
from ..models import Category, ExcellentCase, ImprovementCase, Project, Studio
from ..text import segment
from ._common import CUSTOM, _cents, _day, _Enterprise


def _cases(
    ctx: Context, ent: _Enterprise, studios: list[Studio], projects: list[Project], number: int
) -> int:
    rng = ctx.rng
    year = ctx.last_year_of(10, 20)  # the cases of the year whose excellent ones were selected last October
    rows = []
    excellent = ent.counts.excellent
    for i in range(ent.counts.cases):
        branch = rng.choice([b for b in ent.branches if ent.members_by_branch.get(b.pk)])
        member_lead = i < excellent + 5 or rng.random() < 0.75
        pool = (
            ent.members_by_branch[branch.pk]
            if member_lead
            else [p.pk for p in ent.people_by_branch[branch.pk] if p.pk not in ent.member_ids]
        )
        pool = pool or ent.members_by_branch[branch.pk]
        lead = rng.choice(pool)
        category, title, before, after = phrases.case_texts(rng)
        completed = _day(rng, date(year, 1, 15), date(year, 10, 1))
        code = f"AL-{number:02d}-{i + 1:04d}"
        rows.append(
            ImprovementCase(
                code=code,
                title=title,
                organization=branch,
                lead_id=lead,
                lead_is_member=lead in ent.member_ids,
                studio=rng.choice(studios) if rng.random() < 0.3 else None,
                category=category,
                custom_category=CUSTOM if category == Category.CUSTOM else "",
                year=year,
                completed_on=completed,
                before=before,
                after=after,
                savings=_cents(rng.lognormvariate(11.5, 0.8)),
                rating=(5 if i < 40 else 4) if i < excellent else rng.choice([2, 3, 3, 4, None]),
                rated_on=date(year, 10, 15) if i < excellent else completed + timedelta(days=20),
                search_tokens=segment.index_tokens(title, before, after, category, code),
            )
        )
    for row in rows:
        if row.rating is None:
            row.rated_on = None
    cases = ImprovementCase.objects.bulk_create(rows, batch_size=1000)
    ExcellentCase.objects.bulk_create(
        [
            ExcellentCase(
                organization=ent.root,
                year=year,
                case=case,
                selected_on=date(year, 10, 20),
                citation="年度优秀改善案例",
            )
            for case in cases[:excellent]
        ]
    )
    return len(cases)
