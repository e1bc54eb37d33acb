"""Changing a record after it was recorded (an alliance, a campaign, a project, a pending savings claim,
an improvement case): the same rules as recording it, an audit entry, access decided by the same
permission; a refusal names the field and changes nothing. Through the services, the pages and the API."""

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
from qixin.improve.models import (
    Alliance,
    Campaign,
    Category,
    ImprovementCase,
    Project,
    SavingsEntry,
    SavingsStatus,
)


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


def _alliance(world, make, name="总装能耗联盟", **extra):
    return services.alliance_create(
        actor=world.worker,
        name=name,
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
    assert alliance.memberships.get(person=world.member2).joined_on == timezone.localdate()
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
    services.alliance_dissolve(actor=world.worker, alliance=alliance, on=timezone.localdate())
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


def _api(client, user, method, path, body):
    token = api_token_create(actor=user, name="t", days=30)[1]
    return getattr(client, method)(
        f"/api/v1/improve/{path}",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


# --- projects -------------------------------------------------------------------------------------------
def _project_values(project):
    """The project as its edit form would send it back unchanged."""
    return {
        "title": project.title,
        "category": project.category,
        "custom_category": project.custom_category,
        "description": project.description,
        "savings_target": project.savings_target,
        "alliances": list(project.alliances.order_by("code")),
        "campaign": project.campaign,
        "studio": project.studio,
    }


def _stored_project(project):
    row = Project.objects.get(pk=project.pk)
    return (
        row.title,
        row.category,
        row.custom_category,
        row.description,
        row.savings_target,
        sorted(row.alliances.values_list("code", flat=True)),
    )


def test_owner_corrects_a_project_and_the_change_is_audited(world, make):
    project = make.project(description="空压机")
    alliance = _alliance(world, make)

    services.project_update(
        actor=make.fresh(world.member_user),
        project=project,
        **{
            **_project_values(project),
            "title": " 空压机变频改造 ",
            "category": Category.CUSTOM,
            "custom_category": "节能改造",
            "savings_target": Decimal("350000.50"),
            "alliances": [alliance],
        },
    )

    assert _stored_project(project) == (
        "空压机变频改造",
        Category.CUSTOM,
        "节能改造",
        "空压机",
        Decimal("350000.50"),
        [alliance.code],
    )
    assert _updates(project) == [
        {
            "title": ["总装车间空压机加装变频控制", "空压机变频改造"],
            "category": ["能耗", "节能改造"],
            "savings_target": ["300000.00", "350000.50"],
            "alliances": [[], [alliance.code]],
        }
    ]


def test_saving_a_project_unchanged_writes_no_audit_entry(world, make):
    project = make.project()

    services.project_update(actor=world.worker, project=project, **_project_values(project))

    assert _updates(project) == []


def test_a_project_keeps_its_dissolved_alliance_but_cannot_join_one(world, make):
    kept = _alliance(world, make)
    project = make.project(alliances=[kept])
    services.alliance_dissolve(actor=world.worker, alliance=kept, on=timezone.localdate())
    joined = _alliance(world, make, name="总装物流联盟")
    services.alliance_dissolve(actor=world.worker, alliance=joined, on=timezone.localdate())

    services.project_update(
        actor=world.worker, project=project, **{**_project_values(project), "title": "空压机变频"}
    )
    with pytest.raises(ApplicationError) as refused:
        services.project_update(
            actor=world.worker, project=project, **{**_project_values(project), "alliances": [kept, joined]}
        )

    assert Project.objects.get(pk=project.pk).title == "空压机变频"
    assert (refused.value.code, refused.value.message) == ("dissolved", "联盟“总装物流联盟”已解散。")
    assert _stored_project(project)[5] == [kept.code]


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"title": "  "}, "required", "请填写项目名称。"),
        (
            {"category": Category.CUSTOM, "custom_category": " "},
            "invalid",
            "类别为“其他”时请填写自定义类别。",
        ),
        ({"category": "乱填"}, "invalid", "“乱填”不是可选的类别。"),
        ({"savings_target": Decimal("-1")}, "invalid", "节约目标不能为负数。"),
        ({"savings_target": Decimal("1.005")}, "invalid", "节约目标最多保留两位小数（到分）。"),
    ],
)
def test_a_bad_project_change_names_the_field_and_changes_nothing(world, make, change, code, message):
    project = make.project()
    stored = _stored_project(project)

    with pytest.raises(ApplicationError) as refused:
        services.project_update(actor=world.worker, project=project, **{**_project_values(project), **change})

    assert (refused.value.code, refused.value.message) == (code, message)
    assert _stored_project(project) == stored
    assert _updates(project) == []


