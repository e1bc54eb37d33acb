"""The warning before 自行脱党: members who have not taken part for long."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, F, Max, Min, OuterRef, Q
from django.utils import timezone

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.errors import NotFound
from qixin.core.rules import rulebooks_for
from qixin.orgs.models import Organization, OrgKind

from .. import rulebook as rb
from ..models import Attendance, AttendanceStatus, Meeting, MeetingStatus
from ..permissions import can_see_lapse, sees_any_lapse


class LapseSince:
    """What a member's months without organizational life are counted from (shown with the date)."""

    PRESENT = "最近一次出席"
    EXCUSED = "最近一次请假"
    TRANSFERRED_IN = "转入本支部"
    JOINED = "加入党组织"
    RECORDS_BEGIN = "本支部开始逐人登记出席"
    COUNTS_ONLY = "本支部最近一次只记人数的会议"


@dataclass(frozen=True)
class LapseWarning:
    """A current member who has taken no part in organizational life for `months` whole months."""

    person_id: int
    name: str
    employee_no: str
    branch_id: int
    branch_code: str
    branch_name: str
    last_present: date | None
    last_excused: date | None
    counted_from: date
    counted_from_label: str
    months: int
    warn_months: int
    lapse_months: int
    floating_to: str
    lost_contact_since: date | None

    @property
    def severe(self) -> bool:
        """Reached the months after which the 党章 treats a member as having left (自行脱党)."""
        return self.months >= self.lapse_months

    @property
    def level(self) -> str:
        return "严重" if self.severe else "预警"


@dataclass
class LapseReport:
    today: date
    warnings: list[LapseWarning]
    # Branches in scope with members but no meeting recorded person by person: nobody there can be
    # judged (a meeting recorded with counts only says nothing of who came).
    unrecorded: list[Organization]

    @property
    def severe(self) -> list[LapseWarning]:
        return [w for w in self.warnings if w.severe]


def lapse_orgs_for(*, actor: Actor) -> list[Organization]:
    """The organizations whose warning list the actor may filter by (those they keep, party groups
    aside)."""
    return list(
        Organization.objects.filter(access.org_filter(actor, level="manage"), dissolved_on__isnull=True)
        .exclude(kind=OrgKind.GROUP)
        .only("id", "path", "depth", "name", "code", "kind")
        .order_by("path")
    )


