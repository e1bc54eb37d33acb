"""Every page action (a view marked core.actions.post_action) under the one refusal policy.

The refusal matrix: each action is posted, with values that would pass its form, as each kind of
user that may not take it: a member, an employee with no party role, and the secretary of another
branch (and, for one's own things, another user). Each is refused with a 403 or a 404, exactly one
refusal is audited, and nothing changes: no other audit entry, and the table of the record acted on
is as it was.

The fuzz: each action's form gets values of the wrong kind (text in a number, a choice or a date),
huge and NUL-laden strings, as a user who may take the action: never a 500.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from tests.care import page_actions as care_page_actions
from tests.improve import page_actions as improve_page_actions
from tests.life import page_actions as life_page_actions
from tests.notices import page_actions as notices_page_actions

from qixin.brand import services as brand_services
from qixin.core.actions import is_action_view
from qixin.core.models import AuditEntry, Role, RoleGrant, User
from qixin.core.services import api_token_create, system_user
from qixin.mobilize import services as mobilize_services
from qixin.orgs import services as org_services
from qixin.orgs.models import OrgKind, Position
from qixin.people import services as people_services

pytestmark = pytest.mark.django_db

# An app whose matrix is long keeps it in tests/<app>/page_actions.py: ACTIONS and ALLOWED as below,
# and records(world) -> {key: record}, built on the world here (users, records, root, b1, b2).
APP_MATRICES: tuple[Any, ...] = (
    care_page_actions,
    improve_page_actions,
    life_page_actions,
    notices_page_actions,
)

D = dt.date
STAFF_REFUSED = ("member", "employee", "other_secretary")


def _person(org: Any, number: str, *, member: bool = True) -> Any:
    values: dict[str, Any] = {
        "employee_no": number,
        "name": f"员工{number}",
        "gender": "男",
        "birth_date": D(1985, 1, 1),
        "hired_on": D(2010, 1, 1),
    }
    if member:
        values |= {
            "branch": org,
            "joined_on": D(2010, 7, 1),
            "category": "正式党员",
            "full_on": D(2011, 7, 1),
        }
    return people_services.person_create(actor=system_user(), organization=org, values=values)


@pytest.fixture
def world(db):
    admin = system_user()
    root = org_services.org_create(
        actor=admin, parent=None, code="R", name="示例党委", kind=OrgKind.COMMITTEE
    )
    b1 = org_services.org_create(actor=admin, parent=root, code="R-1", name="一支部", kind=OrgKind.BRANCH)
    b2 = org_services.org_create(actor=admin, parent=root, code="R-2", name="二支部", kind=OrgKind.BRANCH)
    s1, m1, m2 = _person(b1, "S1"), _person(b1, "M1"), _person(b1, "M2")
    e1 = _person(b1, "E1", member=False)
    s2 = _person(b2, "S2")
    for branch, who in ((b1, s1), (b2, s2)):
        org_services.position_assign(
            actor=admin, org=branch, person_id=who.pk, title="secretary", started_on=D(2024, 1, 1)
        )
    users = {
        "admin": User.objects.create_user("act-admin"),
        "worker": User.objects.create_user("act-worker"),
        "secretary": User.objects.create_user("S1", person=s1),
        "member": User.objects.create_user("M1", person=m1),
        "employee": User.objects.create_user("E1", person=e1),
        "other_secretary": User.objects.create_user("S2", person=s2),
    }
    RoleGrant.objects.create(user=users["admin"], role=Role.ADMIN, starts_on=D(2020, 1, 1))
    worker_grant = RoleGrant.objects.create(
        user=users["worker"], role=Role.PARTY_WORKER, organization=root, starts_on=D(2020, 1, 1)
    )
    framework = brand_services.framework_define(
        actor=admin, organization=b1, name="先锋一支部", pillars=["攻坚", "服务"]
    )
    evaluation = brand_services.evaluation_open(actor=admin, branch=b1, year=timezone.localdate().year - 1)
    team = mobilize_services.team_create(
        actor=admin, organization=b1, name="突击队", kind="党员突击队", formed_on=D(2025, 1, 1), leader=m2
    )
    records = {
        "b1": b1,
        "m1": m1,
        "m2": m2,
        "framework_org": framework.organization,
        "deed": brand_services.deed_record(
            actor=admin, person=m2, pillars=["攻坚"], on=D(2025, 3, 1), description="连夜抢修生产线。"
        ),
        "recognition": brand_services.recognition_create(
            actor=admin, kind="优秀共产党员", level="公司级", year=2025, person=m2
        ),
        "evaluation": evaluation,
        "entry": evaluation.entries.order_by("pk").first(),
        "team": team,
        "team_member": team.members.order_by("pk").first(),
        "mission": mobilize_services.mission_create(
            actor=admin,
            organization=b1,
            name="抢修",
            kind="专项攻坚",
            goal="按期恢复生产",
            starts_on=D(2025, 1, 1),
        ),
        "position": Position.objects.get(organization=b1, person=s1),
        "token": api_token_create(actor=users["secretary"], name="脚本", days=30)[0],
        "grant": worker_grant,
    }
    base = {"users": users, "records": records, "root": root, "b1": b1, "b2": b2}
    for matrix in APP_MATRICES:
        records |= matrix.records(base)
    return base


# url name: (the record its pk names, who may not take it, values that pass its form)
ACTIONS: dict[str, tuple[str, tuple[str, ...], dict[str, str]]] = {
    "api_token_revoke": ("token", ("member", "employee", "other_secretary"), {}),
    "role_revoke": ("grant", (*STAFF_REFUSED, "secretary"), {"ends_on": ""}),
    "brand:deed_delete": ("deed", STAFF_REFUSED, {}),
    "brand:framework_remove": ("framework_org", STAFF_REFUSED, {}),
    "brand:recognition_delete": ("recognition", STAFF_REFUSED, {}),
    "brand:evaluation_close": ("evaluation", STAFF_REFUSED, {"held_on": str(timezone.localdate())}),
    "brand:evaluation_grade": (
        "entry",
        STAFF_REFUSED,
        {
            "votes_excellent": "0",
            "votes_qualified": "3",
            "votes_basic": "0",
            "votes_unqualified": "0",
            "grade": "合格",
        },
    ),
    "mobilize:team_member_remove": ("team_member", STAFF_REFUSED, {"left_on": str(timezone.localdate())}),
    "mobilize:team_disband": ("team", STAFF_REFUSED, {"on": str(timezone.localdate())}),
    "mobilize:mission_add_team": ("mission", STAFF_REFUSED, {"team": "@team"}),
    "mobilize:mission_assign": ("mission", STAFF_REFUSED, {"employee_no": "M2", "part": "抢修"}),
    "mobilize:mission_status": ("mission", STAFF_REFUSED, {"status": "active"}),
    "orgs:position_end": ("position", STAFF_REFUSED, {"ended_on": str(timezone.localdate())}),
    "people:sensitive": ("m2", ("member", "employee", "other_secretary"), {}),
    "people:export_clear": ("m2", ("member", "employee"), {"reason": "报送换届选举材料", "fmt": "csv"}),
}
# Actions whose address names no record (the record given is the table that must not change).
NO_ARGS = {"people:export_clear"}
# Who may take each action (the fuzz posts as this user, so that its form is what is read).
ALLOWED = {"api_token_revoke": "secretary", "role_revoke": "admin"}
for _matrix in APP_MATRICES:
    ACTIONS |= _matrix.ACTIONS
    ALLOWED |= _matrix.ALLOWED


def _action_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and is_action_view(p.callback):
                names.add(namespace + str(p.name))

    walk(get_resolver().url_patterns, "")
    return names


def test_every_page_action_is_in_the_matrix():
    assert _action_names() == set(ACTIONS)


def _values(data: dict[str, str], records: dict[str, Any]) -> dict[str, str]:
    """A value "@key" stands for the pk of the record `key` (built per test)."""
    return {k: str(records[v[1:]].pk) if v.startswith("@") else v for k, v in data.items()}


def _snapshot(record: Any) -> list[dict[str, Any]]:
    return list(type(record)._default_manager.order_by("pk").values())


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_a_refused_action_is_a_403_or_404_audited_once_and_changes_nothing(client, world, name):
    key, refused, data = ACTIONS[name]
    record = world["records"][key]
    url = reverse(name) if name in NO_ARGS else reverse(name, args=[record.pk])
    for role in refused:
        client.force_login(world["users"][role])
        before, last = _snapshot(record), AuditEntry.objects.order_by("-id").values_list("id", flat=True)[0]
        response = client.post(url, _values(data, world["records"]))
        assert response.status_code in (403, 404), (name, role, response.status_code)
        entries = list(AuditEntry.objects.filter(id__gt=last).values_list("action", "object_repr"))
        assert entries == [("refused", f"POST {url}")], (name, role, entries)
        assert _snapshot(record) == before, (name, role)


BAD_VALUES = ("abc", "-1", "9" * 40, "2026-02-30", "x" * 100_000, "a\x00b", "")


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_an_action_form_never_answers_500(client, world, name):
    key, _refused, data = ACTIONS[name]
    record = world["records"][key]
    url = reverse(name) if name in NO_ARGS else reverse(name, args=[record.pk])
    client.force_login(world["users"][ALLOWED.get(name, "admin")])
    fields = list(data) or ["anything"]
    for field in fields:
        for bad in BAD_VALUES:
            values = {**_values(data, world["records"]), field: bad}
            response = client.post(url, values)
            assert response.status_code < 500, (name, field, bad[:20])