@pytest.mark.parametrize("who", ["employee_user", "member2_user", "outsider"])
def test_only_the_owner_and_the_managers_change_a_project(world, make, who):
    project = make.project(team=[(world.employee, "测算")])
    stored = _stored_project(project)

    with pytest.raises(ApplicationError) as refused:
        services.project_update(
            actor=make.fresh(getattr(world, who)),
            project=project,
            **{**_project_values(project), "title": "改名"},
        )

    assert (refused.value.status, refused.value.code) == (403, "forbidden")
    assert _stored_project(project) == stored


def test_project_edit_page_shows_current_values_and_saves(client, world, make):
    alliance = _alliance(world, make)
    project = make.project(alliances=[alliance], description="夜间满功率")
    url = reverse("improve:project_edit", args=[project.pk])
    client.force_login(world.member_user)

    detail = client.get(reverse("improve:project", args=[project.pk])).content.decode()
    form = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title": "空压机变频改造",
            "category": Category.ENERGY,
            "custom_category": "",
            "savings_target": "320000",
            "alliance_codes": "",
            "description": "",
        },
    )

    assert f'href="{url}"' in detail
    assert 'value="总装车间空压机加装变频控制"' in form
    assert f'value="{alliance.code}"' in form
    assert 'value="300000.00"' in form
    assert "夜间满功率</textarea>" in form
    assert (response.status_code, response.url) == (302, reverse("improve:project", args=[project.pk]))
    assert _stored_project(project) == ("空压机变频改造", Category.ENERGY, "", "", Decimal("320000.00"), [])


def test_project_edit_page_names_an_unknown_alliance_and_keeps_the_project(client, world, make):
    project = make.project()
    stored = _stored_project(project)
    client.force_login(world.worker)

    response = client.post(
        reverse("improve:project_edit", args=[project.pk]),
        {
            "title": "改名",
            "category": Category.ENERGY,
            "savings_target": "1",
            "alliance_codes": "LM-404",
        },
    )

    assert response.status_code == 400
    assert "找不到联盟编码“LM-404”，或该联盟不在您的范围内。" in response.content.decode()
    assert _stored_project(project) == stored


def test_a_team_member_sees_the_project_without_the_edit_link_and_cannot_open_the_form(client, world, make):
    project = make.project(team=[(world.employee, "测算")])
    url = reverse("improve:project_edit", args=[project.pk])
    client.force_login(world.employee_user)

    detail = client.get(reverse("improve:project", args=[project.pk]))
    form = client.get(url)
    post = client.post(url, {"title": "改名", "category": Category.ENERGY, "savings_target": "1"})
    client.force_login(world.outsider)
    hidden = client.get(url)

    assert detail.status_code == 200
    assert url not in detail.content.decode()
    assert (form.status_code, post.status_code, hidden.status_code) == (403, 403, 404)
    assert Project.objects.get(pk=project.pk).title == "总装车间空压机加装变频控制"


def test_api_patch_changes_only_the_project_fields_sent(client, world, make):
    project = make.project(description="夜间满功率", team=[(world.employee, "测算")])

    response = _api(
        client, world.member_user, "patch", f"projects/{project.pk}", {"savings_target": "310000"}
    )
    bad = _api(client, world.member_user, "patch", f"projects/{project.pk}", {"savings_target": "1.005"})
    refused = _api(client, world.employee_user, "patch", f"projects/{project.pk}", {"title": "改名"})
    hidden = _api(client, world.outsider, "patch", f"projects/{project.pk}", {"title": "改名"})

    assert (response.status_code, response.json()["savings_target"]) == (200, "310000.00")
    assert bad.status_code == 422
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert hidden.status_code == 404
    assert _stored_project(project) == (
        "总装车间空压机加装变频控制",
        Category.ENERGY,
        "",
        "夜间满功率",
        Decimal("310000.00"),
        [],
    )


def test_api_patch_refuses_a_blank_custom_category_in_chinese(client, world, make):
    project = make.project()
    stored = _stored_project(project)

    response = _api(client, world.worker, "patch", f"projects/{project.pk}", {"category": Category.CUSTOM})

    assert (response.status_code, response.json()["code"], response.json()["message"]) == (
        400,
        "invalid",
        "类别为“其他”时请填写自定义类别。",
    )
    assert _stored_project(project) == stored


