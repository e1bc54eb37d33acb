"""schemathesis against the OpenAPI spec at /api/v1/openapi.json: generated requests to every
operation, as each kind of user over a small world, must never cause a server error nor get a
response that breaks the documented schema.

The kinds of user are the demo's: the administrator, a party worker of the committee, a branch
secretary, a member and an employee who holds no party role, each with an API token. What a user
reaches differs by role (a member's requests go through other scopes and refusals than an
administrator's), so every fuzzed request is sent once as each of them. The coverage phase's
boundary and malformed values (a bound and one past it, wrong types, missing fields) probe the
input validation, which comes before any role matters; they are sent as the administrator only, who
reaches every operation's body, to keep the test to about a minute.

A random id finds nothing, and a 404 is all it tests: where a path's {pk} names a kind of record the
world has, the request goes to that record, which each role reaches differently."""

import datetime as dt
from decimal import Decimal

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.meta import TestPhase
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from tests.builders import D, account, grant, org, person

from qixin.advocacy import services as advocacy_services
from qixin.brand import services as brand_services
from qixin.core.models import Role
from qixin.core.services import api_token_create, system_user
from qixin.improve import services as improve_services
from qixin.life import services as life_services
from qixin.life.models import MeetingKind
from qixin.mobilize import services as mobilize_services
from qixin.orgs import services as org_services
from qixin.orgs.models import OrgKind

# Sending every path an unexpected method (TRACE, PUT...) only tests Django's 405: not worth the time.
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"unexpected-methods": []}}})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), config=CONFIG)

ROLES = ("系统管理员", "党务工作者", "支部书记", "党员", "员工")

# The world's record that a path's {pk} names, by the path's beginning.
TARGETS = (
    ("/api/v1/orgs/{pk}", "branch"),
    ("/api/v1/people/{pk}", "member"),
    ("/api/v1/brand/orgs/{pk}", "branch"),
    ("/api/v1/brand/people/{pk}", "member"),
    ("/api/v1/brand/evaluations/{pk}", "evaluation"),
    ("/api/v1/life/meetings/{pk}", "meeting"),
    ("/api/v1/improve/suggestions/{pk}", "suggestion"),
    ("/api/v1/improve/projects/{pk}", "project"),
    ("/api/v1/improve/campaigns/{pk}", "improve_campaign"),
    ("/api/v1/mobilize/teams/{pk}", "team"),
    ("/api/v1/mobilize/missions/{pk}", "mission"),
    ("/api/v1/advocacy/campaigns/{pk}", "advocacy_campaign"),
)


@pytest.fixture
def keep_connection():
    """The WSGI app closes database connections at the end of each request, which would end the
    test's transaction on PostgreSQL; Django's own test client switches that off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, keep_connection):
    """A committee with two branches, their members and an employee, one record of each kind that
    TARGETS names; a token for each kind of user."""
    root = org(None, "R", OrgKind.COMMITTEE, "示例党委")
    branch = org(root, "R-1", name="总装一支部")
    other = org(root, "R-2", name="总装二支部")
    secretary = person(branch, "QX0001", category="正式党员", phone="13800138000")
    member = person(branch, "QX0002", category="正式党员")
    person(branch, "QX0003", category="预备党员", joined=D(2026, 3, 1))
    person(other, "QX0004", category="正式党员")
    employee = person(branch, "QX0005")
    org_services.position_assign(
        actor=system_user(), org=branch, person_id=secretary.pk, title="secretary", started_on=D(2024, 1, 1)
    )
    admin = account("api-admin")
    grant(admin, Role.ADMIN)
    worker = account("api-worker")
    grant(worker, Role.PARTY_WORKER, root)
    users = {
        "系统管理员": admin,
        "党务工作者": worker,
        "支部书记": account("QX0001", person=secretary),
        "党员": account("QX0002", person=member),
        "员工": account("QX0005", person=employee),
    }
    starts = timezone.now() + dt.timedelta(days=3)
    lately = timezone.localdate() - dt.timedelta(days=30)  # what services take as already begun
    records = {
        "branch": branch,
        "member": member,
        "evaluation": brand_services.evaluation_open(
            actor=system_user(), branch=branch, year=lately.year - 1
        ),
        "meeting": life_services.meeting_plan(
            actor=system_user(),
            org=branch,
            kind=MeetingKind.objects.get(code="theme_day"),
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
        ),
        "suggestion": improve_services.suggestion_submit(
            actor=users["党员"],
            organization=branch,
            submitter=member,
            text="空压机加装变频控制，按用气量调节。",
        ),
        "project": improve_services.project_create(
            actor=system_user(),
            organization=branch,
            title="空压机变频",
            owner=member,
            category="能耗",
            started_on=lately,
        ),
        "improve_campaign": improve_services.campaign_create(
            actor=system_user(),
            organization=root,
            name="降本增效",
            starts_on=lately,
            ends_on=lately + dt.timedelta(days=365),
            savings_target=Decimal(100000),
        ),
        "team": mobilize_services.team_create(
            actor=system_user(),
            organization=branch,
            name="总装党员突击队",
            kind="党员突击队",
            formed_on=lately,
            leader=secretary,
        ),
        "mission": mobilize_services.mission_create(
            actor=system_user(),
            organization=branch,
            name="复工攻坚",
            kind="专项攻坚",
            goal="按期复工",
            starts_on=lately,
        ),
        "advocacy_campaign": advocacy_services.campaign_create(
            actor=system_user(), organization=root, name="品牌宣传月", starts_on=lately
        ),
    }
    return {
        "tokens": {
            role: api_token_create(actor=user, name="schemathesis")[1] for role, user in users.items()
        },
        **{name: record.pk for name, record in records.items()},
    }


def aim(case, world):
    phase = case.meta.phase if case.meta is not None else None
    if phase is not None and phase.name == TestPhase.COVERAGE and phase.data.parameter == "pk":
        return  # a case about the id itself: 0, -1, 2**63, "abc"...
    for prefix, record in TARGETS:
        if case.path.startswith(prefix) and "pk" in (case.path_parameters or {}):
            case.path_parameters["pk"] = world[record]


@schema.parametrize()
@settings(
    # Fuzzed examples per operation (each sent as all five users); the coverage phase adds its own.
    max_examples=4,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_conforms_to_its_schema_for_every_role(case, world):
    aim(case, world)
    roles = ROLES if case.meta is None or case.meta.phase.name != TestPhase.COVERAGE else ROLES[:1]
    for role in roles:
        try:
            case.call_and_validate(
                headers={"Authorization": f"Bearer {world['tokens'][role]}"},
                checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
            )
        except Exception as failure:
            failure.add_note(f"以{role}的令牌发送")
            raise
