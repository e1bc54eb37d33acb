"""A deed links the record it came from, whichever app keeps it: a meeting, a project, a mission
(tests/mobilize) or a fulfilled wish (tests/care)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from qixin.brand import services
from qixin.improve.models import Project
from qixin.life.models import Meeting, MeetingKind

D = dt.date
pytestmark = pytest.mark.django_db


def test_deeds_from_a_meeting_and_a_project_link_back_to_them(world):
    start = dt.datetime(2026, 3, 2, 14, tzinfo=timezone.get_current_timezone())
    meeting = Meeting.objects.create(
        organization=world["b2"],
        kind=MeetingKind.objects.get(code="party_lecture"),
        title="“品牌+”专题党课",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        held_on=D(2026, 3, 2),
    )
    project = Project.objects.create(
        code="XM-0001",
        title="焊装节拍提升",
        organization=world["b2"],
        owner=world["m2"],
        category="制造降本",
        started_on=D(2026, 1, 5),
        stage_changed_on=D(2026, 1, 5),
    )
    for source, url in (
        (meeting, reverse("life:meeting", args=[meeting.pk])),
        (project, reverse("improve:project", args=[project.pk])),
    ):
        deed = services.deed_record(
            actor=world["admin"],
            person=world["m2"],
            pillars=[],
            on=D(2026, 3, 2),
            description="讲党课",
            source=source,
        )
        assert (deed.source_model, deed.source_pk, deed.source_url) == (
            source._meta.label_lower,
            str(source.pk),
            url,
        )