# --- savings claims -------------------------------------------------------------------------------------
def _claim(world, make, project=None):
    return services.savings_claim(
        actor=make.fresh(world.member_user),
        project=project or make.project(),
        amount=Decimal("1000.00"),
        occurred_on=make.start,
        description="空压机节电",
        evidence="电表读数",
    )


def _stored_claim(entry):
    row = SavingsEntry.objects.get(pk=entry.pk)
    return (row.amount, row.occurred_on, row.description, row.evidence, row.status, row.claimed_by_id)


def _claim_values(entry):
    return {
        "amount": entry.amount,
        "occurred_on": entry.occurred_on,
        "description": entry.description,
        "evidence": entry.evidence,
    }


def test_team_corrects_a_pending_claim_and_the_change_is_audited(world, make):
    entry = _claim(world, make)

    services.savings_claim_update(
        actor=make.fresh(world.member_user),
        entry=entry,
        amount="1200.50",
        occurred_on=timezone.localdate(),
        description=" 空压机夜间节电 ",
        evidence="电表读数（复核）",
    )

    assert _stored_claim(entry) == (
        Decimal("1200.50"),
        timezone.localdate(),
        "空压机夜间节电",
        "电表读数（复核）",
        SavingsStatus.CLAIMED,
        world.member_user.pk,
    )
    assert _updates(entry) == [
        {
            "amount": ["1000.00", "1200.50"],
            "occurred_on": [make.start.isoformat(), timezone.localdate().isoformat()],
            "description": ["空压机节电", "空压机夜间节电"],
            "evidence": ["电表读数", "电表读数（复核）"],
        }
    ]


def test_who_corrects_a_claim_becomes_its_claimant_and_cannot_verify_it(world, make):
    entry = _claim(world, make)

    services.savings_claim_update(
        actor=world.admin, entry=entry, **{**_claim_values(entry), "amount": "9000"}
    )
    with pytest.raises(ApplicationError) as refused:
        services.savings_verify(
            actor=world.admin, entry=entry, verified_on=timezone.localdate(), note="凭证 001"
        )

    assert _updates(entry) == [{"amount": ["1000.00", "9000.00"], "claimed_by": ["E001", "root"]}]
    assert refused.value.status == 403
    assert _stored_claim(entry)[4:] == (SavingsStatus.CLAIMED, world.admin.pk)


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"amount": "0"}, "invalid", "节约金额必须大于零；更正已核定的金额请由财务冲销。"),
        ({"amount": "1.005"}, "invalid", "节约金额最多保留两位小数（到分）。"),
        ({"description": "  "}, "invalid", "请说明节约的内容。"),
        (
            {"occurred_on": timezone.localdate() + dt.timedelta(days=1)},
            "future_date",
            "节约实现日期不能晚于今天。",
        ),
    ],
)
def test_a_bad_claim_correction_names_the_field_and_changes_nothing(world, make, change, code, message):
    entry = _claim(world, make)
    stored = _stored_claim(entry)

    with pytest.raises(ApplicationError) as refused:
        services.savings_claim_update(actor=world.worker, entry=entry, **{**_claim_values(entry), **change})

    assert (refused.value.code, refused.value.message) == (code, message)
    assert _stored_claim(entry) == stored
    assert _updates(entry) == []


def test_a_claim_before_the_project_started_is_refused_with_the_date(world, make):
    entry = _claim(world, make)
    stored = _stored_claim(entry)

    with pytest.raises(ApplicationError) as refused:
        services.savings_claim_update(
            actor=world.worker,
            entry=entry,
            **{**_claim_values(entry), "occurred_on": make.start - dt.timedelta(days=1)},
        )

    assert (refused.value.code, refused.value.message) == (
        "bad_date",
        f"节约实现日期不能早于立项日期{make.start}。",
    )
    assert _stored_claim(entry) == stored


@pytest.mark.parametrize(("who", "status"), [("finance", 403), ("member2_user", 404), ("outsider", 404)])
def test_only_who_may_claim_on_the_project_corrects_a_claim(world, make, who, status):
    entry = _claim(world, make)
    stored = _stored_claim(entry)

    with pytest.raises(ApplicationError) as refused:
        services.savings_claim_update(
            actor=make.fresh(getattr(world, who)), entry=entry, **{**_claim_values(entry), "amount": "1"}
        )

    assert refused.value.status == status
    assert _stored_claim(entry) == stored


