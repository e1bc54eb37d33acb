"""Demo suggestions, their resubmissions and likely duplicates."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from qixin.demo.context import Context

from .. import phrases
from ..models import (
    Category,
    DuplicateCandidate,
    DuplicateStatus,
    PointsEntry,
    PointsEvent,
    Project,
    Source,
    Stage,
    Suggestion,
    SuggestionCredit,
    SuggestionEvent,
    SuggestionKind,
    SuggestionStatus,
)
from ..text import segment, similarity
from ._common import CUSTOM, _aware, _day, _Enterprise, _Table, campaign_start

POINTS = {
    PointsEvent.SUBMITTED: 1,
    PointsEvent.ACCEPTED: 5,
    PointsEvent.IMPLEMENTED: 10,
    PointsEvent.CONVERTED: 10,
}


REJECTIONS = (
    "该问题已列入设备部年度改造计划，无需重复立项。",
    "经测算投入产出比偏低，暂不实施。",
    "与现行工艺规范冲突，需工艺部门进一步论证。",
    "供应商合同尚在有效期内，合同到期时再评估。",
    "已有同类措施在实施中，请关注后续效果。",
)


def _suggestions(ctx: Context, ent: _Enterprise, projects: list[Project], number: int) -> int:
    rng = ctx.rng
    rows: list[dict[str, Any]] = []
    resubmitted: list[tuple[int, int]] = []  # (index of the copy, index of the original)
    converted_pool = [p for p in projects if p.stage != Stage.PROPOSED]
    dates = sorted(_day(rng, campaign_start(ctx), ctx.today) for _ in range(ent.counts.suggestions))
    table = _Table(Suggestion)
    first_id = table.next_id
    for i, day in enumerate(dates):
        person = rng.choice(ent.people)
        if i > 100 and rng.random() < 0.03:
            original = rng.randrange(i)
            written_text = phrases.resubmission(rows[original]["text"], rng)
            title, category = rows[original]["title"], rows[original]["category"]
            resubmitted.append((i, original))
        else:
            written = phrases.suggestion_text(rng)
            written_text, title, category = written.text, written.title, written.category
        age = (ctx.today - day).days
        roll = rng.random()
        if age < 20 and roll < 0.6:
            status = SuggestionStatus.SUBMITTED if roll < 0.3 else SuggestionStatus.REVIEWING
        else:
            status = (
                SuggestionStatus.ACCEPTED
                if roll < 0.32
                else SuggestionStatus.REJECTED
                if roll < 0.57
                else SuggestionStatus.IMPLEMENTED
                if roll < 0.90
                else SuggestionStatus.CONVERTED
                if roll < 0.93
                else SuggestionStatus.SUBMITTED
                if roll < 0.965
                else SuggestionStatus.REVIEWING
            )
        source = rng.choices([Source.UI, Source.QR, Source.API, Source.IMPORT], [70, 20, 5, 5])[0]
        anonymous = source == Source.QR and rng.random() < 0.15
        decided = min(day + timedelta(days=rng.randint(3, 30)), ctx.today - timedelta(days=1))
        decided_status = status not in (SuggestionStatus.SUBMITTED, SuggestionStatus.REVIEWING)
        project = rng.choice(converted_pool) if status == SuggestionStatus.CONVERTED else None
        code = f"JY-{number:02d}-{i + 1:06d}"
        rows.append(
            {
                "id": first_id + i,
                "number": code,
                "title": title,
                "text": written_text,
                "kind": SuggestionKind.RATIONAL if rng.random() < 0.15 else SuggestionKind.COST,
                "category": category,
                "custom_category": CUSTOM if category == Category.CUSTOM else "",
                "organization_id": person.organization_id,
                "department": person.department,
                "submitter_id": None if anonymous else person.pk,
                "source": source,
                "expected_benefit": Decimal(rng.choice([5000, 20000, 50000, 100000, 300000]))
                if rng.random() < 0.4
                else None,
                "submitted_at": _aware(day, rng),
                "status": status,
                "decided_on": decided if decided_status else None,
                "reply": rng.choice(REJECTIONS)
                if status == SuggestionStatus.REJECTED
                else ("同意采纳，由车间组织实施。" if decided_status else ""),
                "implemented_on": min(
                    decided + timedelta(days=rng.randint(5, 40)), ctx.today - timedelta(days=1)
                )
                if status == SuggestionStatus.IMPLEMENTED
                else None,
                "project_id": project.pk if project is not None else None,
                "search_tokens": segment.index_tokens(title, written_text, code),
                "dedup_tokens": similarity.dedup_tokens(f"{title}。{written_text}"),
            }
        )
    # Resubmissions still open were found as likely duplicates; about half were merged already.
    merges: dict[int, int] = {}
    for copy, original in resubmitted:
        if rows[copy]["status"] in (
            SuggestionStatus.SUBMITTED,
            SuggestionStatus.REVIEWING,
            SuggestionStatus.REJECTED,
            SuggestionStatus.ACCEPTED,
        ):
            rows[copy].update(status=SuggestionStatus.REVIEWING, reply="", decided_on=None)
            if rng.random() < 0.5 and original not in merges:
                merges[copy] = original
                rows[copy].update(status=SuggestionStatus.MERGED, merged_into_id=rows[original]["id"])
    for row in rows:
        table.add(**row)
    table.flush()
    scorer = similarity.SuggestionScorer()
    candidates = _Table(DuplicateCandidate)
    for copy, original in resubmitted:
        candidates.add(
            suggestion_id=rows[copy]["id"],
            candidate_id=rows[original]["id"],
            score=round(scorer.score(rows[copy]["text"], rows[original]["text"]), 3),
            status=DuplicateStatus.MERGED if copy in merges else DuplicateStatus.OPEN,
            found_at=rows[copy]["submitted_at"],
        )
    candidates.flush()
    credits, points, events = _Table(SuggestionCredit), _Table(PointsEntry), _Table(SuggestionEvent)
    credited: set[tuple[int, int]] = set()
    reached_by: dict[str, list[str]] = {
        SuggestionStatus.ACCEPTED: [PointsEvent.ACCEPTED],
        SuggestionStatus.IMPLEMENTED: [PointsEvent.ACCEPTED, PointsEvent.IMPLEMENTED],
        SuggestionStatus.CONVERTED: [PointsEvent.ACCEPTED, PointsEvent.CONVERTED],
    }
    for i, row in enumerate(rows):
        submitter = row["submitter_id"]
        day = row["submitted_at"].date()
        events.add(
            suggestion_id=row["id"],
            from_status="",
            to_status=SuggestionStatus.SUBMITTED,
            at=row["submitted_at"],
        )
        if row["decided_on"] is not None:
            events.add(
                suggestion_id=row["id"],
                from_status=SuggestionStatus.REVIEWING,
                to_status=row["status"],
                at=_aware(row["decided_on"], rng),
                note=row["reply"],
            )
        if submitter is None:
            continue
        targets = [row["id"]]
        if i in merges:  # the merged duplicate's submitter is credited on the original too
            targets.append(rows[merges[i]]["id"])
        for target in targets:
            if (target, submitter) not in credited:
                credited.add((target, submitter))
                credits.add(
                    suggestion_id=target,
                    person_id=submitter,
                    via_id=row["id"] if target != row["id"] else None,
                )
        points.add(
            person_id=submitter,
            suggestion_id=row["id"],
            event=PointsEvent.SUBMITTED,
            points=1,
            awarded_on=day,
        )
        for event in reached_by.get(row["status"], []):
            points.add(
                person_id=submitter,
                suggestion_id=row["id"],
                event=event,
                points=POINTS[PointsEvent(event)],
                awarded_on=row["decided_on"] or day,
            )
    for done in (credits, points, events):
        done.flush()
    return len(rows)
