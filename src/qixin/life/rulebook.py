"""The rulebook of organizational life: how often each kind of meeting must happen, for which kinds
of organization, which kinds of meeting count for it, and the topics a branch's organizational life
must cover. Every value is a rule (qixin.core.rules) with a default from RULES.md; an organization
sets its own value for its subtree from a date (core.RuleOverride), and a deeper node may set it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from qixin.core.errors import ApplicationError
from qixin.core.periods import add_months
from qixin.core.rules import Rulebook, define
from qixin.orgs.models import OrgKind

SOURCE_BRANCH = "中国共产党支部工作条例（试行）（2018）"
SOURCE_LIFE = "关于新形势下党内政治生活的若干准则（2016）；中国共产党支部工作条例（试行）（2018）"
SOURCE_LOCAL = "常见地方规定（中央未规定党支部党课次数，可调整）"
SOURCE_ELECTION = "中国共产党基层组织选举工作条例（2020）"
SOURCE_ARTICLE = "上汽大众“八个必过”（参考文章）"
SOURCE_QIXIN = "旗心默认设置（可调整）"
SOURCE_LAPSE = "党章第九条"

# Built-in kinds: (code, name). Organizations add their own kinds (MeetingKind rows with an owner).
BUILTIN_KINDS: list[tuple[str, str]] = [
    ("party_congress", "支部党员大会"),
    ("branch_committee", "支部委员会会议"),
    ("group_meeting", "党小组会"),
    ("party_lecture", "党课"),
    ("theme_day", "主题党日"),
    ("life_meeting", "组织生活会"),
    ("democratic_review", "民主评议党员"),
    ("heart_talk", "谈心谈话"),
]
ELECTION_KIND = "party_congress"
COMMITTEE_KIND = "branch_committee"
LECTURE_KIND = "party_lecture"

EVERY_LABELS = {"month": "每月", "quarter": "每季度", "half_year": "每半年", "year": "每年"}
EVERY_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


def frequency_key(kind_code: str) -> str:
    return f"life.frequency.{kind_code}"


def _frequency(
    every: str, org_kinds: list[str], code: str, *, committee_only: bool = False
) -> dict[str, Any]:
    return {
        "every": every,
        "times": 1,
        "org_kinds": org_kinds,
        "counts": [code],
        "committee_only": committee_only,
    }


DEFAULT_FREQUENCIES: dict[str, tuple[dict[str, Any], str, str]] = {
    "party_congress": (_frequency("quarter", ["branch"], "party_congress"), "至少每季度1次", SOURCE_BRANCH),
    "branch_committee": (
        _frequency("month", ["branch"], "branch_committee", committee_only=True),
        "至少每月1次（设支部委员会的党支部）",
        SOURCE_BRANCH,
    ),
    "group_meeting": (_frequency("month", ["group"], "group_meeting"), "至少每月1次", SOURCE_BRANCH),
    "party_lecture": (_frequency("quarter", ["branch"], "party_lecture"), "每季度1次", SOURCE_LOCAL),
    "theme_day": (_frequency("month", ["branch"], "theme_day"), "每月1次", SOURCE_BRANCH),
    "life_meeting": (_frequency("year", ["branch"], "life_meeting"), "至少每年1次", SOURCE_LIFE),
    "democratic_review": (_frequency("year", ["branch"], "democratic_review"), "每年1次", SOURCE_LIFE),
    "heart_talk": (_frequency("year", ["branch"], "heart_talk"), "至少每年1次", SOURCE_LIFE),
}
for _code, _name in BUILTIN_KINDS:
    _value, _label, _source = DEFAULT_FREQUENCIES[_code]
    define(frequency_key(_code), f"{_name}频次", _value, _source)

DEFAULT_TOPICS = {
    "name": "八个必过",
    "pattern": "",
    "every": "year",
    "topics": ["组织要求", "形势变化", "思想引领", "重要任务", "党员群众困难需求"],
}
define("life.topics", "组织生活必过议题（清单、模式、周期）", DEFAULT_TOPICS, SOURCE_ARTICLE)
define("life.election_quorum", "选举有效的到会比例（有表决权党员，不低于）", [4, 5], SOURCE_ELECTION)
define("life.committee_quorum", "支部委员会会议到会比例（委员，须超过）", [1, 2], SOURCE_BRANCH)
define("life.remind_days", "截止前提醒（天）", 7, SOURCE_QIXIN)
define("life.checkin_early_minutes", "会前可签到（分钟）", 30, SOURCE_QIXIN)
# 自行脱党 (RULES.md, Members): the product warns the branch well before a member reaches it.
LAPSE_KEY = "life.lapse_months"
LAPSE_WARN_KEY = "life.lapse_warn_months"
define(LAPSE_KEY, "连续未参加组织生活视为自行脱党（月）", 6, SOURCE_LAPSE)
define(LAPSE_WARN_KEY, "连续未参加组织生活满N个月即提醒支部（月）", 3, SOURCE_QIXIN)


@dataclass(frozen=True)
class Frequency:
    """One frequency rule in force at one organization."""

    kind_code: str
    every: str
    times: int
    org_kinds: tuple[str, ...]
    counts: tuple[str, ...]
    committee_only: bool

    @property
    def label(self) -> str:
        return f"{EVERY_LABELS.get(self.every, self.every)}{self.times}次"

    @property
    def org_kind_labels(self) -> list[str]:
        """党支部, 党小组 …: the kinds of organization it applies to, as a user reads them."""
        return [str(OrgKind(k).label) if k in OrgKind.values else k for k in self.org_kinds]

    def applies_to(self, org_kind: str, has_committee: bool) -> bool:
        return org_kind in self.org_kinds and (has_committee or not self.committee_only)


def parse_frequency(kind_code: str, value: Any) -> Frequency | None:
    """A stored rule value as a Frequency; None when the kind has no frequency (an empty value)."""
    if not value:
        return None
    return Frequency(
        kind_code=kind_code,
        every=str(value.get("every", "year")),
        times=int(value.get("times", 1)),
        org_kinds=tuple(value.get("org_kinds", ["branch"])),
        counts=tuple(value.get("counts", [kind_code])),
        committee_only=bool(value.get("committee_only", False)),
    )


def check_frequency_value(value: dict[str, Any]) -> dict[str, Any]:
    """Validate a frequency a user sets; the Chinese message says what is wrong."""
    every = value.get("every")
    if every not in EVERY_MONTHS:
        raise ApplicationError("invalid_rule", "周期应为每月、每季度、每半年或每年。")
    times = value.get("times")
    if not isinstance(times, int) or not 1 <= times <= 31:
        raise ApplicationError("invalid_rule", "次数应为1至31之间的整数。")
    kinds = value.get("org_kinds") or []
    if not kinds or any(k not in ("branch", "group", "general_branch", "committee") for k in kinds):
        raise ApplicationError("invalid_rule", "请选择适用的组织类别（党支部、党小组等）。")
    return value


def frequency_for(book: Rulebook, kind_code: str, default: Any = None) -> Frequency | None:
    """The frequency of a kind in a rulebook. Kinds an organization added have no registered rule:
    their default is stored on the kind itself."""
    try:
        value = book.get(frequency_key(kind_code))
    except KeyError:
        value = default
    return parse_frequency(kind_code, value)


@dataclass(frozen=True)
class Window:
    """One frequency window [start, end) such as a calendar month or quarter."""

    start: date
    end: date

    @property
    def deadline(self) -> date:
        return self.end - timedelta(days=1)


def window_containing(day: date, every: str) -> Window:
    months = EVERY_MONTHS[every]
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    return Window(start, add_months(start, months))


def windows_with_deadline_in(start: date, end: date, every: str) -> list[Window]:
    """Calendar windows whose last day falls in [start, end), in order."""
    windows = []
    window = window_containing(start, every)
    while window.start < end:
        if start <= window.deadline < end:
            windows.append(window)
        window = Window(window.end, add_months(window.end, EVERY_MONTHS[every]))
    return windows


def rule_text(value: Any) -> str:
    """A rule's value as a party-affairs office writes it: a quorum [4, 5] as 4/5."""
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return f"{value[0]}/{value[1]}"
    return str(value)


