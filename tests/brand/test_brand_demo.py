"""The demo data of brand, mobilize and advocacy at small scale: the article's figures scaled, and
records that obey the same rules as the services."""

import random
from datetime import date

import pytest
from faker import Faker

from qixin.brand.demo import scaled
from qixin.brand.models import Deed, EvaluationEntry
from qixin.brand.selectors import framework_effective
from qixin.core.services import system_user
from qixin.demo import seed as demo
from qixin.demo.context import Context
from qixin.mobilize import selectors as mobilize_selectors
from qixin.mobilize.models import Team
from qixin.orgs.models import Organization

# The day these tests' figures were drawn for (the demo is dated from the day it is loaded).
DEMO_DAY = date(2026, 11, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    fake = Faker("zh_CN")
    fake.seed_instance(1)
    ctx = Context(
        rng=random.Random(1), fake=fake, scale=demo.SCALES["small"], today=DEMO_DAY, log=lambda _: None
    )
    for step in demo.STEPS:
        step(ctx)
    from qixin.advocacy import demo as advocacy_demo
    from qixin.brand import demo as brand_demo
    from qixin.mobilize import demo as mobilize_demo

    for module in (brand_demo, mobilize_demo, advocacy_demo):
        module.seed(ctx)
    return ctx


def test_demo_follows_the_article_scaled_and_the_rules(seeded):
    root = seeded.roots[0]
    admin = system_user()
    period = {"actor": admin, "org": root, "start": DEMO_DAY.replace(month=1, day=1), "end": DEMO_DAY}
    counts = mobilize_selectors.team_counts_by_kind_for(**period)
    assert counts["党员突击队"] == scaled(seeded, 412)
    assert counts["防疫监督小组"] == scaled(seeded, 163)
    assert counts["复工复产保障队"] == scaled(seeded, 300)
    assert mobilize_selectors.volunteers_for(**period).count() == scaled(seeded, 732)
    assert mobilize_selectors.missions_in_period_for(**period, kind="先锋行动").count() == scaled(seeded, 85)
    assert mobilize_selectors.deployed_people_for(**period, kind="驰援").count() == scaled(seeded, 2267)
    assert mobilize_selectors.deployed_people_for(**period, kind="坚守").count() == scaled(seeded, 228)
    # The records obey the same rules as the services.
    assert not Team.objects.filter(members__isnull=True).exists()
    assert EvaluationEntry.objects.filter(evaluation__status="open", grade="").exists()  # this year's, begun
    for entry in EvaluationEntry.objects.filter(evaluation__status="closed"):
        assert entry.grade
        if entry.grade == "不合格":
            assert entry.follow_up
    frameworks = [framework_effective(b) for b in Organization.objects.filter(kind="branch")]
    assert None not in frameworks  # every branch has a brand, its own or inherited
    names = {f.name for f in frameworks if f is not None}
    assert names == {"五个在前", "通融达道·思源致远"}  # one department overrides the committee's brand
    linked = Deed.objects.filter(source_model="mobilize.assignment")
    assert linked.exists()
    assert all(d.source_url.startswith("/mobilize/missions/") for d in linked)
