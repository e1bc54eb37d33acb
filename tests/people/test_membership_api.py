"""/api/v1/people/{pk}/admit, confirm-full, extend-probation, cancel-probation and leave: the same
services as the pages, so the same rules, scope and messages; a refusal changes nothing."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from tests.builders import D, account, org, person, superuser

from qixin.core.periods import add_months, add_years
from qixin.core.services import api_token_create
from qixin.orgs.models import OrgKind
from qixin.people.models import Membership, Person

pytestmark = pytest.mark.django_db


def day_joined() -> dt.date:
    return add_years(timezone.localdate(), -1) - dt.timedelta(days=10)


def day_due() -> dt.date:
    return add_years(day_joined(), 1)


@pytest.fixture
def world():
    root = org(None, "R", OrgKind.COMMITTEE)
    b1, b2 = org(root, "B1", name="第一党支部"), org(root, "B2", name="第二党支部")
    probationary = person(b1, "P1", category="预备党员", joined=day_joined())
    employee = person(b1, "E1")
    full = person(b1, "F1", category="正式党员", joined=D(2015, 7, 1))
    outsider = person(b2, "O1", category="正式党员")
    return {
        "b1": b1,
        "probationary": probationary,
        "membership": Membership.objects.get(person=probationary),
        "employee": employee,
        "full": full,
        "admin": superuser("admin", password="x-Password-2026"),
        "member": account("member", password="x-Password-2026", person=full),
        "outsider": account("outsider", password="x-Password-2026", person=outsider),
    }


def post(client, user, pk, action, body):
    headers = {}
    if user is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {api_token_create(actor=user, name='t', days=30)[1]}"
    return client.post(
        f"/api/v1/people/{pk}/{action}", json.dumps(body), content_type="application/json", **headers
    )


def text(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def extend_body() -> dict[str, object]:
    return {
        "months": 6,
        "decided_on": day_due().isoformat(),
        "approved_on": day_due().isoformat(),
        "reason": "需要继续考察",
    }


def cancel_body() -> dict[str, object]:
    return {
        "decided_on": day_due().isoformat(),
        "approved_on": timezone.localdate().isoformat(),
        "reason": "不具备党员条件",
    }


def test_admit_records_a_probationary_member(client, world):
    pk = world["employee"].pk
    joined = timezone.localdate() - dt.timedelta(days=3)
    done = post(
        client,
        world["admin"],
        pk,
        "admit",
        {"branch_code": "B1", "category": "预备党员", "joined_on": str(joined)},
    )
    assert done.status_code == 200, done.content
    assert done.json()["membership"]["category"] == "预备党员"
    assert done.json()["membership"]["probation_due"] == add_years(joined, 1).isoformat()
    assert Membership.objects.get(person_id=pk).joined_on == joined


def test_admit_refuses_bad_input_and_changes_nothing(client, world):
    pk = world["employee"].pk
    again = post(
        client,
        world["admin"],
        world["probationary"].pk,
        "admit",
        {"branch_code": "B1", "category": "预备党员", "joined_on": "2026-01-01"},
    )
    assert again.status_code == 400
    assert "已是在册党员" in text(again)
    future = post(
        client,
        world["admin"],
        pk,
        "admit",
        {"branch_code": "B1", "category": "预备党员", "joined_on": "2099-01-01"},
    )
    assert future.status_code == 400
    assert "加入党组织日期不能晚于今天" in text(future)
    unknown = post(
        client, world["admin"], pk, "admit", {"branch_code": "B1", "category": "党员", "joined_on": "x"}
    )
    assert unknown.status_code == 422
    assert not Membership.objects.filter(person_id=pk).exists()


def test_confirm_full_on_the_due_date_and_not_before(client, world):
    pk = world["probationary"].pk
    early = post(
        client, world["admin"], pk, "confirm-full", {"full_on": str(day_due() - dt.timedelta(days=1))}
    )
    assert early.status_code == 400
    assert early.json()["code"] == "probation_not_over"
    assert Membership.objects.get(person_id=pk).category == "预备党员"
    done = post(client, world["admin"], pk, "confirm-full", {"full_on": str(day_due())})
    assert done.status_code == 200
    assert (done.json()["membership"]["category"], done.json()["membership"]["full_on"]) == (
        "正式党员",
        str(day_due()),
    )
    assert done.json()["membership"]["probation_due"] is None


def test_extend_probation_and_its_refusals(client, world):
    pk = world["probationary"].pk
    too_long = post(client, world["admin"], pk, "extend-probation", extend_body() | {"months": 13})
    assert too_long.status_code == 400
    assert "延长预备期应为6至12个月" in text(too_long)
    no_reason = post(client, world["admin"], pk, "extend-probation", extend_body() | {"reason": ""})
    assert no_reason.status_code == 422
    assert Membership.objects.get(person_id=pk).probation_extended_until is None

    done = post(client, world["admin"], pk, "extend-probation", extend_body())
    assert done.status_code == 200
    out = done.json()["membership"]
    until = add_months(day_due(), 6).isoformat()
    assert (out["probation_due"], out["probation_extended_until"], out["probation_extension_reason"]) == (
        until,
        until,
        "需要继续考察",
    )
    second = post(client, world["admin"], pk, "extend-probation", extend_body())
    assert second.status_code == 400
    assert second.json()["code"] == "already_extended"

    full = post(client, world["admin"], world["full"].pk, "extend-probation", extend_body())
    assert full.status_code == 400
    assert full.json()["code"] == "not_probationary"


def test_cancel_probation_ends_the_membership(client, world):
    pk = world["probationary"].pk
    late = post(client, world["admin"], pk, "cancel-probation", cancel_body() | {"approved_on": "2099-01-01"})
    assert late.status_code == 400
    assert "上级批准日期不能晚于今天" in text(late)
    assert Membership.objects.get(person_id=pk).ended_on is None

    done = post(client, world["admin"], pk, "cancel-probation", cancel_body())
    assert done.status_code == 200
    assert (done.json()["membership"], done.json()["category"]) == (None, "群众")
    m = Membership.objects.get(person_id=pk)
    assert (m.ended_on, m.end_reason, m.end_note) == (
        timezone.localdate(),
        "取消预备党员资格",
        "不具备党员条件",
    )


def test_leave_and_its_refusals(client, world):
    pk = world["employee"].pk
    bad_status = post(
        client, world["admin"], pk, "leave", {"on": str(timezone.localdate()), "status": "在职"}
    )
    assert bad_status.status_code == 422
    future = post(client, world["admin"], pk, "leave", {"on": "2099-01-01", "status": "退休"})
    assert future.status_code == 400
    assert "不晚于今天" in text(future)
    assert Person.objects.get(pk=pk).employment_status == "在职"
    done = post(client, world["admin"], pk, "leave", {"on": str(timezone.localdate()), "status": "退休"})
    assert done.status_code == 200
    assert (done.json()["employment_status"], done.json()["left_on"]) == ("退休", str(timezone.localdate()))


@pytest.mark.parametrize(
    ("action", "body", "target"),
    [
        ("admit", {"branch_code": "B1", "category": "预备党员", "joined_on": "2026-01-05"}, "employee"),
        ("confirm-full", {"full_on": day_due().isoformat()}, "probationary"),
        ("extend-probation", extend_body(), "probationary"),
        ("cancel-probation", cancel_body(), "probationary"),
        ("leave", {"on": timezone.localdate().isoformat(), "status": "离职"}, "employee"),
    ],
)
def test_who_may_not_manage_the_branch_is_refused_and_nothing_changes(client, world, action, body, target):
    pk = world[target].pk

    def state():
        return (
            list(
                Membership.objects.filter(person_id=pk).values_list(
                    "category", "ended_on", "probation_extended_until"
                )
            ),
            Person.objects.get(pk=pk).employment_status,
        )

    before = state()
    assert post(client, None, pk, action, body).status_code == 401
    assert post(client, world["outsider"], pk, action, body).status_code == 404  # out of reach: as if missing
    assert (
        post(client, world["member"], pk, action, body).status_code == 403
    )  # sees the branch, does not manage
    assert state() == before