def lapse_list_for(
    *, actor: Actor, org: Organization | None = None, today: date | None = None
) -> LapseReport:
    """Current members (not 停止党籍) of the subtree, or of everything the actor keeps, who have not
    taken part in organizational life for at least the rulebook's `life.lapse_warn_months`; severe
    from `life.lapse_months` (RULES.md, Members: 6 consecutive months without organizational life,
    without good reason, is treated as leaving the party; the product warns the branch well before).

    Taking part is being present at a held meeting (of any organization: the branch, its party group,
    a branch the member belonged to before). An absence excused with a reason (请假, which a record
    cannot have without one) is a good reason: it stops the count like attending. The count runs from
    the latest of: that attendance or excuse, the transfer into the current branch, joining the party,
    the branch's first meeting recorded person by person (before it, the records cannot tell), and
    its latest meeting attended but recorded with counts only (anyone may have been there).

    Six queries whatever the number of members: members, their latest attendance and excuse (MAX
    grouped by person), their transfers in, what each branch's meetings record, the branches, their
    rulebooks."""
    from qixin.people.models import Membership, MembershipTransfer, Standing

    today = today or timezone.localdate()
    if org is not None:
        if not can_see_lapse(actor, org):
            raise NotFound()
        if org.kind == OrgKind.GROUP:
            members_q = Q(party_group=org)
            meetings_q = Q(organization__path__startswith=org.path[: -org.steplen])
        else:
            members_q = access.subtree_q(actor, org, "branch__path", level="manage")
            meetings_q = access.subtree_q(actor, org, "organization__path", level="manage")
    else:
        if not sees_any_lapse(actor):
            raise NotFound()
        members_q = access.org_filter(actor, "branch__path", level="manage")
        meetings_q = access.org_filter(actor, "organization__path", level="manage")
    members = Membership.objects.filter(members_q, ended_on__isnull=True, joined_on__lte=today).exclude(
        standing=Standing.SUSPENDED
    )
    # Tuples, not model instances: at the article's scale these are ten thousand members, and
    # building three objects for each took most of the time.
    rows = list(
        members.order_by("branch__path", "person__employee_no").values_list(
            "id",
            "person_id",
            "joined_on",
            "floating_to",
            "lost_contact_since",
            "person__name",
            "person__employee_no",
            "branch_id",
        )
    )
    if not rows:
        return LapseReport(today, [], [])
    accounted = {
        person_id: (present, excused)
        for person_id, present, excused in Attendance.objects.filter(
            person_id__in=members.values("person_id"),
            status__in=[AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED],
            meeting__status=MeetingStatus.HELD,
            meeting__held_on__lte=today,
        )
        .order_by()
        .values("person_id")
        .annotate(
            present=Max("meeting__held_on", filter=Q(status=AttendanceStatus.PRESENT)),
            excused=Max("meeting__held_on", filter=Q(status=AttendanceStatus.EXCUSED)),
        )
        .values_list("person_id", "present", "excused")
    }
    moved_in = dict(
        MembershipTransfer.objects.filter(
            membership__in=members.values("pk"),
            to_branch_id=F("membership__branch_id"),
            transferred_on__lte=today,
        )
        .order_by()
        .values("membership_id")
        .annotate(on=Max("transferred_on"))
        .values_list("membership_id", "on")
    )
    # What the records can tell, per branch (with its party groups: a group's path is its branch's and
    # one step more): they begin with the first held meeting recorded person by person; a later
    # meeting recorded with counts only (an imported ledger) that someone attended may have been
    # attended by anyone, so nobody is counted as absent before it.
    recorded = Exists(Attendance.objects.filter(meeting=OuterRef("pk")))
    records_begin: dict[str, date] = {}
    counts_only: dict[str, date] = {}
    for path, kind, first, last_unrecorded in (
        Meeting.objects.filter(meetings_q, status=MeetingStatus.HELD, held_on__lte=today)
        .annotate(recorded=recorded)
        .order_by()
        .values("organization__path", "organization__kind")
        .annotate(
            first=Min("held_on", filter=Q(recorded=True)),
            last_unrecorded=Max("held_on", filter=Q(recorded=False, present_count__gt=0)),
        )
        .values_list("organization__path", "organization__kind", "first", "last_unrecorded")
    ):
        branch_path = path[: -Organization.steplen] if kind == OrgKind.GROUP else path
        if first is not None and (branch_path not in records_begin or first < records_begin[branch_path]):
            records_begin[branch_path] = first
        if last_unrecorded is not None and last_unrecorded > counts_only.get(branch_path, date.min):
            counts_only[branch_path] = last_unrecorded
    branches = {
        o.pk: o
        for o in Organization.objects.filter(pk__in={row[7] for row in rows}).only(
            "id", "path", "depth", "name", "code", "kind"
        )
    }
    books = rulebooks_for(branches.values(), today)
    warnings: list[LapseWarning] = []
    unrecorded: dict[int, Organization] = {}
    for pk, person_id, joined_on, floating_to, lost_contact_since, name, employee_no, branch_id in rows:
        branch = branches[branch_id]
        begin = records_begin.get(branch.path)
        if begin is None:
            unrecorded[branch.pk] = branch
            continue
        present, excused = accounted.get(person_id, (None, None))
        candidates = [
            (begin, 0, LapseSince.RECORDS_BEGIN),
            (counts_only.get(branch.path), 0, LapseSince.COUNTS_ONLY),
            (joined_on, 1, LapseSince.JOINED),
            (moved_in.get(pk), 2, LapseSince.TRANSFERRED_IN),
            (excused, 3, LapseSince.EXCUSED),
            (present, 4, LapseSince.PRESENT),
        ]
        since, _rank, label = max((c for c in candidates if c[0] is not None), key=lambda c: (c[0], c[1]))
        warn, lapse = rb.lapse_thresholds(books[branch.pk])
        months = rb.whole_months_between(since, today)
        if months < warn:
            continue
        warnings.append(
            LapseWarning(
                person_id=person_id,
                name=name,
                employee_no=employee_no,
                branch_id=branch.pk,
                branch_code=branch.code,
                branch_name=branch.name,
                last_present=present,
                last_excused=excused,
                counted_from=since,
                counted_from_label=label,
                months=months,
                warn_months=warn,
                lapse_months=lapse,
                floating_to=floating_to,
                lost_contact_since=lost_contact_since,
            )
        )
    warnings.sort(key=lambda w: (not w.severe, -w.months))  # stable: branch and 工号 within
    return LapseReport(today, warnings, sorted(unrecorded.values(), key=lambda o: o.path))
