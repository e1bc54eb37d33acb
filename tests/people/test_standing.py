"""党籍状态, 失联 and 流动 of a member: set on the person's page, through the API and by import alike,
checked by the same rules; a refusal leaves the membership as it was."""

import json

import pytest
from django.urls import reverse
from tests.builders import D, account, org, person, superuser

from qixin.core.errors import ApplicationError
from qixin.core.models import AuditEntry
from qixin.core.services import api_token_create, system_user
from qixin.orgs.models import OrgKind
from qixin.people.models import Membership
from qixin.people.services import membership_end, membership_set_standing

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    root = org(None, "R", OrgKind.COMMITTEE)
    b1, b2 = org(root, "B1", name="第一党支部"), org(root, "B2", name="第二党支部")
    member = person(b1, "M1", category="正式党员", joined=D(2015, 7, 1))
    outsider = person(b2, "M2", category="正式党员")
    return {
        "member": member,
        "membership": Membership.objects.get(person=member),
        "outsider": account("outsider", password="x-Password-2026", person=outsider),
        "admin": superuser("admin", password="x-Password-2026"),
    }


def test_lost_contact_and_floating_are_recorded_and_audited(world):
    m = world["membership"]
    membership_set_standing(
        actor=system_user(),
        membership=m,
        values={
            "lost_contact": True,
            "lost_contact_since": D(2026, 3, 1),
            "floating": True,
            "floating_to": "广东佛山",
        },
    )
    m.refresh_from_db()
    assert (m.standing, m.lost_contact_since, m.floating_to) == ("正常", D(2026, 3, 1), "广东佛山")
    entry = AuditEntry.objects.get(action="set_standing", object_pk=str(m.pk))
    assert set(entry.changes) == {"lost_contact_since", "floating_to"}

    # Left out means unchanged; un-ticking 失联 clears its date.
    membership_set_standing(actor=system_user(), membership=m, values={"standing": "停止党籍"})
    membership_set_standing(actor=system_user(), membership=m, values={"lost_contact": False})
    m.refresh_from_db()
    assert (m.standing, m.lost_contact_since, m.floating_to) == ("停止党籍", None, "广东佛山")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"lost_contact": True}, "失联党员须填写失联日期"),
        ({"lost_contact": True, "lost_contact_since": D(2099, 1, 1)}, "失联日期不能晚于今天"),
        ({"lost_contact": True, "lost_contact_since": D(2014, 1, 1)}, "失联日期不能早于加入党组织日期"),
        ({"floating": True, "floating_to": ""}, "流动党员须填写流动去向"),
        ({"standing": "开除"}, "请选择党籍状态"),
    ],
)
def test_bad_values_are_named_and_nothing_changes(world, values, message):
    m = world["membership"]
    with pytest.raises(ApplicationError) as caught:
        membership_set_standing(actor=system_user(), membership=m, values={"standing": "正常", **values})
    assert message in str(caught.value) + "".join(str(p) for p in caught.value.problems)
    m.refresh_from_db()
    assert (m.standing, m.lost_contact_since, m.floating_to) == ("正常", None, "")
    assert not AuditEntry.objects.filter(action="set_standing").exists()


def test_an_ended_membership_keeps_its_standing(world):
    m = world["membership"]
    membership_end(actor=system_user(), membership=m, on=D(2026, 5, 1), reason="转出")
    with pytest.raises(ApplicationError, match="已终止"):
        membership_set_standing(actor=system_user(), membership=m, values={"standing": "停止党籍"})


def test_someone_outside_the_branch_is_refused(world):
    with pytest.raises(ApplicationError):
        membership_set_standing(
            actor=world["outsider"], membership=world["membership"], values={"standing": "停止党籍"}
        )
    world["membership"].refresh_from_db()
    assert world["membership"].standing == "正常"


def test_the_page_shows_the_current_state_and_saves(client, world):
    client.force_login(world["admin"])
    pk = world["member"].pk
    detail = client.get(reverse("people:detail", args=[pk])).content.decode()
    assert reverse("people:standing", args=[pk]) in detail

    form = client.get(reverse("people:standing", args=[pk])).content.decode()
    assert '<option value="正常" selected>正常</option>' in form
    saved = client.post(
        reverse("people:standing", args=[pk]),
        {"standing": "正常", "lost_contact": "on", "lost_contact_since": "2026-04-01", "floating_to": ""},
    )
    assert saved.status_code == 302
    world["membership"].refresh_from_db()
    assert world["membership"].lost_contact_since == D(2026, 4, 1)
    assert "自 2026年4月1日 起" in client.get(reverse("people:detail", args=[pk])).content.decode()
    # The saved date comes back in the form as a browser's date field takes it.
    again = client.get(reverse("people:standing", args=[pk])).content.decode()
    assert 'type="date" name="lost_contact_since" value="2026-04-01"' in again

    refused = client.post(reverse("people:standing", args=[pk]), {"standing": "正常", "floating": "on"})
    assert refused.status_code == 400
    assert "流动党员须填写流动去向" in refused.content.decode()


def test_the_page_is_not_offered_outside_the_branch(client, world):
    client.force_login(world["outsider"])
    response = client.post(reverse("people:standing", args=[world["member"].pk]), {"standing": "停止党籍"})
    assert response.status_code in (403, 404)
    world["membership"].refresh_from_db()
    assert world["membership"].standing == "正常"


def test_the_api_sets_floating_and_reports_bad_input(client, world):
    token = api_token_create(actor=world["admin"], name="t", days=30)[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/v1/people/{world['member'].pk}/standing"

    done = client.post(
        url,
        json.dumps({"floating": True, "floating_to": "上海嘉定"}),
        content_type="application/json",
        **headers,
    )
    bad = client.post(url, json.dumps({"lost_contact": True}), content_type="application/json", **headers)

    assert done.status_code == 200
    assert done.json()["membership"]["floating_to"] == "上海嘉定"
    assert bad.status_code == 400
    assert "失联党员须填写失联日期" in json.dumps(bad.json(), ensure_ascii=False)
    world["membership"].refresh_from_db()
    assert (world["membership"].floating_to, world["membership"].lost_contact_since) == ("上海嘉定", None)