def test_claim_edit_page_shows_current_values_and_saves(client, world, make):
    entry = _claim(world, make)
    project_url = reverse("improve:project", args=[entry.project_id])
    url = reverse("improve:savings_edit", args=[entry.pk])
    client.force_login(world.member_user)

    detail = client.get(project_url).content.decode()
    form = client.get(url).content.decode()
    response = client.post(
        url,
        {"amount": "1500", "occurred_on": make.start.isoformat(), "description": "节电", "evidence": ""},
    )

    assert f'href="{url}"' in detail
    assert 'value="1000.00"' in form
    assert f'value="{make.start.isoformat()}"' in form
    assert 'value="空压机节电"' in form
    assert (response.status_code, response.url) == (302, project_url + "#ledger")
    assert _stored_claim(entry)[:4] == (Decimal("1500.00"), make.start, "节电", "")


def test_claim_edit_page_refuses_a_verified_entry_and_keeps_it(client, world, make):
    entry = make.verified(make.project(), "1000.00")
    stored = _stored_claim(entry)
    client.force_login(world.worker)

    detail = client.get(reverse("improve:project", args=[entry.project_id])).content.decode()
    response = client.post(
        reverse("improve:savings_edit", args=[entry.pk]),
        {"amount": "2000", "occurred_on": make.start.isoformat(), "description": "改"},
    )

    assert reverse("improve:savings_edit", args=[entry.pk]) not in detail
    assert response.status_code == 400
    assert "该记录已核定，不能修改。" in response.content.decode()
    assert _stored_claim(entry) == stored


def test_finance_sees_the_ledger_without_the_edit_link_and_cannot_open_the_form(client, world, make):
    entry = _claim(world, make)
    url = reverse("improve:savings_edit", args=[entry.pk])
    client.force_login(world.finance)

    detail = client.get(reverse("improve:project", args=[entry.project_id]))
    form = client.get(url)
    post = client.post(url, {"amount": "1", "occurred_on": make.start.isoformat(), "description": "改"})
    client.force_login(world.outsider)
    hidden = client.get(url)

    assert detail.status_code == 200
    assert url not in detail.content.decode()
    assert (form.status_code, post.status_code, hidden.status_code) == (403, 403, 404)
    assert _stored_claim(entry)[0] == Decimal("1000.00")


def test_api_patch_corrects_a_pending_claim_and_refuses_a_verified_one(client, world, make):
    entry = _claim(world, make)
    verified = make.verified(entry.project, "500.00")

    response = _api(client, world.member_user, "patch", f"savings/{entry.pk}", {"amount": "1100"})
    refused = _api(client, world.member_user, "patch", f"savings/{verified.pk}", {"amount": "600"})
    forbidden = _api(client, world.finance, "patch", f"savings/{entry.pk}", {"amount": "1"})
    hidden = _api(client, world.outsider, "patch", f"savings/{entry.pk}", {"amount": "1"})

    assert (response.status_code, response.json()["amount"], response.json()["description"]) == (
        200,
        "1100.00",
        "空压机节电",
    )
    assert (refused.status_code, refused.json()["code"]) == (400, "immutable")
    assert (forbidden.status_code, hidden.status_code) == (403, 404)
    assert _stored_claim(entry)[0] == Decimal("1100.00")
    assert _stored_claim(verified)[0] == Decimal("500.00")


