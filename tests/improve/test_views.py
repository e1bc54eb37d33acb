"""The pages and the API: they render, stay scoped, and call the same services."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from qixin.core.services import api_token_create
from qixin.improve.models import Source, Suggestion, SuggestionStatus

from .test_suggestions import NEAR_COPY, ORIGINAL, OTHER


@pytest.fixture
def as_worker(client, world):
    client.force_login(world.worker)
    return client


def test_every_list_page_renders_for_the_party_worker(as_worker, make):
    make.suggestion(ORIGINAL)
    make.project()
    for name in (
        "index",
        "suggestions",
        "suggestion_new",
        "review",
        "projects",
        "savings_pending",
        "alliances",
        "campaigns",
        "studios",
        "cases",
        "awards",
        "data",
        "designations",
        "project_new",
        "alliance_new",
        "campaign_new",
        "studio_new",
        "case_new",
        "award_new",
    ):
        response = as_worker.get(reverse(f"improve:{name}"))
        assert response.status_code == 200, name


def test_suggestion_list_search_is_bounded_in_queries(as_worker, make, django_assert_max_num_queries):
    for i in range(5):
        make.suggestion(f"第{i}号焊装工位节拍偏长，建议重新分配焊点，缩短节拍。")
    url = reverse("improve:suggestions") + "?q=节拍"
    as_worker.get(url)  # warms the per-request caches the assertion should not count twice

    with django_assert_max_num_queries(12):
        response = as_worker.get(url)

    assert response.content.decode().count("节拍偏长") == 5


def test_member_submits_through_the_page_and_sees_the_hint(client, world, make):
    make.suggestion(ORIGINAL, who=world.member2_user, organization=world.branch2)
    client.force_login(world.member_user)

    hint = client.post(reverse("improve:suggestion_hints"), {"text": NEAR_COPY})
    response = client.post(
        reverse("improve:suggestion_new"),
        {"text": NEAR_COPY, "kind": "降本建议", "category": "能耗", "department": "总装车间"},
    )

    assert "已有相似的建议" in hint.content.decode()
    created = Suggestion.objects.get(submitter=world.member)
    assert response.status_code == 302
    assert (created.source, created.organization_id) == (Source.UI, world.branch.pk)


def test_member_submits_a_suggestion_with_two_attachments_through_the_page(client, world):
    client.force_login(world.member_user)
    files = [
        SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n"),
        SimpleUploadedFile("测算.txt", "节电30万度".encode()),
    ]
    response = client.post(
        reverse("improve:suggestion_new"),
        {"text": ORIGINAL, "kind": "降本建议", "category": "能耗", "attachments": files},
    )

    assert response.status_code == 302
    created = Suggestion.objects.get(submitter=world.member)
    assert sorted(created.attachments.values_list("name", "size")) == [("测算.txt", 14), ("照片.png", 8)]


def test_reviewer_merges_from_the_review_queue(client, world, make):
    original = make.suggestion(ORIGINAL)
    copy = make.suggestion(NEAR_COPY, who=world.member2_user, organization=world.branch2)
    client.force_login(world.worker)

    page = client.get(reverse("improve:review")).content.decode()
    response = client.post(reverse("improve:suggestion_merge", args=[copy.pk]), {"into": original.pk})

    assert copy.number in page
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.status == SuggestionStatus.MERGED


def test_outsider_gets_404_for_a_suggestion_page(client, world, make):
    suggestion = make.suggestion(OTHER)
    client.force_login(world.outsider)

    assert client.get(reverse("improve:suggestion", args=[suggestion.pk])).status_code == 404
    assert (
        client.post(reverse("improve:suggestion_merge", args=[suggestion.pk]), {"into": 1}).status_code == 404
    )


def test_refused_decision_on_page_changes_nothing(client, world, make):
    suggestion = make.suggestion(OTHER)
    client.force_login(world.member2_user)

    response = client.post(
        reverse("improve:suggestion_decide", args=[suggestion.pk]), {"accept": "1", "reply": ""}
    )

    assert response.status_code in (403, 404)
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.SUBMITTED


def test_api_submits_searches_and_finds_similar(client, world, make):
    make.suggestion(ORIGINAL)
    token = api_token_create(actor=world.member2_user, name="t", days=30)[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    similar = client.post(
        "/api/v1/improve/suggestions/similar",
        json.dumps({"text": NEAR_COPY}),
        content_type="application/json",
        **headers,
    )
    created = client.post(
        "/api/v1/improve/suggestions",
        json.dumps({"text": NEAR_COPY, "category": "能耗", "department": "总装车间"}),
        content_type="application/json",
        **headers,
    )
    listed = client.get("/api/v1/improve/suggestions?q=空压机", **headers)

    assert similar.status_code == 200
    assert similar.json()[0]["likely"] is True
    assert created.status_code == 201
    assert created.json()["source"] == "api"
    assert listed.json()["count"] == 1  # member2 reads branch C-2 only: their own suggestion


def test_api_refuses_a_claim_with_chinese_message(client, world, make):
    project = make.project(stage="立项")
    token = api_token_create(actor=world.worker, name="t", days=30)[1]

    response = client.post(
        f"/api/v1/improve/projects/{project.pk}/savings",
        json.dumps({"amount": "100.00", "occurred_on": timezone.localdate().isoformat(), "description": "x"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "bad_stage"


def test_party_worker_designates_a_reviewer_on_the_page(as_worker, world):
    response = as_worker.post(
        reverse("improve:designations"),
        {
            "username": "E004",
            "kind": "reviewer",
            "org_code": "C-2",
            "department": "",
            "starts_on": "2026-01-05",
        },
    )

    assert response.status_code == 302
    assert list(world.member2_user.improve_designations.values_list("kind", "organization__code")) == [
        ("reviewer", "C-2")
    ]


def test_api_creates_an_alliance_and_a_studio_and_refuses_an_outsider(client, world, make):
    token = api_token_create(actor=world.worker, name="t", days=30)[1]
    outsider_token = api_token_create(actor=world.outsider, name="t", days=30)[1]
    alliance = {
        "name": "总装能耗联盟",
        "lead_branch_code": "C-1",
        "leader_employee_no": "E001",
        "founded_on": make.start.isoformat(),
    }

    created = client.post(
        "/api/v1/improve/alliances",
        json.dumps(alliance),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    studio = client.post(
        "/api/v1/improve/studios",
        json.dumps(
            {
                "name": "空压节能工作室",
                "organization_code": "C-1",
                "leader_employee_no": "E001",
                "founded_on": make.start.isoformat(),
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    refused = client.post(
        "/api/v1/improve/alliances",
        json.dumps({**alliance, "name": "外部联盟"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {outsider_token}",
    )

    assert (created.status_code, created.json()["lead_branch_code"]) == (201, "C-1")
    assert (studio.status_code, studio.json()["leader_is_member"]) == (201, True)
    assert refused.status_code == 400
    assert refused.json()["code"] == "unknown_org"
    assert client.get("/api/v1/improve/alliances", HTTP_AUTHORIZATION=f"Bearer {token}").json()["count"] == 1


def test_party_worker_adds_an_alliance_member_on_the_page(as_worker, world, make):
    from qixin.improve import services

    alliance = services.alliance_create(
        actor=world.worker,
        name="总装能耗联盟",
        lead_branch=world.branch,
        leader=world.member,
        founded_on=make.start,
    )

    page = as_worker.get(reverse("improve:alliance", args=[alliance.pk]))
    response = as_worker.post(
        reverse("improve:alliance_member_add", args=[alliance.pk]),
        {"employee_no": "E002", "joined_on": make.start.isoformat()},
    )

    assert 'name="employee_no"' in page.content.decode()
    assert response.status_code == 302
    assert sorted(alliance.memberships.values_list("person__employee_no", flat=True)) == ["E001", "E002"]


def test_owner_sets_the_team_on_the_project_page_and_an_outsider_cannot(client, world, make):
    project = make.project()
    client.force_login(world.member_user)

    page = client.get(reverse("improve:project", args=[project.pk]))
    response = client.post(
        reverse("improve:project_team", args=[project.pk]), {"members": "E002 数据测算\nE003"}
    )
    client.force_login(world.outsider)
    hidden = client.post(reverse("improve:project_team", args=[project.pk]), {"members": "E002"})

    assert "调整团队" in page.content.decode()
    assert response.status_code == 302
    assert hidden.status_code == 404
    assert sorted(project.memberships.values_list("person__employee_no", "role")) == [
        ("E001", "负责人"),
        ("E002", "数据测算"),
        ("E003", ""),
    ]


def test_studio_members_are_changed_on_the_studio_page(as_worker, world, make):
    from qixin.improve import services

    studio = services.studio_create(
        actor=world.worker,
        organization=world.branch,
        name="空压节能工作室",
        leader=world.member,
        founded_on=make.start,
    )

    response = as_worker.post(
        reverse("improve:studio_members", args=[studio.pk]), {"leader_no": "E003", "member_nos": "E001, E002"}
    )

    assert response.status_code == 302
    studio.refresh_from_db()
    assert studio.leader_id == world.secretary.pk
    assert sorted(studio.memberships.values_list("person__employee_no", flat=True)) == [
        "E001",
        "E002",
        "E003",
    ]
