"""Closing records: a member leaves an alliance, an alliance is dissolved, a studio is closed, a case
is withdrawn from the excellent cases. Each is confirmed on its own page and done by a POST with the
date (or reason) it is recorded with; a GET changes nothing. A refusal names the field and changes
nothing; access is decided by the same permission in the service, the page, its link and the API."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from qixin.core.errors import ApplicationError
from qixin.core.models import AuditEntry
from qixin.core.services import api_token_create
from qixin.improve import selectors, services
from qixin.improve.models import Alliance, AllianceMember, Category, ExcellentCase, Studio


def day_tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


def _post_api(client, user, path, body):
    token = api_token_create(actor=user, name="t", days=30)[1]
    return client.post(
        f"/api/v1/improve/{path}",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def _audited(action, obj=None, model=""):
    rows = AuditEntry.objects.filter(action=action, model=model or obj._meta.label)
    if obj is not None:
        rows = rows.filter(object_pk=str(obj.pk))
    return list(rows.values_list("changes", flat=True))


def _alliance(world, make):
    return services.alliance_create(
        actor=world.worker,
        name="总装能耗联盟",
        lead_branch=world.branch,
        leader=world.member,
        founded_on=make.start,
        members=[world.employee],
    )


def _left_on(alliance, person):
    return AllianceMember.objects.get(alliance=alliance, person=person).left_on


# --- a member leaves an alliance ------------------------------------------------------------------------


def test_a_member_leaves_an_alliance_and_the_record_stays(world, make):
    alliance = _alliance(world, make)

    membership = services.alliance_member_remove(
        actor=make.fresh(world.secretary_user),
        alliance=alliance,
        person=world.employee,
        left_on=timezone.localdate(),
    )

    assert _left_on(alliance, world.employee) == timezone.localdate()
    assert [
        m.person.employee_no for m in selectors.alliance_page_for(actor=world.worker, pk=alliance.pk).members
    ] == ["E001"]
    assert _audited("update", membership) == [{"left_on": [None, timezone.localdate().isoformat()]}]


@pytest.mark.parametrize(
    ("who", "left_on", "code", "message"),
    [
        ("member", timezone.localdate(), "leader", "负责人不能退出联盟，请先更换负责人。"),
        ("employee", day_tomorrow(), "future_date", "退出日期不能晚于今天。"),
        ("employee", None, "bad_date", "退出日期不能早于加入日期{start}。"),
        ("member2", timezone.localdate(), "not_member", "赵伟不是联盟的当前成员。"),
    ],
)
def test_a_bad_leave_names_the_field_and_changes_nothing(world, make, who, left_on, code, message):
    alliance = _alliance(world, make)

    with pytest.raises(ApplicationError) as refused:
        services.alliance_member_remove(
            actor=world.worker,
            alliance=alliance,
            person=getattr(world, who),
            left_on=left_on or make.start - dt.timedelta(days=1),
        )

    assert (refused.value.code, refused.value.message) == (code, message.format(start=make.start))
    assert list(AllianceMember.objects.filter(alliance=alliance, left_on__isnull=False)) == []
    assert _audited("update", model="improve.AllianceMember") == []


def test_no_member_leaves_a_dissolved_alliance(world, make):
    alliance = _alliance(world, make)
    services.alliance_dissolve(actor=world.worker, alliance=alliance, on=timezone.localdate())

    with pytest.raises(ApplicationError) as refused:
        services.alliance_member_remove(
            actor=world.worker, alliance=alliance, person=world.employee, left_on=timezone.localdate()
        )

    assert (refused.value.code, refused.value.message) == ("dissolved", "该联盟已解散。")
    assert _left_on(alliance, world.employee) is None


@pytest.mark.parametrize("who", ["member_user", "member2_user", "outsider"])
def test_only_the_lead_branch_managers_let_a_member_leave(world, make, who):
    alliance = _alliance(world, make)

    with pytest.raises(ApplicationError) as refused:
        services.alliance_member_remove(
            actor=make.fresh(getattr(world, who)),
            alliance=alliance,
            person=world.employee,
            left_on=timezone.localdate(),
        )

    assert (refused.value.status, refused.value.code) == (403, "forbidden")
    assert _left_on(alliance, world.employee) is None


def test_leave_is_confirmed_on_its_page_and_done_by_the_post(client, world, make):
    alliance = _alliance(world, make)
    url = reverse("improve:alliance_member_remove", args=[alliance.pk, world.employee.pk])
    leader_url = reverse("improve:alliance_member_remove", args=[alliance.pk, world.member.pk])
    client.force_login(world.worker)

    detail = client.get(reverse("improve:alliance", args=[alliance.pk])).content.decode()
    confirm = client.get(url)
    after_get = _left_on(alliance, world.employee)
    response = client.post(url, {"left_on": timezone.localdate().isoformat()})
    again = client.get(url)

    assert f'href="{url}"' in detail
    assert leader_url not in detail
    assert confirm.status_code == 200
    assert "确认退出" in confirm.content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in confirm.content.decode()
    assert after_get is None
    assert (response.status_code, response.url) == (302, reverse("improve:alliance", args=[alliance.pk]))
    assert _left_on(alliance, world.employee) == timezone.localdate()
    assert again.status_code == 404


def test_leave_page_shows_a_refusal_and_keeps_the_member(client, world, make):
    alliance = _alliance(world, make)
    client.force_login(world.worker)

    response = client.post(
        reverse("improve:alliance_member_remove", args=[alliance.pk, world.employee.pk]),
        {"left_on": day_tomorrow().isoformat()},
    )

    assert response.status_code == 400
    assert "退出日期不能晚于今天。" in response.content.decode()
    assert _left_on(alliance, world.employee) is None


def test_an_alliance_member_sees_no_leave_link_and_cannot_make_anyone_leave(client, world, make):
    alliance = _alliance(world, make)
    url = reverse("improve:alliance_member_remove", args=[alliance.pk, world.employee.pk])
    client.force_login(world.member_user)

    detail = client.get(reverse("improve:alliance", args=[alliance.pk]))
    confirm = client.get(url)
    post = client.post(url, {"left_on": timezone.localdate().isoformat()})
    client.force_login(world.outsider)
    hidden = client.post(url, {"left_on": timezone.localdate().isoformat()})

    assert detail.status_code == 200
    assert url not in detail.content.decode()
    assert (confirm.status_code, post.status_code, hidden.status_code) == (403, 403, 404)
    assert _left_on(alliance, world.employee) is None


def test_api_a_member_leaves(client, world, make):
    alliance = _alliance(world, make)
    path = f"alliances/{alliance.pk}/members/E002/leave"

    refused = _post_api(client, world.member_user, path, {"left_on": timezone.localdate().isoformat()})
    hidden = _post_api(client, world.outsider, path, {"left_on": timezone.localdate().isoformat()})
    bad = _post_api(client, world.worker, path, {"left_on": day_tomorrow().isoformat()})
    response = _post_api(client, world.worker, path, {"left_on": timezone.localdate().isoformat()})
    leader = _post_api(
        client,
        world.worker,
        f"alliances/{alliance.pk}/members/E001/leave",
        {"left_on": timezone.localdate().isoformat()},
    )

    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert hidden.status_code == 404
    assert (bad.status_code, bad.json()["message"]) == (400, "退出日期不能晚于今天。")
    assert response.status_code == 200
    assert response.json() == {
        "employee_no": "E002",
        "name": "李强",
        "joined_on": make.start.isoformat(),
        "left_on": timezone.localdate().isoformat(),
    }
    assert (leader.status_code, leader.json()["code"]) == (400, "leader")
    assert _left_on(alliance, world.member) is None


# --- an alliance is dissolved ---------------------------------------------------------------------------


def test_an_alliance_is_dissolved_and_keeps_its_projects(world, make):
    alliance = _alliance(world, make)
    project = make.project(alliances=[alliance])

    services.alliance_dissolve(
        actor=make.fresh(world.secretary_user), alliance=alliance, on=timezone.localdate()
    )

    assert Alliance.objects.get(pk=alliance.pk).dissolved_on == timezone.localdate()
    assert list(project.alliances.values_list("pk", flat=True)) == [alliance.pk]
    assert _audited("dissolve", alliance) == [{"dissolved_on": timezone.localdate().isoformat()}]


@pytest.mark.parametrize(
    ("on", "code", "message"),
    [
        (day_tomorrow(), "future_date", "解散日期不能晚于今天。"),
        (None, "bad_date", "解散日期不能早于成立日期{start}。"),
    ],
)
def test_a_bad_dissolution_names_the_field_and_changes_nothing(world, make, on, code, message):
    alliance = _alliance(world, make)

    with pytest.raises(ApplicationError) as refused:
        services.alliance_dissolve(
            actor=world.worker, alliance=alliance, on=on or make.start - dt.timedelta(days=1)
        )

    assert (refused.value.code, refused.value.message) == (code, message.format(start=make.start))
    assert Alliance.objects.get(pk=alliance.pk).dissolved_on is None
    assert _audited("dissolve", alliance) == []


def test_an_alliance_is_dissolved_once(world, make):
    alliance = _alliance(world, make)
    services.alliance_dissolve(actor=world.worker, alliance=alliance, on=make.start)

    with pytest.raises(ApplicationError) as refused:
        services.alliance_dissolve(actor=world.worker, alliance=alliance, on=timezone.localdate())

    assert (refused.value.code, refused.value.message) == ("dissolved", f"该联盟已于{make.start}解散。")
    assert Alliance.objects.get(pk=alliance.pk).dissolved_on == make.start


@pytest.mark.parametrize("who", ["member_user", "member2_user", "outsider"])
def test_only_the_lead_branch_managers_dissolve_an_alliance(world, make, who):
    alliance = _alliance(world, make)

    with pytest.raises(ApplicationError) as refused:
        services.alliance_dissolve(
            actor=make.fresh(getattr(world, who)), alliance=alliance, on=timezone.localdate()
        )

    assert (refused.value.status, refused.value.code) == (403, "forbidden")
    assert Alliance.objects.get(pk=alliance.pk).dissolved_on is None


def test_dissolution_is_confirmed_on_its_page_and_done_by_the_post(client, world, make):
    alliance = _alliance(world, make)
    url = reverse("improve:alliance_dissolve", args=[alliance.pk])
    detail_url = reverse("improve:alliance", args=[alliance.pk])
    client.force_login(world.worker)

    detail = client.get(detail_url).content.decode()
    confirm = client.get(url)
    after_get = Alliance.objects.get(pk=alliance.pk).dissolved_on
    response = client.post(url, {"on": timezone.localdate().isoformat()})
    dissolved = client.get(detail_url).content.decode()

    assert f'href="{url}"' in detail
    assert "确认解散" in confirm.content.decode()
    assert after_get is None
    assert (response.status_code, response.url) == (302, detail_url)
    assert Alliance.objects.get(pk=alliance.pk).dissolved_on == timezone.localdate()
    assert url not in dissolved
    assert reverse("improve:alliance_edit", args=[alliance.pk]) not in dissolved
    assert reverse("improve:alliance_member_remove", args=[alliance.pk, world.employee.pk]) not in dissolved


def test_an_alliance_member_sees_no_dissolve_link_and_cannot_dissolve(client, world, make):
    alliance = _alliance(world, make)
    url = reverse("improve:alliance_dissolve", args=[alliance.pk])
    client.force_login(world.member_user)

    detail = client.get(reverse("improve:alliance", args=[alliance.pk]))
    confirm = client.get(url)
    post = client.post(url, {"on": timezone.localdate().isoformat()})
    client.force_login(world.outsider)
    hidden = client.post(url, {"on": timezone.localdate().isoformat()})

    assert detail.status_code == 200
    assert url not in detail.content.decode()
    assert (confirm.status_code, post.status_code, hidden.status_code) == (403, 403, 404)
    assert Alliance.objects.get(pk=alliance.pk).dissolved_on is None


def test_api_dissolves_an_alliance(client, world, make):
    alliance = _alliance(world, make)
    path = f"alliances/{alliance.pk}/dissolve"

    refused = _post_api(client, world.member_user, path, {"on": timezone.localdate().isoformat()})
    hidden = _post_api(client, world.outsider, path, {"on": timezone.localdate().isoformat()})
    bad = _post_api(client, world.worker, path, {"on": day_tomorrow().isoformat()})
    unchanged = Alliance.objects.get(pk=alliance.pk).dissolved_on
    response = _post_api(client, world.worker, path, {"on": timezone.localdate().isoformat()})

    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert hidden.status_code == 404
    assert (bad.status_code, bad.json()["message"]) == (400, "解散日期不能晚于今天。")
    assert unchanged is None
    assert (response.status_code, response.json()["dissolved_on"]) == (200, timezone.localdate().isoformat())


# --- a studio is closed ---------------------------------------------------------------------------------


def _studio(world, make):
    return services.studio_create(
        actor=world.worker,
        organization=world.branch,
        name="空压节能工作室",
        leader=world.member,
        founded_on=make.start,
    )


def _closed_on(studio):
    return Studio.objects.get(pk=studio.pk).closed_on


def test_a_studio_is_closed_and_counts_only_until_then(world, make):
    studio = _studio(world, make)

    services.studio_close(actor=make.fresh(world.secretary_user), studio=studio, on=timezone.localdate())

    assert _closed_on(studio) == timezone.localdate()
    assert (
        selectors.studio_counts_for(actor=world.admin, org=world.branch, on=timezone.localdate())["total"]
        == 0
    )
    assert (
        selectors.studio_counts_for(
            actor=world.admin, org=world.branch, on=timezone.localdate() - dt.timedelta(days=1)
        )["total"]
        == 1
    )
    assert _audited("close", studio) == [{"closed_on": timezone.localdate().isoformat()}]


@pytest.mark.parametrize(
    ("on", "code", "message"),
    [
        (day_tomorrow(), "future_date", "撤销日期不能晚于今天。"),
        (None, "bad_date", "撤销日期不能早于成立日期{start}。"),
    ],
)
def test_a_bad_closing_names_the_field_and_changes_nothing(world, make, on, code, message):
    studio = _studio(world, make)

    with pytest.raises(ApplicationError) as refused:
        services.studio_close(actor=world.worker, studio=studio, on=on or make.start - dt.timedelta(days=1))

    assert (refused.value.code, refused.value.message) == (code, message.format(start=make.start))
    assert _closed_on(studio) is None
    assert _audited("close", studio) == []


@pytest.mark.parametrize("who", ["member_user", "member2_user", "outsider"])
def test_only_the_managers_of_its_organization_close_a_studio(world, make, who):
    studio = _studio(world, make)

    with pytest.raises(ApplicationError) as refused:
        services.studio_close(actor=make.fresh(getattr(world, who)), studio=studio, on=timezone.localdate())

    assert (refused.value.status, refused.value.code) == (403, "forbidden")
    assert _closed_on(studio) is None


def test_closing_is_confirmed_on_its_page_and_done_by_the_post(client, world, make):
    studio = _studio(world, make)
    url = reverse("improve:studio_close", args=[studio.pk])
    detail_url = reverse("improve:studio", args=[studio.pk])
    client.force_login(world.worker)

    detail = client.get(detail_url).content.decode()
    confirm = client.get(url)
    after_get = _closed_on(studio)
    response = client.post(url, {"on": timezone.localdate().isoformat()})
    closed = client.get(detail_url).content.decode()

    assert f'href="{url}"' in detail
    assert "确认撤销" in confirm.content.decode()
    assert after_get is None
    assert (response.status_code, response.url) == (302, detail_url)
    assert _closed_on(studio) == timezone.localdate()
    assert url not in closed
    assert reverse("improve:studio_members", args=[studio.pk]) not in closed


def test_the_studio_leader_sees_no_close_link_and_cannot_close_it(client, world, make):
    studio = _studio(world, make)
    url = reverse("improve:studio_close", args=[studio.pk])
    client.force_login(world.member_user)

    detail = client.get(reverse("improve:studio", args=[studio.pk]))
    confirm = client.get(url)
    post = client.post(url, {"on": timezone.localdate().isoformat()})
    client.force_login(world.outsider)
    hidden = client.post(url, {"on": timezone.localdate().isoformat()})

    assert detail.status_code == 200
    assert url not in detail.content.decode()
    assert (confirm.status_code, post.status_code, hidden.status_code) == (403, 403, 404)
    assert _closed_on(studio) is None


def test_api_closes_a_studio(client, world, make):
    studio = _studio(world, make)
    path = f"studios/{studio.pk}/close"

    refused = _post_api(client, world.member_user, path, {"on": timezone.localdate().isoformat()})
    hidden = _post_api(client, world.outsider, path, {"on": timezone.localdate().isoformat()})
    bad = _post_api(client, world.worker, path, {"on": day_tomorrow().isoformat()})
    unchanged = _closed_on(studio)
    response = _post_api(client, world.worker, path, {"on": timezone.localdate().isoformat()})
    twice = _post_api(client, world.worker, path, {"on": timezone.localdate().isoformat()})

    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert hidden.status_code == 404
    assert (bad.status_code, bad.json()["message"]) == (400, "撤销日期不能晚于今天。")
    assert unchanged is None
    assert (response.status_code, response.json()["code"]) == (200, studio.code)
    assert (twice.status_code, twice.json()["message"]) == (400, f"该工作室已于{timezone.localdate()}撤销。")
    assert _closed_on(studio) == timezone.localdate()


# --- a case is withdrawn from the excellent cases -------------------------------------------------------


def _selected_case(world, make):
    case = services.case_create(
        actor=world.worker,
        organization=world.branch,
        title="涂装烘炉待机降温",
        lead=world.member,
        category=Category.ENERGY,
        year=make.start.year,
        completed_on=make.start,
        before="烘炉停线时仍保持工作温度",
        after="停线30分钟以上自动降温待机",
        savings=Decimal("420000"),
    )
    services.case_rate(actor=world.worker, case=case, rating=5)
    [selection] = services.excellent_select(
        actor=world.worker, organization=world.committee, year=case.year, cases=[case], on=make.start
    )
    return case, selection


def _excellent(world, case):
    return selectors.excellent_case_counts_for(actor=world.admin, org=world.committee, year=case.year)[
        "total"
    ]


def test_a_committee_withdraws_an_excellent_case_stating_why(world, make):
    case, selection = _selected_case(world, make)

    services.excellent_unselect(actor=make.fresh(world.worker), selection=selection, reason=" 数据复核不实 ")

    assert ExcellentCase.objects.filter(case=case).exists() is False
    assert _excellent(world, case) == 0
    assert _audited("unselect", model="improve.ExcellentCase") == [
        {
            "organization": "C",
            "year": case.year,
            "case": case.code,
            "selected_on": make.start.isoformat(),
            "reason": "数据复核不实",
        }
    ]


def test_a_withdrawal_without_a_reason_is_refused_and_the_case_stays_selected(world, make):
    case, selection = _selected_case(world, make)

    with pytest.raises(ApplicationError) as refused:
        services.excellent_unselect(actor=world.worker, selection=selection, reason="  ")

    assert (refused.value.code, refused.value.message) == ("required", "请填写撤销原因。")
    assert ExcellentCase.objects.filter(case=case).count() == 1
    assert _audited("unselect", model="improve.ExcellentCase") == []


@pytest.mark.parametrize("who", ["secretary_user", "member_user", "outsider"])
def test_only_the_selecting_committee_managers_withdraw_an_excellent_case(world, make, who):
    case, selection = _selected_case(world, make)

    with pytest.raises(ApplicationError) as refused:
        services.excellent_unselect(actor=make.fresh(getattr(world, who)), selection=selection, reason="更正")

    assert (refused.value.status, refused.value.code) == (403, "forbidden")
    assert _excellent(world, case) == 1


def test_withdrawal_is_confirmed_on_its_page_and_done_by_the_post(client, world, make):
    case, selection = _selected_case(world, make)
    url = reverse("improve:excellent_unselect", args=[case.pk, selection.pk])
    detail_url = reverse("improve:case", args=[case.pk])
    client.force_login(world.worker)

    detail = client.get(detail_url).content.decode()
    confirm = client.get(url)
    after_get = ExcellentCase.objects.filter(pk=selection.pk).exists()
    blank = client.post(url, {"reason": ""})
    after_blank = ExcellentCase.objects.filter(pk=selection.pk).exists()
    response = client.post(url, {"reason": "数据复核不实"})

    assert f'href="{url}"' in detail
    assert "确认撤销" in confirm.content.decode()
    assert after_get is True
    assert blank.status_code == 400
    assert after_blank is True
    assert (response.status_code, response.url) == (302, detail_url)
    assert ExcellentCase.objects.filter(pk=selection.pk).exists() is False


def test_a_branch_secretary_edits_the_case_but_sees_no_withdraw_link_and_cannot_withdraw(client, world, make):
    case, selection = _selected_case(world, make)
    url = reverse("improve:excellent_unselect", args=[case.pk, selection.pk])
    client.force_login(world.secretary_user)

    detail = client.get(reverse("improve:case", args=[case.pk])).content.decode()
    confirm = client.get(url)
    post = client.post(url, {"reason": "更正"})
    client.force_login(world.outsider)
    hidden = client.post(url, {"reason": "更正"})

    assert reverse("improve:case_edit", args=[case.pk]) in detail
    assert url not in detail
    assert (confirm.status_code, post.status_code, hidden.status_code) == (403, 403, 404)
    assert ExcellentCase.objects.filter(pk=selection.pk).exists() is True


def test_api_withdraws_an_excellent_case(client, world, make):
    case, selection = _selected_case(world, make)
    path = f"cases/{case.pk}/unselect"

    not_selecting = _post_api(
        client, world.secretary_user, path, {"organization_code": "C-1", "reason": "更正"}
    )
    out_of_reach = _post_api(client, world.secretary_user, path, {"organization_code": "C", "reason": "更正"})
    hidden = _post_api(client, world.outsider, path, {"organization_code": "C", "reason": "更正"})
    blank = _post_api(client, world.worker, path, {"organization_code": "C", "reason": "  "})
    kept = ExcellentCase.objects.filter(pk=selection.pk).exists()
    response = _post_api(client, world.worker, path, {"organization_code": "C", "reason": "数据复核不实"})

    assert not_selecting.status_code == 404  # C-1 selected nothing: there is no such selection
    assert (out_of_reach.status_code, out_of_reach.json()["code"]) == (400, "unknown_org")
    assert hidden.status_code == 404
    assert (blank.status_code, [p["field"] for p in blank.json()["problems"]]) == (422, ["reason"])
    assert kept is True
    assert (response.status_code, response.json()["code"]) == (200, case.code)
    assert ExcellentCase.objects.filter(pk=selection.pk).exists() is False
