"""Pages and API of the brand app: the secretary's workflow, and another branch's data is a 404."""

import datetime as dt

import pytest

from qixin.brand import services
from qixin.brand.models import Deed, EvaluationEntry
from qixin.core.services import api_token_create

D = dt.date


@pytest.fixture
def branded(world):
    services.framework_define(
        actor=world["admin"],
        organization=world["root"],
        name="五个在前",
        pillars=["信念在前", "责任在前", "创新在前", "榜样在前", "纪律在前"],
    )
    return world


def test_secretary_records_a_deed_on_the_page_and_sees_it_by_pillar(client, branded):
    w = branded
    client.force_login(w["secretary"])
    url = f"/brand/people/{w['m2'].pk}/deeds/new/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"done_on": "2026-03-02", "description": "连续坚守48小时", "pillars": ["责任在前"]}
    )
    assert response.status_code == 302
    page = client.get(f"/brand/people/{w['m2'].pk}/").content.decode()
    assert "责任在前" in page
    assert "连续坚守48小时" in page
    branch_page = client.get(f"/brand/orgs/{w['b1'].pk}/").content.decode()
    assert "连续坚守48小时" in branch_page
    assert "沿用“示例公司党委”的党员品牌" in branch_page


def test_a_refused_deed_keeps_the_form_and_writes_nothing(client, branded):
    w = branded
    client.force_login(w["secretary"])
    response = client.post(
        f"/brand/people/{w['m2'].pk}/deeds/new/", {"done_on": "2026-03-02", "description": "", "pillars": []}
    )
    assert response.status_code == 400
    assert Deed.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "/brand/people/{n1}/",
        "/brand/people/{n1}/deeds/new/",
        "/brand/orgs/{b2}/",
        "/brand/orgs/{b2}/framework/",
        "/brand/orgs/{b2}/evaluations/new/",
    ],
)
def test_secretary_gets_404_for_another_branch(client, branded, url):
    w = branded
    client.force_login(w["secretary"])
    assert client.get(url.format(n1=w["n1"].pk, b2=w["b2"].pk)).status_code == 404


def test_evaluation_pages_grade_with_htmx(client, branded):
    w = branded
    client.force_login(w["secretary"])
    response = client.post(f"/brand/orgs/{w['b1'].pk}/evaluations/new/", {"year": "2026"})
    assert response.status_code == 302
    evaluation_url = response["Location"]
    assert client.get(evaluation_url).status_code == 200
    entry = EvaluationEntry.objects.get(person=w["m2"])
    grade_url = f"/brand/evaluation-entries/{entry.pk}/grade/"
    votes = {"votes_excellent": "0", "votes_qualified": "0", "votes_basic": "0", "votes_unqualified": "2"}
    refused = client.post(grade_url, {**votes, "grade": "不合格", "follow_up": ""}, HTTP_HX_REQUEST="true")
    assert "须记录组织处置意见" in refused.content.decode()
    entry.refresh_from_db()
    assert entry.grade == ""
    done = client.post(
        grade_url, {**votes, "grade": "不合格", "follow_up": "限期改正"}, HTTP_HX_REQUEST="true"
    )
    assert done.status_code == 200
    assert f'id="entry-{entry.pk}"' in done.content.decode()
    entry.refresh_from_db()
    assert (entry.grade, entry.follow_up) == ("不合格", "限期改正")


