"""The demo step itself: every part, in order, per enterprise."""

from __future__ import annotations

from django.db import connection

from qixin.demo.context import Context
from qixin.orgs.models import Organization
from qixin.people.models import Person

from ..models import ImprovementCase, Project, SavingsEntry, Suggestion
from ..text import search, segment, similarity
from ._common import _Enterprise, _enterprises
from .accounts import _duty_accounts
from .alliances import _alliances
from .awards import _awards
from .campaigns import _campaign
from .cases import _cases
from .projects import _projects
from .savings import _ledger
from .studios import _studios
from .suggestions import _suggestions


def seed(ctx: Context) -> None:
    """Campaigns, alliances, projects and their ledgers, suggestions, studios, cases and awards."""
    segment.tokenizer()
    for number, root in enumerate(_enterprises(ctx), start=1):
        ent = _Enterprise(ctx, root)
        campaign = _campaign(ctx, root)
        alliances, alliance_branches = _alliances(ctx, ent, campaign, number)
        studios = _studios(ctx, ent, number)
        projects = _projects(ctx, ent, campaign, alliances, alliance_branches, studios, number)
        total = _ledger(ctx, projects, number, ent.counts.verified_target)
        suggestions = _suggestions(ctx, ent, projects, number)
        cases = _cases(ctx, ent, studios, projects, number)
        _awards(ctx, ent, studios, projects)
        ctx.log(
            f"  {root.name}：降本联盟{len(alliances)}个，项目{len(projects)}个，核定节约{total:,.2f}元，"
            f"建议{suggestions}条，工作室{len(studios)}个，改善案例{cases}个"
        )
    for model in (Suggestion, Project, ImprovementCase):
        search.index_rebuild(model)
    if connection.vendor == "postgresql":
        # Fresh statistics after a bulk load, so the planner uses the search index from the start
        # (ANALYZE runs inside the loader's transaction; autovacuum would take minutes to get here).
        with connection.cursor() as cursor:
            for table in (Suggestion, Project, ImprovementCase, SavingsEntry, Organization, Person):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table._meta.db_table)}")
    similarity.forget_indexes()
    _duty_accounts(ctx)
