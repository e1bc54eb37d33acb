"""An organization may ask more of its subtree than its superior does, not less: loosening a rule
of organizational life is the superior's decision (RULES.md: overrides "where its superior allows")."""

import pytest
from django.test import Client
from tests.builders import D

from qixin.core.errors import ApplicationError
from qixin.core.models import AuditEntry, RuleOverride
from qixin.core.rules import rulebook
from qixin.life import rulebook as rb
from qixin.life import services
from qixin.orgs.models import Organization

MONTHLY = {"every": "month", "times": 1, "org_kinds": ["branch"]}
QUARTERLY = {"every": "quarter", "times": 1, "org_kinds": ["branch"]}
TWICE_A_MONTH = {"every": "month", "times": 2, "org_kinds": ["branch"]}
THRICE_A_QUARTER = {"every": "quarter", "times": 3, "org_kinds": ["branch"]}


def _theme_day_frequency(org: Organization) -> rb.Frequency:
    """The theme day's frequency in force at `org` in June 2026."""
    frequency = rb.frequency_for(rulebook(org, D(2026, 6, 1)), "theme_day")
    assert frequency is not None
    return frequency


def _theme_day(world, actor, frequency, org=None):
    return services.frequency_set(
        actor=actor,
        org=org or world.branch,
        kind=world.kind("theme_day"),
        frequency=frequency,
        effective_from=D(2026, 1, 1),
    )


@pytest.mark.parametrize(
    ("frequency", "words"),
    [
        (QUARTERLY, "把频次从“每月1次”改为“每季度1次”"),
        (THRICE_A_QUARTER, "把频次从“每月1次”改为“每季度3次”"),  # as many, but they may bunch up
        (None, "取消该会议的频次要求"),
    ],
)
def test_a_secretary_cannot_loosen_the_committees_frequency(world, frequency, words):
    with pytest.raises(ApplicationError) as caught:
        _theme_day(world, world.secretary, frequency)

    assert caught.value.code == "needs_superior"
    assert caught.value.message == (
        f"不能{words}：这会低于上级党组织（示例公司党委）的要求，须由上级党组织设定。"
    )
    assert not RuleOverride.objects.exists()
    assert not AuditEntry.objects.filter(action="rule_set").exists()


def test_a_secretary_may_ask_more_and_the_committee_may_ask_less(world):
    _theme_day(world, world.secretary, TWICE_A_MONTH)
    assert _theme_day_frequency(world.branch).times == 2

    _theme_day(world, world.admin, QUARTERLY, org=world.branch)  # the superior decides it
    assert _theme_day_frequency(world.branch).every == "quarter"


def test_what_the_secretary_may_not_lower_follows_the_committees_own_rule(world):
    _theme_day(world, world.admin, QUARTERLY, org=world.root)  # the committee asks less itself

    _theme_day(world, world.secretary, QUARTERLY)  # so the branch asking as much is no loosening

    assert RuleOverride.objects.filter(organization=world.branch).count() == 1


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("life.election_quorum", [2, 3], "降低到会比例"),
        ("life.lapse_months", 9, "延长预警或认定的月数"),
    ],
)
def test_quorums_and_the_lapse_are_guarded_too(world, key, value, words):
    with pytest.raises(ApplicationError, match=words):
        services.rule_set(
            actor=world.secretary, org=world.branch, key=key, value=value, effective_from=D(2026, 1, 1)
        )
    assert not RuleOverride.objects.exists()


def test_reminder_days_are_the_branchs_own_business(world):
    services.rule_set(
        actor=world.secretary, org=world.branch, key="life.remind_days", value=3, effective_from=D(2026, 1, 1)
    )
    assert rulebook(world.branch, D(2026, 6, 1)).get("life.remind_days") == 3


def test_a_topic_of_the_committee_cannot_be_dropped_by_the_branch(world):
    with pytest.raises(ApplicationError, match="去掉必过议题“思想引领、重要任务、党员群众困难需求”"):
        services.topics_set(
            actor=world.secretary,
            org=world.branch,
            name="本支部必过",
            topics=["组织要求", "形势变化", "安全生产"],
            effective_from=D(2026, 1, 1),
        )
    added = services.topics_set(
        actor=world.secretary,
        org=world.branch,
        name="本支部必过",
        topics=["组织要求", "形势变化", "思想引领", "重要任务", "党员群众困难需求", "安全生产"],
        effective_from=D(2026, 1, 1),
    )
    assert "安全生产" in added.value["topics"]


def test_the_rules_page_reads_in_chinese_and_keeps_a_refused_form_open(world):
    client = Client()
    client.force_login(world.secretary)
    url = f"/life/org/{world.branch.pk}/rules/"

    page = client.get(url).content.decode()
    refused = client.post(
        url,
        {
            "form": "frequency",
            "kind": world.kind("theme_day").pk,
            "every": "quarter",
            "times": 1,
            "org_kinds": ["branch"],
            "effective_from": "2026-12-01",
        },
    )

    assert "<td>党支部</td>" in page
    assert "<td>branch</td>" not in page
    assert "选举有效的到会比例（有表决权党员，不低于）：4/5" in page
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "不能把频次从“每月1次”改为“每季度1次”" in body
    assert '<details class="card" open><summary>设定频次' in body
    assert '<option value="quarter" selected>' in body
