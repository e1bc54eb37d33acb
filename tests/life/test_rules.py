"""Rules checked when a meeting is recorded: the election quorum, vote thresholds, who has a vote."""

import pytest

from qixin.core.errors import ApplicationError
from qixin.life import services
from qixin.life.models import Attendance, Meeting, MeetingStatus, Resolution
from qixin.life.services import attachments

from .conftest import at


def _planned(world, code="party_congress"):
    return services.meeting_plan(
        actor=world.admin,
        org=world.branch,
        kind=world.kind(code),
        starts_at=at(2026, 10, 10),
        ends_at=at(2026, 10, 10, 16),
    )


def test_election_with_four_of_five_voters_present_is_recorded(world):
    meeting = _planned(world)
    a1, a2, a3, a4, _a5 = world.full

    recorded = services.meeting_record(
        actor=world.admin, meeting=meeting, attendance=world.attendance([a1, a2, a3, a4]), has_election=True
    )

    assert recorded.status == MeetingStatus.HELD
    assert (recorded.present_count, recorded.absent_count, recorded.should_attend) == (4, 2, 6)


def test_election_below_four_fifths_is_refused_and_nothing_is_saved(world):
    meeting = _planned(world)
    a1, a2, a3, _a4, _a5 = world.full

    with pytest.raises(ApplicationError) as caught:
        # the probationary member is present but has no vote: 3 of 5 voters
        services.meeting_record(
            actor=world.admin,
            meeting=meeting,
            attendance=world.attendance([a1, a2, a3, world.probationary]),
            has_election=True,
        )

    assert caught.value.code == "quorum_not_met"
    assert "应到5名，实到3名，不足4/5（至少需要4名）" in str(caught.value)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    assert Attendance.objects.filter(meeting=meeting).count() == 0


def test_excused_member_needs_a_reason(world):
    meeting = _planned(world)
    attendance = world.attendance(world.full[:4], excused=[world.full[4]], reason="")

    with pytest.raises(ApplicationError) as caught:
        services.meeting_record(actor=world.admin, meeting=meeting, attendance=attendance)

    assert "党员A5请假，须填写请假事由" in str(caught.value)


def test_every_roster_member_must_have_an_attendance_entry_and_outsiders_are_refused(world):
    meeting = _planned(world)
    attendance = world.attendance(world.full)
    del attendance[world.probationary.pk]
    attendance[world.outsider.pk] = services.AttendanceEntry("present")

    with pytest.raises(ApplicationError) as caught:
        services.meeting_record(actor=world.admin, meeting=meeting, attendance=attendance)

    message = str(caught.value)
    assert "不是“总装第一党支部”的党员：党员X1" in message
    assert "以下党员未登记出席情况：党员P1" in message


def test_resolution_passes_only_with_more_than_half_of_all_voters(world):
    meeting = _planned(world)
    services.meeting_record(
        actor=world.admin, meeting=meeting, attendance=world.attendance([*world.full[:3], world.probationary])
    )

    # 5 voters should attend; 3 present. 2 in favour is a majority of those present but not of 5.
    failed = services.resolution_add(
        actor=world.admin, meeting=meeting, text="接收预备党员", voted=True, votes_for=2
    )
    passed = services.resolution_add(
        actor=world.admin, meeting=meeting, text="推荐优秀党员", voted=True, votes_for=3
    )

    assert (failed.passed, failed.voters_expected) == (False, 5)
    assert passed.passed is True


def test_vote_without_more_than_half_of_voters_present_is_refused(world):
    meeting = _planned(world)
    # only 2 of 5 voters present (the probationary member does not count)
    services.meeting_record(
        actor=world.admin, meeting=meeting, attendance=world.attendance([*world.full[:2], world.probationary])
    )

    with pytest.raises(ApplicationError) as caught:
        services.resolution_add(
            actor=world.admin, meeting=meeting, text="接收预备党员", voted=True, votes_for=2
        )

    assert "有表决权的党员应到5名，实到2名，未超过半数" in str(caught.value)
    assert Resolution.objects.count() == 0


def test_votes_cannot_exceed_voters_present(world):
    meeting = _planned(world)
    services.meeting_record(actor=world.admin, meeting=meeting, attendance=world.attendance(world.full[:3]))

    with pytest.raises(ApplicationError) as caught:
        services.resolution_add(
            actor=world.admin, meeting=meeting, text="事项", voted=True, votes_for=3, votes_against=1
        )

    assert "票数合计4票，超过到会的有表决权党员3名" in str(caught.value)


def test_election_only_at_a_party_congress_and_lecture_needs_a_speaker(world):
    meeting = _planned(world, "party_lecture")

    with pytest.raises(ApplicationError) as caught:
        services.meeting_record(
            actor=world.admin, meeting=meeting, attendance=world.attendance(world.full), has_election=True
        )

    assert "选举只能在支部党员大会上进行" in str(caught.value)
    assert "党课须登记授课人" in str(caught.value)


def test_topics_must_come_from_the_rulebook(world):
    meeting = _planned(world, "theme_day")

    with pytest.raises(ApplicationError) as caught:
        services.meeting_record(
            actor=world.admin,
            meeting=meeting,
            attendance=world.attendance(world.full),
            topics=["形势变化", "打卡"],
        )

    assert "不在本组织的必过议题清单中：打卡" in str(caught.value)


def test_member_cannot_record_a_meeting(world):
    meeting = _planned(world)

    with pytest.raises(ApplicationError) as caught:
        services.meeting_record(
            actor=world.member_user, meeting=meeting, attendance=world.attendance(world.full)
        )

    assert caught.value.status == 403
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.PLANNED


def test_attachment_is_checked_by_content_not_by_name(world):
    meeting = _planned(world)

    with pytest.raises(ApplicationError) as caught:
        services.attachment_add(
            actor=world.admin, meeting=meeting, name="合影.jpg", data=b"MZ\x90\x00 not a photo"
        )
    assert "不是照片（JPG、PNG）或 PDF" in str(caught.value)

    with pytest.raises(ApplicationError):
        services.attachment_add(
            actor=world.admin, meeting=meeting, name="纪要.pdf", data=b"\x89PNG\r\n\x1a\n...."
        )

    saved = services.attachment_add(
        actor=world.admin, meeting=meeting, name="纪要.pdf", data=b"%PDF-1.7\n..."
    )
    assert (saved.content_type, saved.size) == ("application/pdf", 12)


def test_attachment_size_is_limited(world, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_ATTACHMENT_BYTES", 1024 * 1024)
    meeting = _planned(world)

    with pytest.raises(ApplicationError) as caught:
        services.attachment_add(
            actor=world.admin,
            meeting=meeting,
            name="合影.png",
            data=b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024),
        )

    assert caught.value.code == "file_too_large"
    assert meeting.attachments.count() == 0
