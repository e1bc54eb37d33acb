"""Demo projects and their stages."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from qixin.demo.context import Context

from .. import phrases
from ..models import Alliance, Campaign, Category, Project, ProjectMember, ProjectStageChange, Stage, Studio
from ..text import segment
from ._common import CUSTOM, NOW, _cents, _day, _Enterprise, _Table

STAGE_FLOW = [Stage.PROPOSED, Stage.IMPLEMENTING, Stage.ACCEPTANCE, Stage.CLOSED]


def _projects(
    ctx: Context,
    ent: _Enterprise,
    campaign: Campaign,
    alliances: list[Alliance],
    alliance_branches: dict[int, list[Alliance]],
    studios: list[Studio],
    number: int,
) -> list[Project]:
    rng = ctx.rng
    branches_with_members = [b for b in ent.branches if ent.members_by_branch.get(b.pk)]
    rows, teams, history = [], [], []
    studio_by_branch: dict[int, list[Studio]] = defaultdict(list)
    for studio in studios:
        studio_by_branch[studio.organization_id].append(studio)
    for i in range(ent.counts.projects):
        branch = rng.choice(branches_with_members)
        owner = rng.choice(ent.members_by_branch[branch.pk])
        category, title, description = phrases.project_title(rng)
        started = _day(rng, ctx.ago(295), ctx.ago(32))
        age = (ctx.today - started).days
        reach = min(3, age // 70 + rng.choice([0, 0, 1]))
        stage = STAGE_FLOW[reach]
        if rng.random() < 0.05 and reach < 3:
            stage = Stage.TERMINATED
        changed = started
        steps: list[tuple[str, str, date, str]] = [("", Stage.PROPOSED, started, "")]
        path = (
            STAGE_FLOW[1 : reach + 1]
            if stage != Stage.TERMINATED
            else [*STAGE_FLOW[1 : reach + 1], Stage.TERMINATED]
        )
        previous = Stage.PROPOSED
        for step in path:
            changed = min(changed + timedelta(days=rng.randint(10, 60)), ctx.today - timedelta(days=1))
            steps.append(
                (
                    previous,
                    step,
                    changed,
                    "市场变化，项目不再具备实施条件" if step == Stage.TERMINATED else "",
                )
            )
            previous = step
        studio_choices = studio_by_branch.get(branch.pk, [])
        rows.append(
            Project(
                code=f"XM-{number:02d}-{i + 1:05d}",
                title=title,
                description=description,
                organization=branch,
                owner_id=owner,
                owner_is_member=True,
                campaign=campaign,
                studio=rng.choice(studio_choices) if studio_choices and rng.random() < 0.5 else None,
                category=category,
                custom_category=CUSTOM if category == Category.CUSTOM else "",
                stage=stage,
                started_on=started,
                stage_changed_on=changed,
                savings_target=_cents(rng.lognormvariate(11.8, 0.8)),
                search_tokens=segment.index_tokens(
                    title, description, category, f"XM-{number:02d}-{i + 1:05d}"
                ),
            )
        )
        pool = ent.members_by_branch[branch.pk]
        team = {owner, *rng.sample(pool, min(len(pool), rng.randint(1, 4)))}
        teams.append(team)
        history.append(steps)
    projects = Project.objects.bulk_create(rows, batch_size=1000)
    members, changes, links_table = (
        _Table(ProjectMember),
        _Table(ProjectStageChange),
        _Table(Project.alliances.through),
    )
    for project, team, steps in zip(projects, teams, history, strict=True):
        for pid in team:
            members.add(
                project_id=project.pk, person_id=pid, role="负责人" if pid == project.owner_id else "成员"
            )
        for a, b, d, n in steps:
            changes.add(project_id=project.pk, from_stage=a, to_stage=b, changed_on=d, note=n, created_at=NOW)
        choices = alliance_branches.get(project.organization_id, [])
        if choices and rng.random() < 0.85:
            for alliance in rng.sample(choices, min(len(choices), 2 if rng.random() < 0.06 else 1)):
                links_table.add(project_id=project.pk, alliance_id=alliance.pk)
    for table in (members, changes, links_table):
        table.flush()
    return projects