def fraction(value: Any) -> tuple[int, int]:
    numerator, denominator = value
    return int(numerator), int(denominator)


def whole_months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (0 when `end` is earlier): the largest N with
    add_months(start, N) <= end, so 31 August to 30 November is 3 months."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def lapse_thresholds(book: Rulebook) -> tuple[int, int]:
    """(warn after, lapsed after) in months at one organization. A warning set at or beyond the
    lapse itself would never come first: it is then given at the lapse."""
    lapse = int(book.get(LAPSE_KEY))
    return min(int(book.get(LAPSE_WARN_KEY)), lapse), lapse


def check_lapse_value(key: str, value: Any, book: Rulebook) -> int:
    """Validate a new value of the lapse rules against the other one in force."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 24:
        raise ApplicationError("invalid_rule", "月数应为1至24之间的整数。")
    warn = value if key == LAPSE_WARN_KEY else int(book.get(LAPSE_WARN_KEY))
    lapse = value if key == LAPSE_KEY else int(book.get(LAPSE_KEY))
    if warn >= lapse:
        raise ApplicationError(
            "invalid_rule",
            f"提前预警的月数（{warn}个月）应少于视为自行脱党的月数（{lapse}个月），才能在此之前提醒支部。",
        )
    return value


def loosening(key: str, value: Any, inherited: Any) -> str | None:
    """What `value` asks less of an organization than `inherited` (the rule in force at its superior),
    in words that follow "不能…"; None when it asks as much or more. Reminder settings
    (life.remind_days, life.checkin_early_minutes) loosen nothing."""
    if key.startswith("life.frequency."):
        old, new = parse_frequency("", inherited), parse_frequency("", value)
        if old is None:
            return None
        if new is None:
            return "取消该会议的频次要求"
        old_months, new_months = EVERY_MONTHS[old.every], EVERY_MONTHS[new.every]
        if new_months > old_months or Fraction(new.times, new_months) < Fraction(old.times, old_months):
            return f"把频次从“{old.label}”改为“{new.label}”"
        if not set(old.org_kinds) <= set(new.org_kinds) or (new.committee_only and not old.committee_only):
            return "缩小该要求适用的组织范围"
        if not set(new.counts) <= set(old.counts):
            return "把更多会议类型计入该要求"
        return None
    if key == "life.topics":
        missing = [t for t in inherited.get("topics", []) if t not in value.get("topics", [])]
        if missing:
            return f"去掉必过议题“{'、'.join(missing)}”"
        if EVERY_MONTHS.get(value.get("every"), 12) > EVERY_MONTHS.get(inherited.get("every"), 12):
            return "延长必过议题的周期"
        return None
    if key in ("life.election_quorum", "life.committee_quorum"):
        if Fraction(*fraction(value)) < Fraction(*fraction(inherited)):
            return "降低到会比例"
        return None
    if key in (LAPSE_KEY, LAPSE_WARN_KEY) and int(value) > int(inherited):
        return "延长预警或认定的月数"
    return None