# --- improvement cases ----------------------------------------------------------------------------------
def _case(world, make):
    return services.case_create(
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


def _case_values(case):
    return {
        "title": case.title,
        "category": case.category,
        "custom_category": case.custom_category,
        "before": case.before,
        "after": case.after,
        "savings": case.savings,
    }


def _stored_case(case):
    row = ImprovementCase.objects.get(pk=case.pk)
    return (row.title, row.category, row.custom_category, row.before, row.after, row.savings)


def test_branch_secretary_corrects_a_case_and_the_change_is_audited(world, make):
    case = _case(world, make)

    services.case_update(
        actor=make.fresh(world.secretary_user),
        case=case,
        **{
            **_case_values(case),
            "title": " 烘炉停线降温 ",
            "after": "停线20分钟自动降温",
            "savings": "450000",
        },
    )

    assert _stored_case(case) == (
        "烘炉停线降温",
        Category.ENERGY,
        "",
        "烘炉停线时仍保持工作温度",
        "停线20分钟自动降温",
        Decimal("450000.00"),
    )
    assert _updates(case) == [
        {
            "title": ["涂装烘炉待机降温", "烘炉停线降温"],
            "after": ["停线30分钟以上自动降温待机", "停线20分钟自动降温"],
            "savings": ["420000.00", "450000.00"],
        }
    ]


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"title": " "}, "required", "请填写案例名称。"),
        ({"before": " "}, "invalid", "请填写改善前和改善后的情况。"),
        ({"category": Category.CUSTOM}, "invalid", "类别为“其他”时请填写自定义类别。"),
        ({"savings": "-1"}, "invalid", "节约金额不能为负数。"),
    ],
)
def test_a_bad_case_change_names_the_field_and_changes_nothing(world, make, change, code, message):
    case = _case(world, make)
    stored = _stored_case(case)

    with pytest.raises(ApplicationError) as refused:
        services.case_update(actor=world.worker, case=case, **{**_case_values(case), **change})

    assert (refused.value.code, refused.value.message) == (code, message)
    assert _stored_case(case) == stored
    assert _updates(case) == []


@pytest.mark.parametrize("who", ["member_user", "member2_user", "outsider"])
def test_only_the_managers_of_its_organization_change_a_case(world, make, who):
    case = _case(world, make)
    stored = _stored_case(case)

    with pytest.raises(ApplicationError) as refused:
        services.case_update(
            actor=make.fresh(getattr(world, who)), case=case, **{**_case_values(case), "title": "改名"}
        )

    assert (refused.value.status, refused.value.code) == (403, "forbidden")
    assert _stored_case(case) == stored


def test_case_edit_page_shows_current_values_and_saves(client, world, make):
    case = _case(world, make)
    url = reverse("improve:case_edit", args=[case.pk])
    client.force_login(world.worker)

    detail = client.get(reverse("improve:case", args=[case.pk])).content.decode()
    form = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title": "烘炉降温",
            "category": Category.CUSTOM,
            "custom_category": "节能改造",
            "before": "满温待机",
            "after": "降温待机",
            "savings": "400000",
        },
    )

    assert f'href="{url}"' in detail
    assert 'value="涂装烘炉待机降温"' in form
    assert "烘炉停线时仍保持工作温度</textarea>" in form
    assert 'value="420000.00"' in form
    assert (response.status_code, response.url) == (302, reverse("improve:case", args=[case.pk]))
    assert _stored_case(case) == (
        "烘炉降温",
        Category.CUSTOM,
        "节能改造",
        "满温待机",
        "降温待机",
        Decimal("400000.00"),
    )


def test_the_case_lead_sees_the_case_without_the_edit_link_and_cannot_open_the_form(client, world, make):
    case = _case(world, make)
    url = reverse("improve:case_edit", args=[case.pk])
    client.force_login(world.member_user)

    detail = client.get(reverse("improve:case", args=[case.pk]))
    form = client.get(url)
    post = client.post(url, {**_case_values(case), "title": "改名"})
    client.force_login(world.outsider)
    hidden = client.get(url)

    assert detail.status_code == 200
    assert url not in detail.content.decode()
    assert (form.status_code, post.status_code, hidden.status_code) == (403, 403, 404)
    assert _stored_case(case)[0] == "涂装烘炉待机降温"


def test_api_patch_changes_only_the_case_fields_sent(client, world, make):
    case = _case(world, make)

    response = _api(client, world.worker, "patch", f"cases/{case.pk}", {"savings": "430000.10"})
    bad = _api(client, world.worker, "patch", f"cases/{case.pk}", {"category": "乱填"})
    refused = _api(client, world.member_user, "patch", f"cases/{case.pk}", {"title": "改名"})
    hidden = _api(client, world.outsider, "patch", f"cases/{case.pk}", {"title": "改名"})

    assert (response.status_code, response.json()["savings"]) == (200, "430000.10")
    assert (bad.status_code, bad.json()["message"]) == (400, "“乱填”不是可选的类别。")
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert hidden.status_code == 404
    assert _stored_case(case) == (
        "涂装烘炉待机降温",
        Category.ENERGY,
        "",
        "烘炉停线时仍保持工作温度",
        "停线30分钟以上自动降温待机",
        Decimal("430000.10"),
    )
