"""Publishing, reading and receipts of notices across roles, their scope, attachments, withdrawal,
the meeting plan's notice and the workbench's counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from tests.builders import person
from tests.notices.conftest import PDF, PNG, office, upload

from qixin.core import audit
from qixin.core.errors import ApplicationError
from qixin.core.models import AuditEntry
from qixin.core.workbench import SOURCES
from qixin.life import services as life_services
from qixin.life.models import MeetingKind
from qixin.notices import selectors, services
from qixin.notices.models import AudienceKind, Notice, NoticeReceipt, SubjectKind

pytestmark = pytest.mark.django_db


def _stored_files() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "notices"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _readers(notice: Notice) -> set[int]:
    return set(NoticeReceipt.objects.filter(notice=notice).values_list("person_id", flat=True))


def _publish(w, actor_key="worker", org_key="root", **extra):
    values = {"title": "关于开展主题党日的通知", "body": "请各支部按时参加。", **extra}
    return services.notice_publish(actor=w[actor_key], organization=w[org_key], **values)


def test_a_committee_notice_goes_to_the_members_of_its_subtree_or_to_everyone(world):
    w = world
    members = _publish(w)
    assert _readers(members) == {w[k].pk for k in ("s1", "m1", "m2", "s2", "n1")}
    assert members.expected_count == 5
    everyone = _publish(w, audience_kind=AudienceKind.EVERYONE)
    assert _readers(everyone) == _readers(members) | {w["e1"].pk}
    one_branch = _publish(w, audience=w["b2"])
    assert _readers(one_branch) == {w["s2"].pk, w["n1"].pk}
    entry = AuditEntry.objects.filter(action="publish").order_by("-id").first()
    assert entry is not None
    assert entry.changes["audience"] == "R-2"
    assert entry.changes["readers"] == 2


def test_a_secretary_publishes_to_their_branch_only(world):
    w = world
    notice = _publish(w, "secretary", "b1")
    assert _readers(notice) == {w[k].pk for k in ("s1", "m1", "m2")}
    with pytest.raises(ApplicationError) as other_branch:
        _publish(w, "secretary", "b2")
    assert other_branch.value.status == 404
    with pytest.raises(ApplicationError) as outside:
        _publish(w, "secretary", "b1", audience=w["b2"])
    assert outside.value.status == 400
    assert "不在“一支部”范围内" in str(outside.value)
    with pytest.raises(ApplicationError) as member:
        _publish(w, "member", "b1")
    assert member.value.status == 403
    assert Notice.objects.count() == 1


def test_an_empty_title_or_body_is_named(world):
    with pytest.raises(ApplicationError) as exc:
        _publish(world, title="  ", body="")
    assert "“标题”：不能为空" in str(exc.value)
    assert "“正文”：不能为空" in str(exc.value)
    assert not Notice.objects.exists()


def test_readers_and_managers_read_it_others_find_nothing(world, client):
    w = world
    notice = _publish(w, "secretary", "b1")
    for key in ("member", "probationer", "secretary", "worker", "admin"):
        assert selectors.notice_get_for(actor=w[key], pk=notice.pk) == notice
    for key in ("employee", "other_secretary", "other_member"):
        with pytest.raises(ApplicationError) as exc:
            selectors.notice_get_for(actor=w[key], pk=notice.pk)
        assert exc.value.status == 404
        client.force_login(w[key])
        assert client.get(reverse("notices:detail", args=[notice.pk])).status_code == 404


def test_opening_marks_read_once(world):
    w = world
    notice = _publish(w, "secretary", "b1")
    first = timezone.now() - dt.timedelta(hours=2)
    assert services.notice_open(actor=w["member"], notice=notice, now=first) is True
    assert services.notice_open(actor=w["member"], notice=notice) is False
    receipt = NoticeReceipt.objects.get(notice=notice, person=w["m1"])
    assert receipt.read_at == first
    # Who manages but was not sent it reads it without a receipt of their own.
    assert services.notice_open(actor=w["worker"], notice=notice) is False
    assert selectors.read_count(notice) == 1


def test_receipts_are_for_the_publishers_managers_only(world):
    w = world
    notice = _publish(w, "secretary", "b1")
    services.notice_open(actor=w["member"], notice=notice)
    rows = list(selectors.receipt_list_for(actor=w["secretary"], notice=notice))
    # The unread first, then the read.
    assert [r.person.employee_no for r in rows] == ["M2", "S1", "M1"]
    assert [r.read_at is not None for r in rows] == [False, False, True]
    assert len(selectors.receipt_list_for(actor=w["worker"], notice=notice)) == 3
    with pytest.raises(ApplicationError) as reader:
        selectors.receipt_list_for(actor=w["member"], notice=notice)
    assert reader.value.status == 403
    with pytest.raises(ApplicationError) as stranger:
        selectors.receipt_list_for(actor=w["other_secretary"], notice=notice)
    assert stranger.value.status == 404


def test_who_was_asked_is_fixed_when_published(world):
    w = world
    notice = _publish(w, "secretary", "b1")
    newcomer = person(w["b1"], "M9", category="正式党员")
    assert _readers(notice) == {w[k].pk for k in ("s1", "m1", "m2")}
    assert newcomer.pk not in _readers(notice)
    assert Notice.objects.get(pk=notice.pk).expected_count == 3


def test_withdrawing_hides_it_from_readers_and_keeps_the_record(world):
    w = world
    notice = _publish(w, "secretary", "b1")
    with pytest.raises(ApplicationError) as member:
        services.notice_withdraw(actor=w["member"], notice=notice)
    assert member.value.status == 403
    services.notice_withdraw(actor=w["secretary"], notice=notice, reason="发错了")
    assert selectors.unread_count_for(actor=w["member"]) == 0
    with pytest.raises(ApplicationError):
        selectors.notice_get_for(actor=w["member"], pk=notice.pk)
    kept = selectors.notice_get_for(actor=w["secretary"], pk=notice.pk)
    assert kept.withdrawn
    assert NoticeReceipt.objects.filter(notice=notice).count() == 3
    with pytest.raises(ApplicationError) as again:
        services.notice_withdraw(actor=w["secretary"], notice=kept)
    assert again.value.code == "withdrawn"
    assert AuditEntry.objects.filter(action="withdraw", object_pk=str(notice.pk)).count() == 1


# --- attachments -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("通知.pdf", PDF),
        ("照片.png", PNG),
        ("照片.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
        ("安排.docx", office("word/document.xml")),
        ("名单.xlsx", office("xl/workbook.xml")),
        ("说明.txt", "一、时间\n二、地点\n".encode()),
        ("说明GBK.txt", "一、时间\n二、地点\n".encode("gb18030")),
    ],
)
def test_an_allowed_attachment_is_stored_privately_with_its_name(world, name, data):
    notice = _publish(world, attachment=upload(name, data))
    assert notice.attachment_name == name
    assert notice.attachment_size == len(data)
    assert notice.attachment.name.startswith("notices/")
    assert name not in notice.attachment.name
    with notice.attachment.open("rb") as stored:
        assert stored.read() == data


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("空文件.pdf", b"", "是空文件"),
        ("照片改名.pdf", PNG, "内容与扩展名“.pdf”不符"),
        ("表格改名.docx", office("xl/workbook.xml"), "内容与扩展名“.docx”不符"),
        ("压缩包.xlsx", b"PK\x03\x04" + b"\x00" * 40, "内容与扩展名“.xlsx”不符"),
        ("程序.txt", b"MZ\x90\x00\x03\x00\x00\x00", "内容与扩展名“.txt”不符"),
        ("程序.exe", b"MZ\x90\x00", "类型不能上传"),
        ("无扩展名", PDF, "类型不能上传"),
    ],
)
def test_a_bad_attachment_is_refused_and_nothing_is_written(world, name, data, said):
    before = _stored_files()
    with pytest.raises(ApplicationError) as exc:
        _publish(world, attachment=upload(name, data))
    assert said in str(exc.value)
    assert "“附件”" in str(exc.value)
    assert not Notice.objects.exists()
    assert not NoticeReceipt.objects.exists()
    assert _stored_files() == before
    assert not AuditEntry.objects.filter(action="publish").exists()


def test_an_oversize_attachment_is_refused_by_its_size(world, settings):
    settings.QIXIN_NOTICE_ATTACHMENT_MAX_BYTES = 1024 * 1024
    before = _stored_files()
    with pytest.raises(ApplicationError) as exc:
        _publish(world, attachment=upload("大文件.pdf", PDF + b"0" * (1024 * 1024)))
    assert exc.value.code == "file_too_large"
    assert "超过上限 1 MB" in str(exc.value)
    assert not Notice.objects.exists()
    assert _stored_files() == before
    assert (
        _publish(world, attachment=upload("刚好.pdf", PDF + b"0" * 1000)).attachment_size == len(PDF) + 1000
    )


def test_a_failure_after_the_file_was_stored_removes_it(world, monkeypatch):
    before = _stored_files()

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        _publish(world, attachment=upload("通知.pdf", PDF))
    assert not Notice.objects.exists()
    assert not NoticeReceipt.objects.exists()
    assert _stored_files() == before


def test_the_attachment_is_downloaded_with_its_name_by_readers_only(world, client):
    w = world
    notice = _publish(w, "secretary", "b1", attachment=upload("学习材料.pdf", PDF))
    url = reverse("notices:attachment", args=[notice.pk])
    client.force_login(w["member"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "%E5%AD%A6%E4%B9%A0%E6%9D%90%E6%96%99.pdf" in response["Content-Disposition"]
    entry = AuditEntry.objects.filter(action="download").get()
    assert entry.actor == w["member"]
    assert entry.changes["attachment"] == "学习材料.pdf"
    for key in ("other_member", "employee"):
        client.force_login(w[key])
        assert client.get(url).status_code == 404
    assert AuditEntry.objects.filter(action="download").count() == 1
    # The file is not under a public address: MEDIA_URL is not served.
    assert client.get("/" + settings.MEDIA_URL + notice.attachment.name).status_code == 404


# --- the meeting plan, the workbench -----------------------------------------------------------------


def test_planning_a_meeting_sends_its_notice_to_the_roster(world):
    w = world
    starts = timezone.make_aware(
        dt.datetime.combine(timezone.localdate() + dt.timedelta(days=7), dt.time(14))
    )
    meeting = life_services.meeting_plan(
        actor=w["secretary"],
        org=w["b1"],
        kind=MeetingKind.objects.get(code="party_congress"),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        title="学习党章",
        place="三楼会议室",
    )
    notice = Notice.objects.get(subject_kind=SubjectKind.MEETING, subject_id=meeting.pk)
    assert notice.organization == w["b1"]
    assert notice.created_by == w["secretary"]
    assert (
        _readers(notice)
        == {w[k].pk for k in ("s1", "m1", "m2")}
        == {m.person_id for m in life_services.roster(w["b1"])}
    )
    assert notice.expected_count == meeting.should_attend == 3
    assert notice.link_url == reverse("life:meeting", args=[meeting.pk])
    assert "三楼会议室" in notice.body
    local = timezone.localtime(starts)
    assert f"{local.year}年{local.month}月{local.day}日 14:00至16:00" in notice.body
    assert "学习党章" in notice.title
    assert selectors.unread_count_for(actor=w["member"]) == 1


def test_calling_a_meeting_off_withdraws_its_notice_and_tells_those_it_was_sent_to(world):
    w = world
    starts = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=3), dt.time(9)))
    meeting = life_services.meeting_plan(
        actor=w["secretary"],
        org=w["b1"],
        kind=MeetingKind.objects.get(code="party_congress"),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        title="学习党章",
    )
    planned = Notice.objects.get(subject_kind=SubjectKind.MEETING, subject_id=meeting.pk)
    services.notice_open(actor=w["member"], notice=planned)
    life_services.meeting_cancel(actor=w["secretary"], meeting=meeting, reason="改期")
    planned.refresh_from_db()
    assert planned.withdrawn
    called_off = Notice.objects.get(
        subject_kind=SubjectKind.MEETING, subject_id=meeting.pk, withdrawn_at__isnull=True
    )
    assert called_off.title == "会议取消：学习党章"
    assert "取消。原因：改期。" in called_off.body
    assert _readers(called_off) == _readers(planned)
    assert selectors.unread_count_for(actor=w["member"]) == 1  # the news, not the plan read before


def _workbench(actor, key):
    return SOURCES[key].function(actor)


def test_the_workbench_counts_are_the_lists_they_link_to(world, client):
    w = world
    first = _publish(w, "secretary", "b1")
    _publish(w, "worker", "root")
    _publish(w, "worker", "root", audience=w["b2"])
    withdrawn = _publish(w, "worker", "root")
    services.notice_withdraw(actor=w["worker"], notice=withdrawn)
    services.notice_open(actor=w["member"], notice=first)
    [item] = _workbench(w["member"], "notices.unread")
    fresh = NoticeReceipt.objects.filter(
        person=w["m1"], read_at__isnull=True, notice__withdrawn_at__isnull=True
    ).count()
    assert item.count == fresh == 1
    client.force_login(w["member"])
    listed = client.get(item.url)
    assert listed.context["page"].paginator.count == item.count
    assert _workbench(w["member"], "notices.outstanding") == []
    [outstanding] = _workbench(w["worker"], "notices.outstanding")
    assert outstanding.count == 3  # the withdrawn one is no longer followed
    client.force_login(w["worker"])
    assert client.get(outstanding.url).context["page"].paginator.count == 3
    assert _workbench(w["worker"], "notices.unread") == []  # an account with no person record
    everyone_read = _publish(w, "secretary", "b1", audience=w["b1"])
    for key in ("secretary", "member", "probationer"):
        services.notice_open(actor=w[key], notice=everyone_read)
    assert _workbench(w["secretary"], "notices.outstanding")[0].count == 1  # only `first` still