def test_api_deed_and_framework_scoped(client, branded):
    w = branded
    _token, key = api_token_create(actor=w["secretary"], name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    created = client.post(
        "/api/v1/brand/deeds",
        {"person_id": w["m2"].pk, "done_on": "2026-03-02", "description": "带徒", "pillars": ["榜样在前"]},
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201, created.content
    assert created.json()["pillars"] == ["榜样在前"]
    framework = client.get(f"/api/v1/brand/orgs/{w['b1'].pk}/framework", **headers)
    assert framework.json()["name"] == "五个在前"
    other = client.post(
        "/api/v1/brand/deeds",
        {"person_id": w["n1"].pk, "done_on": "2026-03-02", "description": "x"},
        content_type="application/json",
        **headers,
    )
    assert other.status_code == 404
    assert Deed.objects.count() == 1
    assert client.get(f"/api/v1/brand/people/{w['n1'].pk}/deeds", **headers).status_code == 404


def test_recognition_import_reports_bad_rows_and_writes_nothing(branded):
    from qixin.brand.importers import import_recognitions
    from qixin.brand.models import Recognition
    from qixin.core.errors import ApplicationError

    w = branded
    header = "类别,类别名称（其他）,级别,年度,获得者工号,获得组织编码,事迹简介,授予单位\n"
    rows = (
        "创新之星,,公司级,2020,A2,,节能改造,党委\n"
        "红旗党组织,,集团级,2020,,R-A-2,,集团党委\n"
        "创新之星,,公司级,20x0,A1,,,\n"
        "全国劳模,,国家级,2020,B1,,,\n"
    )
    with pytest.raises(ApplicationError) as exc:
        import_recognitions(actor=w["secretary"], data=(header + rows).encode(), filename="r.csv")
    problems = {(p.row, p.column) for p in exc.value.problems}
    # Row 3: 红旗党组织 of another branch; row 4: a bad year; row 5: a person of another branch.
    assert {row for row, _ in problems} == {3, 4, 5}
    assert (4, "年度") in problems
    assert Recognition.objects.count() == 0
    good = header + "创新之星,,公司级,2020,A2,,节能改造,党委\n"
    preview = import_recognitions(actor=w["secretary"], data=good.encode(), filename="r.csv", dry_run=True)
    assert (preview.created, Recognition.objects.count()) == (1, 0)
    report = import_recognitions(actor=w["secretary"], data=good.encode(), filename="r.csv")
    again = import_recognitions(actor=w["secretary"], data=good.encode(), filename="r.csv")
    assert (report.created, again.created, again.unchanged, Recognition.objects.count()) == (1, 0, 1, 1)


def test_member_writes_self_assessment_from_own_page(client, branded):
    w = branded
    evaluation = services.evaluation_open(actor=w["secretary"], branch=w["b1"], year=2026)
    entry = EvaluationEntry.objects.get(evaluation=evaluation, person=w["m2"])
    client.force_login(w["member"])
    page = client.get(f"/brand/people/{w['m2'].pk}/").content.decode()
    assert f"/brand/evaluation-entries/{entry.pk}/self/" in page
    response = client.post(f"/brand/evaluation-entries/{entry.pk}/self/", {"text": "按时参加组织生活"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.self_assessment == "按时参加组织生活"
    other = EvaluationEntry.objects.get(evaluation=evaluation, person=w["m1"])
    assert client.post(f"/brand/evaluation-entries/{other.pk}/self/", {"text": "x"}).status_code == 403
    other.refresh_from_db()
    assert other.self_assessment == ""


def test_secretary_deletes_a_deed_recorded_by_mistake(client, branded):
    w = branded
    deed = services.deed_record(
        actor=w["secretary"], person=w["m2"], pillars=[], on=D(2026, 3, 2), description="x"
    )
    other = services.deed_record(
        actor=w["admin"], person=w["n1"], pillars=[], on=D(2026, 3, 2), description="y"
    )
    client.force_login(w["secretary"])
    assert client.post(f"/brand/deeds/{other.pk}/delete/").status_code == 404
    assert client.post(f"/brand/deeds/{deed.pk}/delete/").status_code == 302
    assert list(Deed.objects.all()) == [other]


def test_documented_import_columns_match_the_code():
    from pathlib import Path

    from qixin.brand.importers import COLUMNS
    from qixin.mobilize.importers import DEPLOYMENT_COLUMNS, TEAM_MEMBER_COLUMNS

    text = (Path(__file__).resolve().parents[2] / "docs" / "import-formats.md").read_text(encoding="utf-8")
    for kind, columns in (
        ("brand_recognitions", COLUMNS),
        ("mobilize_team_members", TEAM_MEMBER_COLUMNS),
        ("mobilize_deployments", DEPLOYMENT_COLUMNS),
    ):
        section = text.split(f"（`{kind}`）", 1)[1].split("\n## ", 1)[0]
        rows = [
            line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| 列名")
        ]
        cells = [[c.strip() for c in line.strip("|").split("|")] for line in rows]
        assert [(r[0], r[1] == "是", r[3]) for r in cells] == [(c.header, c.required, c.doc) for c in columns]


def test_branch_stops_its_own_brand_and_inherits_again(client, branded):
    w = branded
    services.framework_define(actor=w["admin"], organization=w["b1"], name="支部品牌", pillars=["先锋"])
    client.force_login(w["secretary"])
    assert client.post(f"/brand/orgs/{w['b1'].pk}/framework/remove/").status_code == 302
    assert "沿用“示例公司党委”的党员品牌" in client.get(f"/brand/orgs/{w['b1'].pk}/").content.decode()


def test_recognition_deleted_only_within_scope(client, branded):
    from qixin.brand.models import Recognition

    w = branded
    own = services.recognition_create(
        actor=w["admin"], kind="创新之星", level="公司级", year=2026, person=w["m2"]
    )
    other = services.recognition_create(
        actor=w["admin"], kind="创新之星", level="公司级", year=2026, person=w["n1"]
    )
    client.force_login(w["secretary"])
    assert client.post(f"/brand/recognitions/{other.pk}/delete/").status_code == 404
    assert client.post(f"/brand/recognitions/{own.pk}/delete/").status_code == 302
    assert list(Recognition.objects.all()) == [other]


def test_api_grades_a_member(client, branded):
    w = branded
    _token, key = api_token_create(actor=w["secretary"], name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    opened = client.post(
        "/api/v1/brand/evaluations",
        {"branch_id": w["b1"].pk, "year": 2026},
        content_type="application/json",
        **auth,
    )
    assert opened.status_code == 201
    entries = client.get(f"/api/v1/brand/evaluations/{opened.json()['id']}/entries", **auth).json()
    entry = next(e for e in entries if e["person_id"] == w["m2"].pk)
    refused = client.post(
        f"/api/v1/brand/evaluation-entries/{entry['id']}/grade",
        {"grade": "不合格", "votes_unqualified": 2},
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 400
    assert [p["field"] for p in refused.json()["problems"]] == ["组织处置"]
    graded = client.post(
        f"/api/v1/brand/evaluation-entries/{entry['id']}/grade",
        {"grade": "优秀", "votes_excellent": 2},
        content_type="application/json",
        **auth,
    )
    assert graded.json()["grade"] == "优秀"


def test_the_import_pages_describe_every_column(client, branded):
    from django.urls import reverse

    from qixin.brand.importers import COLUMNS
    from qixin.mobilize.importers import TEAM_MEMBER_COLUMNS

    client.force_login(branded["worker"])
    for url, columns in (
        (reverse("brand:recognition_import"), COLUMNS),
        (reverse("mobilize:import", args=["team-members"]), TEAM_MEMBER_COLUMNS),
    ):
        page = client.get(url).content.decode()
        assert "各列说明" in page
        assert all(c.header in page for c in columns)
