"""Changing an alliance or a campaign after it was formed or set: the same rules as creating it, an
audit entry, access decided by the same permission; a refusal names the field and changes nothing.
Through the services, the pages and the API."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from qixin.core.errors import ApplicationError
from qixin.core.models import AuditEntry
from qixin.core.services import api_token_create
from qixin.improve import services
from qixin.improve.models import Alliance, Campaign

TODAY = timezone.localdate()


def _campaign(world, **extra):
    return services.campaign_create(
        actor=world.worker,
        organization=world.committee,
        name=extra.pop("name", "Fit for 2020"),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2027, 1, 1),
        savings_target=Decimal("1000000"),
        description="人人都是成本控制员",
        participants=extra.pop("participants", [world.branch, world.branch2]),
        **extra,
    )


def _alliance(world, make, **extra):
    return services.alliance_create(
        actor=world.worker,
        name="总装能耗联盟",
        lead_branch=world.branch,
        leader=world.member,
        founded_on=make.start,
        goal="空压机节电",
        **extra,
    )


def _campaign_values(campaign):
    """The campaign as its edit form would send it back unchanged."""
    return {
        "name": campaign.name,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "savings_target": campaign.savings_target,
        "description": campaign.description,
        "participants": list(campaign.participants.order_by("path")),
    }


def _stored_campaign(campaign):
    row = Campaign.objects.get(pk=campaign.pk)
    return (
        row.name,
        row.starts_on,
        row.ends_on,
        row.savings_target,
        row.description,
        sorted(row.participants.values_list("code", flat=True)),
    )


def _stored_alliance(alliance):
    row = Alliance.objects.get(pk=alliance.pk)
    return (
        row.name,
        row.leader_id,
        row.goal,
        sorted(row.branches.values_list("code", flat=True)),
        sorted(row.memberships.filter(left_on__isnull=True).values_list("person__employee_no", flat=True)),
    )


def _updates(obj):
    return list(
        AuditEntry.objects.filter(action="update", model=obj._meta.label, object_pk=str(obj.pk)).values_list(
            "changes", flat=True
        )
    )


# --- campaigns: the service ---------------------------------------------------------------------------


def test_party_worker_corrects_a_campaign_and_the_change_is_audited(world):
    campaign = _campaign(world)

    services.campaign_update(
        actor=world.worker,
        campaign=campaign,
        **{
            **_campaign_values(campaign),
            "name": " Fit for 2021 ",
            "ends_on": dt.date(2026, 7, 1),
            "savings_target": Decimal("1200000.50"),
            "participants": [world.branch],
        },
    )

    assert _stored_campaign(campaign) == (
        "Fit for 2021",
        dt.date(2026, 1, 1),
        dt.date(2026, 7, 1),
        Decimal("1200000.50"),
        "人人都是成本控制员",
        ["C-1"],
    )
    assert _updates(campaign) == [
        {
            "name": ["Fit for 2020", "Fit for 2021"],
            "ends_on": ["2027-01-01", "2026-07-01"],
            "savings_target": ["1000000.00", "1200000.50"],
            "participants": [["C-1", "C-2"], ["C-1"]],
        }
    ]


def test_saving_a_campaign_unchanged_writes_no_audit_entry(world):
    campaign = _campaign(world)

    services.campaign_update(actor=world.worker, campaign=campaign, **_campaign_values(campaign))

    assert _updates(campaign) == []


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"name": "  "}, "required", "请填写活动名称。"),
        ({"ends_on": dt.date(2026, 1, 1)}, "bad_period", "结束日期必须晚于开始日期。"),
        ({"savings_target": Decimal("-1")}, "invalid", "降本目标不能为负数。"),
        ({"savings_target": Decimal("1.005")}, "invalid", "降本目标最多保留两位小数（到分）。"),
        ({"name": "四史学习"}, "duplicate", "活动名称“四史学习”已被“旗心汽车党委”的其他活动使用。"),
    ],
)
def test_a_bad_campaign_change_names_the_field_and_changes_nothing(world, change, code, message):
    _campaign(world, name="四史学习")
    campaign = _campaign(world)
    stored = _stored_campaign(campaign)

    with pytest.raises(ApplicationError) as refused:
        services.campaign_update(
            actor=world.worker, campaign=campaign, **{**_campaign_values(campaign), **change}
        )

    assert (refused.value.code, refused.value.message) == (code, message)
    assert _stored_campaign(campaign) == stored
    assert _updates(campaign) == []


def test_a_participant_outside_the_committee_is_refused(world):
    campaign = _campaign(world)
    stored = _stored_campaign(campaign)

    with pytest.raises(ApplicationError) as refused:
        services.campaign_update(
            actor=world.admin,
            campaign=campaign,
            **{**_campaign_values(campaign), "participants": [world.branch, world.other_branch]},
        )

    assert (refused.value.code, refused.value.message) == (
        "outside",
        "参与组织必须是“旗心汽车党委”的下级组织：另一支部。",
    )
    assert _stored_campaign(campaign) == stored


def test_a_participant_whose_branch_forms_an_alliance_of_the_campaign_cannot_be_dropped(world, make):
    campaign = _campaign(world)
    _alliance(world, make, campaign=campaign, branches=[world.branch2])
    stored = _stored_campaign(campaign)

    with pytest.raises(ApplicationError) as refused:
        services.campaign_update(
            actor=world.worker,
            campaign=campaign,
            **{**_campaign_values(campaign), "participants": [world.branch]},
        )

    assert refused.value.code == "alliance_left_out"
    assert refused.value.message == (
        "参与组织须包含总装第二党支部：降本联盟“总装能耗联盟”属于本活动，由这些党支部组建。"
    )
    assert _stored_campaign(campaign) == stored


@pytest.mark.parametrize("who", ["outsider", "secretary_user", "member_user"])
def test_only_the_committee_managers_change_a_campaign(world, make, who):
    campaign = _campaign(world)
    stored = _stored_campaign(campaign)

    with pytest.raises(ApplicationError) as refused:
        services.campaign_update(
            actor=make.fresh(getattr(world, who)),
            campaign=campaign,
            **{**_campaign_values(campaign), "name": "改名"},
        )

    assert (refused.value.status, refused.value.code) == (403, "forbidden")
    assert _stored_campaign(campaign) == stored
    assert _updates(campaign) == []


# --- alliances: the service ---------------------------------------------------------------------------


def test_party_worker_changes_an_alliance_and_a_new_leader_joins_it(world, make):
    alliance = _alliance(world, make)

    services.alliance_update(
        actor=world.worker,
        alliance=alliance,
        name=" 总装降本联盟 ",
        leader=world.member2,
        branches=[world.branch2],
        goal="全年节电十万度",
        campaign=None,
    )

    assert _stored_alliance(alliance) == (
        "总装降本联盟",
        world.member2.pk,
        "全年节电十万度",
        ["C-1", "C-2"],
        ["E001", "E004"],
    )
    assert alliance.memberships.get(person=world.member2).joined_on == TODAY
    assert _updates(alliance) == [
        {
            "name": ["总装能耗联盟", "总装降本联盟"],
            "leader": ["E001", "E004"],
            "goal": ["空压机节电", "全年节电十万度"],
            "branches": [["C-1"], ["C-1", "C-2"]],
        }
    ]


def test_lead_branch_secretary_renames_an_alliance_whose_other_branch_they_do_not_manage(world, make):
    alliance = _alliance(world, make, branches=[world.branch2])

    services.alliance_update(
        actor=make.fresh(world.secretary_user),
        alliance=alliance,
        name="总装节能联盟",
        leader=world.member,
        branches=[world.branch2],
        goal="空压机节电",
        campaign=None,
    )

    assert _stored_alliance(alliance)[0::3] == ("总装节能联盟", ["C-1", "C-2"])


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"name": ""}, "required", "请填写联盟名称。"),
        ({"leader": "outsider_person"}, "not_in_branches", "负责人孙立不属于组建联盟的党支部。"),
        ({"branches": ["committee"]}, "invalid_kind", "降本联盟由党支部组建，“旗心汽车党委”不是党支部。"),
        ({"branches": []}, "not_in_branches", "成员赵伟不属于组建联盟的党支部。"),
    ],
)
def test_a_bad_alliance_change_names_the_field_and_changes_nothing(world, make, change, code, message):
    alliance = _alliance(world, make, branches=[world.branch2], members=[world.member2])
    stored = _stored_alliance(alliance)
    values = {
        "name": alliance.name,
        "leader": world.member,
        "branches": [world.branch2],
        "goal": alliance.goal,
        "campaign": None,
    }
    if "leader" in change:
        change = {"leader": getattr(world, change["leader"])}
    if "branches" in change:
        change = {"branches": [getattr(world, name) for name in change["branches"]]}

    with pytest.raises(ApplicationError) as refused:
        services.alliance_update(actor=world.worker, alliance=alliance, **{**values, **change})

    assert (refused.value.code, refused.value.message) == (code, message)
    assert _stored_alliance(alliance) == stored
    assert _updates(alliance) == []


def test_a_branch_with_a_project_of_the_alliance_cannot_leave_it(world, make):
    alliance = _alliance(world, make, branches=[world.branch2])
    project = make.project(org=world.branch2, owner=world.member2, alliances=[alliance])
    stored = _stored_alliance(alliance)

    with pytest.raises(ApplicationError) as refused:
        services.alliance_update(
            actor=world.worker,
            alliance=alliance,
            name=alliance.name,
            leader=world.member,
            branches=[],
            goal=alliance.goal,
            campaign=None,
        )

    assert (refused.value.code, refused.value.message) == (
        "projects_in_branch",
        f"联盟的项目{project.code}在要移出的党支部，不能移出该党支部。",
    )
    assert _stored_alliance(alliance) == stored


@pytest.mark.parametrize("who", ["outsider", "member_user", "member2_user"])
def test_only_the_lead_branch_managers_change_an_alliance(world, make, who):
    alliance = _alliance(world, make)
    stored = _stored_alliance(alliance)

    with pytest.raises(ApplicationError) as refused:
        services.alliance_update(
            actor=make.fresh(getattr(world, who)),
            alliance=alliance,
            name="改名",
            leader=world.member,
            branches=[],
            goal="",
            campaign=None,
        )

    assert (refused.value.status, refused.value.code) == (403, "forbidden")
    assert _stored_alliance(alliance) == stored


def test_a_secretary_cannot_bring_in_a_branch_they_do_not_manage(world, make):
    alliance = _alliance(world, make)
    stored = _stored_alliance(alliance)

    with pytest.raises(ApplicationError) as refused:
        services.alliance_update(
            actor=make.fresh(world.secretary_user),
            alliance=alliance,
            name=alliance.name,
            leader=world.member,
            branches=[world.branch2],
            goal=alliance.goal,
            campaign=None,
        )

    assert refused.value.status == 403
    assert _stored_alliance(alliance) == stored


def test_a_dissolved_alliance_is_not_changed(world, make):
    alliance = _alliance(world, make)
    services.alliance_dissolve(actor=world.worker, alliance=alliance, on=TODAY)
    stored = _stored_alliance(alliance)

    with pytest.raises(ApplicationError) as refused:
        services.alliance_update(
            actor=world.worker,
            alliance=alliance,
            name="改名",
            leader=world.member,
            branches=[],
            goal="",
            campaign=None,
        )

    assert (refused.value.code, refused.value.message) == ("dissolved", "该联盟已解散，不能修改。")
    assert _stored_alliance(alliance) == stored


# --- the pages ------------------------------------------------------------------------------------------


def test_alliance_edit_page_shows_current_values_and_saves(client, world, make):
    alliance = _alliance(world, make, branches=[world.branch2])
    client.force_login(world.worker)
    url = reverse("improve:alliance_edit", args=[alliance.pk])

    detail = client.get(reverse("improve:alliance", args=[alliance.pk])).content.decode()
    form = client.get(url).content.decode()
    response = client.post(
        url, {"name": "总装节能联盟", "branch_codes": "C-2", "leader_no": "E004", "goal": "节电"}
    )

    assert f'href="{url}"' in detail
    assert 'value="总装能耗联盟"' in form
    assert 'value="C-2"' in form
    assert 'value="E001"' in form
    assert "空压机节电</textarea>" in form
    assert response.status_code == 302
    assert response.url == reverse("improve:alliance", args=[alliance.pk])
    assert _stored_alliance(alliance) == (
        "总装节能联盟",
        world.member2.pk,
        "节电",
        ["C-1", "C-2"],
        ["E001", "E004"],
    )


def test_alliance_edit_page_shows_a_refusal_and_keeps_the_alliance(client, world, make):
    alliance = _alliance(world, make)
    stored = _stored_alliance(alliance)
    client.force_login(world.worker)

    response = client.post(
        reverse("improve:alliance_edit", args=[alliance.pk]),
        {"name": "总装节能联盟", "branch_codes": "", "leader_no": "E004", "goal": ""},
    )

    assert response.status_code == 400
    assert "负责人赵伟不属于组建联盟的党支部。" in response.content.decode()
    assert _stored_alliance(alliance) == stored


def test_a_member_sees_the_alliance_without_the_edit_link_and_cannot_open_the_form(client, world, make):
    alliance = _alliance(world, make)
    url = reverse("improve:alliance_edit", args=[alliance.pk])
    client.force_login(world.member_user)

    detail = client.get(reverse("improve:alliance", args=[alliance.pk]))
    form = client.get(url)
    post = client.post(url, {"name": "改名", "branch_codes": "", "leader_no": "E001", "goal": ""})
    client.force_login(world.outsider)
    hidden = client.get(url)

    assert detail.status_code == 200
    assert url not in detail.content.decode()
    assert (form.status_code, post.status_code, hidden.status_code) == (403, 403, 404)
    assert Alliance.objects.get(pk=alliance.pk).name == "总装能耗联盟"


def test_campaign_edit_page_shows_current_values_and_saves(client, world):
    campaign = _campaign(world)
    client.force_login(world.worker)
    url = reverse("improve:campaign_edit", args=[campaign.pk])

    detail = client.get(reverse("improve:campaign", args=[campaign.pk])).content.decode()
    form = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": "Fit for 2021",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-01",
            "savings_target": "900000",
            "participant_codes": "C-1",
            "description": "",
        },
    )

    assert f'href="{url}"' in detail
    assert 'value="Fit for 2020"' in form
    assert 'value="2026-01-01"' in form
    assert 'value="2027-01-01"' in form
    assert 'value="C-1,C-2"' in form
    assert response.status_code == 302
    assert response.url == reverse("improve:campaign", args=[campaign.pk])
    assert _stored_campaign(campaign) == (
        "Fit for 2021",
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 1),
        Decimal("900000.00"),
        "",
        ["C-1"],
    )


def test_campaign_edit_link_and_form_are_for_the_committee_managers_only(client, world):
    campaign = _campaign(world)
    url = reverse("improve:campaign_edit", args=[campaign.pk])
    client.force_login(world.admin)
    shown = client.get(reverse("improve:campaign", args=[campaign.pk])).content.decode()
    client.force_login(world.secretary_user)

    hidden = client.get(url)
    post = client.post(
        url,
        {
            "name": "改名",
            "starts_on": "2026-01-01",
            "ends_on": "2027-01-01",
            "savings_target": "1",
            "participant_codes": "",
            "description": "",
        },
    )

    assert url in shown
    assert (hidden.status_code, post.status_code) == (404, 404)
    assert Campaign.objects.get(pk=campaign.pk).name == "Fit for 2020"


# --- the API ----------------------------------------------------------------------------------------------


def _patch(client, user, path, body):
    token = api_token_create(actor=user, name="t", days=30)[1]
    return client.patch(
        f"/api/v1/improve/{path}",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_api_patch_changes_only_the_alliance_fields_sent(client, world, make):
    alliance = _alliance(world, make, branches=[world.branch2])

    response = _patch(client, world.worker, f"alliances/{alliance.pk}", {"name": "总装节能联盟"})
    refused = _patch(client, world.member_user, f"alliances/{alliance.pk}", {"name": "改名"})
    hidden = _patch(client, world.outsider, f"alliances/{alliance.pk}", {"name": "改名"})

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["leader_employee_no"]) == ("总装节能联盟", "E001")
    assert _stored_alliance(alliance) == (
        "总装节能联盟",
        world.member.pk,
        "空压机节电",
        ["C-1", "C-2"],
        ["E001"],
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert hidden.status_code == 404


def test_api_patch_refuses_a_bad_campaign_period_in_chinese_and_changes_nothing(client, world):
    campaign = _campaign(world)
    stored = _stored_campaign(campaign)

    bad = _patch(client, world.worker, f"campaigns/{campaign.pk}", {"ends_on": "2025-12-01"})
    unchanged = _stored_campaign(campaign)
    good = _patch(
        client,
        world.worker,
        f"campaigns/{campaign.pk}",
        {"savings_target": "1500000", "participant_codes": []},
    )

    assert (bad.status_code, bad.json()["code"], bad.json()["message"]) == (
        400,
        "bad_period",
        "结束日期必须晚于开始日期。",
    )
    assert unchanged == stored
    assert good.status_code == 200
    assert good.json()["savings_target"] == "1500000.00"
    assert _stored_campaign(campaign) == (
        "Fit for 2020",
        dt.date(2026, 1, 1),
        dt.date(2027, 1, 1),
        Decimal("1500000.00"),
        "人人都是成本控制员",
        [],
    )
