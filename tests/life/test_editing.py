"""Corrections of organizational life: a meeting's kind and date (and so the compliance window it
counts in), withdrawing a record entered by mistake, resolutions corrected or withdrawn, attachments
deleted, campaigns edited. Each refusal names the field and writes nothing."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from tests.builders import D

from qixin.core.errors import ApplicationError
from qixin.core.models import AuditEntry
from qixin.core.periods import Period
from qixin.life import selectors, services
from qixin.life.models import Attachment, Campaign, Meeting, MeetingStatus, Resolution

from .conftest import at

YEAR = Period(D(2026, 1, 1), D(2027, 1, 1))
TODAY = D(2026, 11, 1)


def _theme_day_windows(world):
    report = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)
    rule = next(r for r in report.rows if r.org.pk == world.branch.pk).rule("theme_day")
    assert rule is not None
    return {w.window.start.month: w.held for w in rule.windows if w.window.start.month in (3, 4)}


def _correct(world, meeting, actor=None, **changes):
    values = {
        "kind": meeting.kind,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "title": meeting.title,
        "place": meeting.place,
        "host": meeting.host,
        "speaker": meeting.speaker,
        "campaign": meeting.campaign,
        "reason": "",
    }
    values.update(changes)
    return services.meeting_correct(actor=actor or world.admin, meeting=meeting, **values)


def _entries(action, obj):
    return list(
        AuditEntry.objects.filter(action=action, model=obj._meta.label, object_pk=str(obj.pk)).order_by("id")
    )


def _stored(meeting):
    """What the database holds of a meeting, to show a refusal changed nothing."""
    return Meeting.objects.filter(pk=meeting.pk).values(
        "kind_id", "starts_at", "ends_at", "held_on", "title", "status", "speaker_id"
    )[0]


# --- correcting a meeting ---------------------------------------------------------------------------


def test_moving_a_held_meeting_to_another_month_moves_it_between_compliance_windows(world):
    meeting = world.hold("theme_day", at(2026, 3, 10))
    assert _theme_day_windows(world) == {3: 1, 4: 0}

    _correct(
        world,
        meeting,
        starts_at=at(2026, 4, 2),
        ends_at=at(2026, 4, 2, 16),
        reason="日期录入错误，实际于4月2日召开",
    )

    meeting.refresh_from_db()
    assert (meeting.held_on, meeting.status) == (D(2026, 4, 2), MeetingStatus.HELD)
    assert _theme_day_windows(world) == {3: 0, 4: 1}
    [entry] = _entries("correct", meeting)
    assert entry.changes == {
        "starts_at": ["2026-03-10T14:00:00+08:00", "2026-04-02T14:00:00+08:00"],
        "ends_at": ["2026-03-10T16:00:00+08:00", "2026-04-02T16:00:00+08:00"],
        "held_on": ["2026-03-10", "2026-04-02"],
        "status": "held",
        "reason": "日期录入错误，实际于4月2日召开",
    }
    assert entry.actor_label == str(world.admin)


def test_correcting_a_held_meeting_needs_a_reason_and_changes_nothing_without_one(world):
    meeting = world.hold("theme_day", at(2026, 3, 10))
    before, audited = _stored(meeting), AuditEntry.objects.count()

    with pytest.raises(ApplicationError) as caught:
        _correct(world, meeting, starts_at=at(2026, 4, 2), ends_at=at(2026, 4, 2, 16), reason="  ")

    assert caught.value.code == "reason_required"
    assert [p.field for p in caught.value.problems] == ["更正原因"]
    assert _stored(meeting) == before
    assert meeting.held_on == D(2026, 3, 10)  # the caller's object is not left with refused values
    assert AuditEntry.objects.count() == audited
    assert _theme_day_windows(world) == {3: 1, 4: 0}


def test_a_planned_meeting_is_corrected_without_a_reason(world):
    meeting = services.meeting_plan(
        actor=world.admin,
        org=world.branch,
        kind=world.kind("theme_day"),
        starts_at=at(2026, 12, 10),
        ends_at=at(2026, 12, 10, 16),
    )

    _correct(world, meeting, title="“品牌+”主题党日", place="党员活动室")

    assert Meeting.objects.values_list("title", "place").get(pk=meeting.pk) == (
        "“品牌+”主题党日",
        "党员活动室",
    )
    [entry] = _entries("correct", meeting)
    assert entry.changes == {
        "title": ["", "“品牌+”主题党日"],
        "place": ["", "党员活动室"],
        "status": "planned",
        "reason": "",
    }


def test_a_correction_that_changes_nothing_writes_nothing(world):
    meeting = world.hold("theme_day", at(2026, 3, 10))

    _correct(world, meeting)

    assert _entries("correct", meeting) == []


def test_a_held_meeting_cannot_be_moved_into_the_future(world):
    meeting = world.hold("theme_day", at(2026, 3, 10))
    before = _stored(meeting)
    later = timezone.now() + dt.timedelta(days=3)

    with pytest.raises(ApplicationError) as caught:
        _correct(world, meeting, starts_at=later, ends_at=later + dt.timedelta(hours=2), reason="改期")

    assert [p.field for p in caught.value.problems] == ["开始时间"]
    assert "不能晚于现在" in caught.value.message
    assert _stored(meeting) == before


def test_the_end_must_follow_the_start(world):
    meeting = world.hold("theme_day", at(2026, 3, 10))
    before = _stored(meeting)

    with pytest.raises(ApplicationError) as caught:
        _correct(world, meeting, ends_at=at(2026, 3, 10, 9), reason="时间有误")

    assert [p.field for p in caught.value.problems] == ["结束时间"]
    assert _stored(meeting) == before


def test_a_kind_the_organization_may_not_use_is_refused(world):
    elsewhere = services.kind_create(actor=world.admin, org=world.other, name="研发沙龙")
    meeting = world.hold("theme_day", at(2026, 3, 10))
    before = _stored(meeting)

    with pytest.raises(ApplicationError) as caught:
        _correct(world, meeting, kind=elsewhere, reason="类型选错")

    assert caught.value.code == "invalid_kind"
    assert [p.field for p in caught.value.problems] == ["会议类型"]
    assert _stored(meeting) == before


def test_changing_the_kind_checks_the_committee_quorum_again(world):
    # The secretary (the only committee member) was absent: fine for a 主题党日, not for a committee.
    meeting = world.hold("theme_day", at(2026, 3, 10), present=world.full[1:])
    before = _stored(meeting)

    with pytest.raises(ApplicationError) as caught:
        _correct(world, meeting, kind=world.kind("branch_committee"), reason="类型选错")

    assert caught.value.code == "quorum_not_met"
    assert [p.field for p in caught.value.problems] == ["出席情况"]
    assert "委员1名，到会0名" in caught.value.problems[0].message
    assert _stored(meeting) == before


def test_a_meeting_with_an_election_stays_a_party_congress(world):
    meeting = world.hold("party_congress", at(2026, 3, 10), has_election=True)
    before = _stored(meeting)

    with pytest.raises(ApplicationError) as caught:
        _correct(world, meeting, kind=world.kind("theme_day"), reason="类型选错")

    assert caught.value.code == "meeting_invalid"
    assert [p.field for p in caught.value.problems] == ["进行选举"]
    assert _stored(meeting) == before


def test_a_meeting_becoming_a_party_congress_with_an_election_quorum_is_accepted(world):
    meeting = world.hold("theme_day", at(2026, 3, 10))

    _correct(world, meeting, kind=world.kind("party_congress"), reason="实为支部党员大会")

    assert Meeting.objects.get(pk=meeting.pk).kind.code == "party_congress"
    assert _entries("correct", meeting)[0].changes["kind"] == ["主题党日", "支部党员大会"]


def test_a_party_lecture_needs_its_speaker(world):
    meeting = world.hold("theme_day", at(2026, 3, 10))
    before = _stored(meeting)

    with pytest.raises(ApplicationError) as caught:
        _correct(world, meeting, kind=world.kind("party_lecture"), reason="实为党课")
    assert [p.field for p in caught.value.problems] == ["授课人"]
    assert _stored(meeting) == before

    _correct(world, meeting, kind=world.kind("party_lecture"), speaker=world.full[2], reason="实为党课")
    assert Meeting.objects.get(pk=meeting.pk).speaker_id == world.full[2].pk


def test_a_meeting_cannot_move_after_its_resolutions_deadline(world):
    meeting = world.hold("party_congress", at(2026, 5, 8))
    services.resolution_add(actor=world.admin, meeting=meeting, text="整改问题清单", due_on=D(2026, 6, 1))
    before = _stored(meeting)

    with pytest.raises(ApplicationError) as caught:
        _correct(world, meeting, starts_at=at(2026, 6, 10), ends_at=at(2026, 6, 10, 16), reason="日期有误")

    assert [p.field for p in caught.value.problems] == ["开始时间"]
    assert "整改问题清单" in caught.value.problems[0].message
    assert _stored(meeting) == before


def test_only_who_keeps_the_records_may_correct(world):
    meeting = world.hold("theme_day", at(2026, 3, 10))
    before, audited = _stored(meeting), AuditEntry.objects.exclude(action="refused").count()

    with pytest.raises(ApplicationError) as caught:
        _correct(world, meeting, actor=world.member_user, title="改名", reason="想改")

    assert caught.value.status == 403
    assert _stored(meeting) == before
    assert AuditEntry.objects.exclude(action="refused").count() == audited

    _correct(world, meeting, actor=world.secretary, title="改名", reason="主题漏填")
    assert Meeting.objects.get(pk=meeting.pk).title == "改名"


def test_a_cancelled_meeting_is_not_corrected(world):
    meeting = services.meeting_plan(
        actor=world.admin,
        org=world.branch,
        kind=world.kind("theme_day"),
        starts_at=at(2026, 12, 10),
        ends_at=at(2026, 12, 10, 16),
    )
    services.meeting_cancel(actor=world.admin, meeting=meeting)

    with pytest.raises(ApplicationError) as caught:
        _correct(world, meeting, title="改名")

    assert caught.value.code == "not_correctable"
    assert Meeting.objects.get(pk=meeting.pk).title == ""


def test_attendance_of_a_held_meeting_is_corrected_by_recording_again(world):
    meeting = world.hold("theme_day", at(2026, 3, 10))
    assert (meeting.present_count, meeting.absent_count) == (6, 0)

    services.meeting_record(
        actor=world.admin,
        meeting=meeting,
        attendance=world.attendance(world.full[:4], excused=[world.full[4]]),
        topics=["组织要求"],
    )

    meeting.refresh_from_db()
    assert (meeting.status, meeting.present_count, meeting.excused_count, meeting.absent_count) == (
        MeetingStatus.HELD,
        4,
        1,
        1,
    )
    assert dict(meeting.attendance.values_list("person_id", "status"))[world.full[4].pk] == "excused"
    assert [e.changes["present"] for e in _entries("record", meeting)] == [6, 4]


# --- withdrawing a record -----------------------------------------------------------------------------


def test_a_withdrawn_record_is_kept_but_counts_nowhere(world):
    meeting = world.hold("theme_day", at(2026, 3, 10))
    services.resolution_add(actor=world.admin, meeting=meeting, text="整改问题清单", due_on=D(2026, 4, 1))
    report = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)
    assert next(r for r in report.rows if r.org.pk == world.branch.pk).resolutions_overdue == 1

    services.meeting_withdraw(actor=world.admin, meeting=meeting, reason="误将其他支部的会议录入本支部")

    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.status, stored.withdrawn_reason) == (
        MeetingStatus.WITHDRAWN,
        "误将其他支部的会议录入本支部",
    )
    assert stored.attendance.count() == 6  # nothing lost
    assert Resolution.objects.filter(meeting=meeting).count() == 1
    assert _theme_day_windows(world) == {3: 0, 4: 0}
    report = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)
    assert next(r for r in report.rows if r.org.pk == world.branch.pk).resolutions_overdue == 0
    [entry] = _entries("withdraw", meeting)
    assert entry.changes == {
        "status": ["held", "withdrawn"],
        "reason": "误将其他支部的会议录入本支部",
        "kind": "主题党日",
        "held_on": "2026-03-10",
        "present": 6,
        "should_attend": 6,
    }


def test_withdrawing_needs_a_reason_and_a_held_meeting(world):
    meeting = world.hold("theme_day", at(2026, 3, 10))

    with pytest.raises(ApplicationError) as caught:
        services.meeting_withdraw(actor=world.admin, meeting=meeting, reason="")
    assert [p.field for p in caught.value.problems] == ["撤销原因"]
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD

    with pytest.raises(ApplicationError) as caught:
        services.meeting_withdraw(actor=world.member_user, meeting=meeting, reason="想撤销")
    assert caught.value.status == 403
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD

    planned = services.meeting_plan(
        actor=world.admin,
        org=world.branch,
        kind=world.kind("theme_day"),
        starts_at=at(2026, 12, 10),
        ends_at=at(2026, 12, 10, 16),
    )
    with pytest.raises(ApplicationError) as caught:
        services.meeting_withdraw(actor=world.admin, meeting=planned, reason="不开了")
    assert caught.value.code == "not_held"
    assert Meeting.objects.get(pk=planned.pk).status == MeetingStatus.PLANNED


def test_a_withdrawn_meeting_is_neither_recorded_again_nor_corrected_nor_cancelled(world):
    meeting = world.hold("theme_day", at(2026, 3, 10))
    services.meeting_withdraw(actor=world.admin, meeting=meeting, reason="重复录入")

    with pytest.raises(ApplicationError) as recorded:
        services.meeting_record(actor=world.admin, meeting=meeting, attendance=world.attendance(world.full))
    with pytest.raises(ApplicationError) as corrected:
        _correct(world, meeting, title="改名", reason="改名")
    with pytest.raises(ApplicationError) as cancelled:
        services.meeting_cancel(actor=world.admin, meeting=meeting)

    assert (recorded.value.code, corrected.value.code, cancelled.value.code) == (
        "withdrawn",
        "not_correctable",
        "already_held",
    )
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.WITHDRAWN


def test_a_withdrawn_campaign_session_no_longer_counts_as_participation(world):
    campaign = services.campaign_create(
        actor=world.admin,
        org=world.root,
        name="“四史”学习教育",
        starts_on=D(2026, 1, 1),
        ends_on=D(2026, 12, 31),
        required_sessions=1,
    )
    meeting = world.hold("theme_day", at(2026, 3, 10))
    _correct(world, meeting, campaign=campaign, reason="属于专题教育")
    counted = selectors.campaign_participation_for(actor=world.admin, campaign=campaign)
    assert sum(1 for p in counted if p.attended) == 6

    services.meeting_withdraw(actor=world.admin, meeting=meeting, reason="重复录入")

    counted = selectors.campaign_participation_for(actor=world.admin, campaign=campaign)
    assert sum(1 for p in counted if p.attended) == 0


# --- resolutions ------------------------------------------------------------------------------------


def _resolution(world):
    meeting = world.hold("party_congress", at(2026, 5, 8))
    return services.resolution_add(
        actor=world.admin, meeting=meeting, text="整改问题清单", owner=world.full[1], due_on=D(2026, 6, 1)
    )


def test_a_resolution_is_corrected_with_a_reason(world):
    resolution = _resolution(world)

    services.resolution_correct(
        actor=world.secretary,
        resolution=resolution,
        text="整改问题清单（第二批）",
        owner=world.full[2],
        due_on=D(2026, 7, 1),
        reason="会上决定的是第二批",
    )

    stored = Resolution.objects.get(pk=resolution.pk)
    assert (stored.text, stored.owner_id, stored.due_on) == (
        "整改问题清单（第二批）",
        world.full[2].pk,
        D(2026, 7, 1),
    )
    [entry] = _entries("correct", resolution)
    assert entry.changes == {
        "text": ["整改问题清单", "整改问题清单（第二批）"],
        "owner": [world.full[1].pk, world.full[2].pk],
        "due_on": ["2026-06-01", "2026-07-01"],
        "reason": "会上决定的是第二批",
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"text": "  "}, "决议事项"),
        ({"due_on": D(2026, 5, 1)}, "完成期限"),
        ({"reason": ""}, "更正原因"),
    ],
)
def test_a_bad_resolution_correction_names_the_field_and_writes_nothing(world, changes, field):
    resolution = _resolution(world)
    values = {"text": "新的事项", "owner": world.full[1], "due_on": D(2026, 6, 1), "reason": "更正"}
    values.update(changes)

    with pytest.raises(ApplicationError) as caught:
        services.resolution_correct(actor=world.admin, resolution=resolution, **values)

    assert [p.field for p in caught.value.problems] == [field]
    assert Resolution.objects.values_list("text", "due_on").get(pk=resolution.pk) == (
        "整改问题清单",
        D(2026, 6, 1),
    )
    assert _entries("correct", resolution) == []


def test_a_withdrawn_resolution_is_not_overdue_nor_followed_up(world):
    resolution = _resolution(world)
    report = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)
    assert next(r for r in report.rows if r.org.pk == world.branch.pk).resolutions_overdue == 1

    with pytest.raises(ApplicationError) as refused:
        services.resolution_withdraw(actor=world.member_user, resolution=resolution, reason="不想做")
    assert refused.value.status == 403
    assert Resolution.objects.get(pk=resolution.pk).withdrawn_at is None

    services.resolution_withdraw(actor=world.admin, resolution=resolution, reason="未经表决，误登记")

    report = selectors.compliance_for(actor=world.admin, org=world.root, period=YEAR, today=TODAY)
    assert next(r for r in report.rows if r.org.pk == world.branch.pk).resolutions_overdue == 0
    assert Resolution.objects.get(pk=resolution.pk).withdrawn_reason == "未经表决，误登记"
    assert _entries("withdraw", resolution)[0].changes["reason"] == "未经表决，误登记"
    with pytest.raises(ApplicationError) as caught:
        services.resolution_follow_up(actor=world.admin, resolution=resolution, follow_up="已完成")
    assert caught.value.code == "withdrawn"
    assert Resolution.objects.get(pk=resolution.pk).follow_up == ""


# --- attachments ------------------------------------------------------------------------------------


def test_deleting_an_attachment_removes_the_file_once_committed(world, django_capture_on_commit_callbacks):
    meeting = world.hold("theme_day", at(2026, 3, 10))
    attachment = services.attachment_add(
        actor=world.admin, meeting=meeting, name="合影.png", data=b"\x89PNG\r\n\x1a\nxx"
    )
    stored = attachment.file.name
    assert stored is not None
    assert default_storage.exists(stored)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.attachment_delete(actor=world.secretary, attachment=attachment, reason="重复上传")
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert default_storage.exists(stored)  # not before the transaction commits
    assert len(callbacks) == 1
    callbacks[0]()
    assert not default_storage.exists(stored)

    [entry] = AuditEntry.objects.filter(action="delete", model="life.Attachment")
    assert entry.changes == {
        "meeting": meeting.pk,
        "name": "合影.png",
        "size": 10,
        "file": stored,
        "reason": "重复上传",
    }


def test_a_member_cannot_delete_an_attachment(world):
    meeting = world.hold("theme_day", at(2026, 3, 10))
    attachment = services.attachment_add(
        actor=world.admin, meeting=meeting, name="纪要.pdf", data=b"%PDF-1.7\n"
    )

    with pytest.raises(ApplicationError) as caught:
        services.attachment_delete(actor=world.member_user, attachment=attachment)

    assert caught.value.status == 403
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert attachment.file.name is not None
    assert default_storage.exists(attachment.file.name)


# --- campaigns --------------------------------------------------------------------------------------


def _campaign(world):
    return services.campaign_create(
        actor=world.admin,
        org=world.root,
        name="“四史”学习教育",
        starts_on=D(2026, 3, 1),
        ends_on=D(2026, 6, 30),
        required_sessions=2,
    )


def test_a_campaign_is_edited_with_the_checks_of_creation(world):
    campaign = _campaign(world)

    services.campaign_update(
        actor=world.admin,
        campaign=campaign,
        name="“四史”学习教育",
        starts_on=D(2026, 3, 1),
        ends_on=D(2026, 9, 30),
        required_sessions=3,
        description="延长至三季度末",
    )

    stored = Campaign.objects.get(pk=campaign.pk)
    assert (stored.ends_on, stored.required_sessions) == (D(2026, 9, 30), 3)
    [entry] = _entries("update", campaign)
    assert entry.changes == {
        "ends_on": ["2026-06-30", "2026-09-30"],
        "required_sessions": [2, 3],
        "description": ["", "延长至三季度末"],
    }

    with pytest.raises(ApplicationError) as caught:
        services.campaign_update(
            actor=world.admin,
            campaign=campaign,
            name="“四史”学习教育",
            starts_on=D(2026, 3, 1),
            ends_on=D(2026, 2, 1),
            required_sessions=3,
        )
    assert [p.field for p in caught.value.problems] == ["结束日期"]
    assert Campaign.objects.get(pk=campaign.pk).ends_on == D(2026, 9, 30)


def test_a_branch_secretary_cannot_edit_the_committees_campaign(world):
    campaign = _campaign(world)

    with pytest.raises(ApplicationError) as caught:
        services.campaign_update(
            actor=world.secretary,
            campaign=campaign,
            name="改名",
            starts_on=D(2026, 3, 1),
            ends_on=D(2026, 6, 30),
            required_sessions=1,
        )

    assert caught.value.status == 403
    assert Campaign.objects.values_list("name", "required_sessions").get(pk=campaign.pk) == (
        "“四史”学习教育",
        2,
    )


def test_importing_a_withdrawn_meeting_again_neither_revives_nor_duplicates_it(world, tmp_path):
    from qixin.core import tabular
    from qixin.life import importers

    path = tmp_path / "meetings.xlsx"
    row = ["Q-1", "主题党日", "2026-03-15", "14:00", "16:00", "主题党日", "活动室", "6", "6", "0", "", ""]
    tabular.write(path, importers.HEADERS, [row])
    importers.import_meetings(actor=world.admin, data=path.read_bytes(), filename="m.xlsx")
    meeting = Meeting.objects.get()
    services.meeting_withdraw(actor=world.admin, meeting=meeting, reason="应为研发党支部的会议")
    row[8] = "5"  # changed figures would otherwise update the record
    tabular.write(path, importers.HEADERS, [row])

    report = importers.import_meetings(actor=world.admin, data=path.read_bytes(), filename="m.xlsx")

    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert report.changes == ["未导入：总装第一党支部 2026-03-15 主题党日（该会议记录已撤销）"]
    assert list(Meeting.objects.values_list("status", "present_count")) == [("withdrawn", 6)]
