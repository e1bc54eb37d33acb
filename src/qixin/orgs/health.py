"""The health check: organizations that break the organization rules of RULES.md.

Every threshold is a rule (qixin.core.rules) that a superior may override by approval, so the check
warns; it never forbids. It runs over a whole subtree in a fixed number of queries.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from qixin.core.access import minimal_paths
from qixin.core.periods import add_months, add_years
from qixin.core.rules import define, rulebooks_for
from qixin.core.text import chinese_date

from .models import Election, Organization, OrgKind, Position, PositionTitle

SOURCE_BRANCH = "中国共产党支部工作条例（试行）（2018）"
SOURCE_TERMS = "关于党的基层组织任期的意见（2018）"
SOURCE_MEMBERS = "中国共产党党员权利保障条例；党章"

define("org.branch_min_full_members", "成立党支部所需正式党员数（下限）", 3, SOURCE_BRANCH)
define("org.branch_max_members", "党支部党员人数一般上限", 50, SOURCE_BRANCH)
define("org.committee_required_full_members", "设支部委员会所需正式党员数", 7, SOURCE_BRANCH)
define("org.committee_size_min", "支部委员会委员人数下限", 3, SOURCE_BRANCH)
define("org.committee_size_max", "支部委员会委员人数上限", 7, SOURCE_BRANCH)
define("org.general_branch_min_members", "设党总支所需党员数（一般）", 50, SOURCE_BRANCH)
define("org.committee_min_members", "设基层党委所需党员数（一般）", 100, SOURCE_BRANCH)
define(
    "org.term_years",
    "任期（年），按组织类别",
    {OrgKind.COMMITTEE.value: 5, OrgKind.GENERAL_BRANCH.value: 3, OrgKind.BRANCH.value: 3},
    SOURCE_TERMS,
)
define("org.election_remind_months", "换届提前提醒（月）", 6, SOURCE_TERMS)
define("member.probation_years", "预备期（年）", 1, SOURCE_MEMBERS)
SOURCE_PROBATION_EXTENSION = "党章第七条；中国共产党发展党员工作细则（2014）"
define("member.probation_extension_min_months", "延长预备期（月，下限）", 6, SOURCE_PROBATION_EXTENSION)
define("member.probation_extension_max_months", "延长预备期（月，上限）", 12, SOURCE_PROBATION_EXTENSION)
define("member.lost_contact_months", "失去联系视为失联（月）", 6, SOURCE_MEMBERS)


class Severity:
    PROBLEM = "problem"
    WARNING = "warning"
    NOTICE = "notice"


SEVERITY_LABELS = {Severity.PROBLEM: "问题", Severity.WARNING: "提醒", Severity.NOTICE: "提示"}

# Each finding in a few words: the health page's filter (?code=) and the workbench's items.
FINDING_LABELS = {
    "too_few_full_members": "正式党员不足",
    "too_many_members": "党员人数超过上限",
    "committee_missing": "应设未设支部委员会",
    "committee_not_allowed": "不应设支部委员会",
    "committee_too_large": "支部委员会人数超过上限",
    "general_branch_small": "党总支党员人数偏少",
    "committee_org_small": "基层党委党员人数偏少",
    "no_secretary": "无书记",
    "no_election": "无换届记录",
    "term_overdue": "任期届满",
    "term_due_soon": "任期即将届满",
    "probation_overdue": "预备期已满未转正",
    "lost_contact": "失联满规定月数",
}


@dataclass(frozen=True)
class Finding:
    org: Organization
    code: str
    severity: str
    message: str

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]


def check(orgs: list[Organization], on: date | None = None) -> list[Finding]:
    """Findings for the given (active) organizations, in tree order."""
    on = on or timezone.localdate()
    from qixin.people.models import Category, Membership

    orgs = [o for o in orgs if o.is_active]
    ids = [o.pk for o in orgs]
    books = rulebooks_for(orgs, on)

    # Members counted at the branch they belong to, and at every ancestor for 党总支/党委 sizes.
    full: Counter[int] = Counter()
    probationary: Counter[int] = Counter()
    current = Q(ended_on__isnull=True, branch__dissolved_on__isnull=True)
    path_of = {o.path: o.pk for o in orgs}
    in_subtrees = Q(pk__in=[])
    for root in minimal_paths(o.path for o in orgs):
        in_subtrees |= Q(branch__path__startswith=root)
    member_rows = (
        Membership.objects.filter(current, in_subtrees)
        .values("branch__path", "category")
        .annotate(n=Count("id"))
    )
    step = Organization.steplen
    for row in member_rows:
        path = row["branch__path"]
        for i in range(step, len(path) + 1, step):
            pk = path_of.get(path[:i])
            if pk is not None:
                (full if row["category"] == Category.FULL else probationary)[pk] += row["n"]

    posts: dict[int, list[Position]] = defaultdict(list)
    for post in Position.objects.filter(organization_id__in=ids, ended_on__isnull=True).only(
        "organization_id", "title", "custom_title"
    ):
        posts[post.organization_id].append(post)

    last_election: dict[int, Election] = {}
    for election in Election.objects.filter(organization_id__in=ids).order_by("organization_id", "held_on"):
        last_election[election.organization_id] = election

    probation_limit = {o.pk: add_years(on, -int(books[o.pk].get("member.probation_years"))) for o in orgs}
    overdue_probation: Counter[int] = Counter()
    for branch_id, joined_on, extended_until in Membership.objects.filter(
        current, category=Category.PROBATIONARY, branch_id__in=ids
    ).values_list("branch_id", "joined_on", "probation_extended_until"):
        # An extended probation (延长预备期) is over on its extended date, not a year after joining.
        if (extended_until <= on) if extended_until else (joined_on <= probation_limit[branch_id]):
            overdue_probation[branch_id] += 1
    lost: Counter[int] = Counter()
    for branch_id, since in Membership.objects.filter(
        current, branch_id__in=ids, lost_contact_since__isnull=False
    ).values_list("branch_id", "lost_contact_since"):
        if since is not None and since <= add_months(
            on, -int(books[branch_id].get("member.lost_contact_months"))
        ):
            lost[branch_id] += 1

    findings: list[Finding] = []
    for org in orgs:
        rules = books[org.pk]

        def add(code: str, severity: str, message: str, org: Organization = org) -> None:
            findings.append(Finding(org, code, severity, message))

        n_full, n_prob = full[org.pk], probationary[org.pk]
        n_all = n_full + n_prob
        committee = [p for p in posts[org.pk] if p.is_committee]
        has_secretary = any(p.title == PositionTitle.SECRETARY for p in posts[org.pk])

        if org.kind == OrgKind.BRANCH:
            minimum = rules.get("org.branch_min_full_members")
            if n_full < minimum:
                add(
                    "too_few_full_members",
                    Severity.WARNING,
                    f"正式党员{n_full}名，不足{minimum}名：应与其他单位成立联合党支部，或报上级批准。",
                )
            maximum = rules.get("org.branch_max_members")
            if n_all > maximum:
                add(
                    "too_many_members",
                    Severity.WARNING,
                    f"党员{n_all}名，超过{maximum}名：一般应分设党支部或划分党小组。",
                )
            needed = rules.get("org.committee_required_full_members")
            size_min, size_max = rules.get("org.committee_size_min"), rules.get("org.committee_size_max")
            beyond_secretaries = [
                p
                for p in committee
                if p.title not in (PositionTitle.SECRETARY, PositionTitle.DEPUTY_SECRETARY)
            ]
            if n_full >= needed and len(committee) < size_min:
                add(
                    "committee_missing",
                    Severity.PROBLEM,
                    f"正式党员{n_full}名（{needed}名及以上），应设支部委员会（{size_min}至5名委员），"
                    f"现有委员{len(committee)}名。",
                )
            elif n_full < needed and beyond_secretaries:
                add(
                    "committee_not_allowed",
                    Severity.WARNING,
                    f"正式党员{n_full}名，不足{needed}名，不设支部委员会，只设书记（必要时设副书记）。",
                )
            if len(committee) > size_max:
                add(
                    "committee_too_large",
                    Severity.WARNING,
                    f"支部委员会委员{len(committee)}名，超过{size_max}名。",
                )
        elif org.kind == OrgKind.GENERAL_BRANCH:
            minimum = rules.get("org.general_branch_min_members")
            if n_all < minimum:
                add(
                    "general_branch_small",
                    Severity.NOTICE,
                    f"党员{n_all}名，不足{minimum}名：设党总支须经上级党组织批准。",
                )
        elif org.kind == OrgKind.COMMITTEE:
            minimum = rules.get("org.committee_min_members")
            if n_all < minimum:
                add(
                    "committee_org_small",
                    Severity.NOTICE,
                    f"党员{n_all}名，不足{minimum}名：设基层党委须经上级党组织批准。",
                )

        if org.kind != OrgKind.GROUP:
            if not has_secretary:
                add("no_secretary", Severity.PROBLEM, "没有在任书记。")
            latest = last_election.get(org.pk)
            if latest is None:
                add("no_election", Severity.WARNING, "没有换届选举记录，无法确定任期。")
            else:
                due = add_years(latest.held_on, latest.term_years)
                remind = add_months(due, -int(rules.get("org.election_remind_months")))
                if due < on:
                    add(
                        "term_overdue",
                        Severity.PROBLEM,
                        f"任期已于{chinese_date(due)}届满（{latest.held_on.year}年{latest.held_on.month}月换届，任期{latest.term_years}年），"
                        "应及时换届；延期须经上级批准。",
                    )
                elif remind <= on:
                    add(
                        "term_due_soon",
                        Severity.NOTICE,
                        f"任期将于{chinese_date(due)}届满，请提前做好换届准备。",
                    )
        if overdue_probation[org.pk]:
            add(
                "probation_overdue",
                Severity.PROBLEM,
                f"{overdue_probation[org.pk]}名预备党员预备期已满，尚未讨论转正。",
            )
        if lost[org.pk]:
            add(
                "lost_contact",
                Severity.WARNING,
                f"{lost[org.pk]}名党员失去联系已满{rules.get('member.lost_contact_months')}个月，请按规定处置。",
            )
    return findings


def next_election_due(election: Election | None) -> date | None:
    return add_years(election.held_on, election.term_years) if election else None
