"""The narrative report: Chinese paragraphs in the style of the article, written from the metrics
through a template an organization can edit.

A template is plain text with placeholders: {members.total} writes the figure exactly with its unit
("9735名"); {suggestions.total|多} writes "30000多条"; {teams.commando|余} "400余支";
{savings.verified|超过} "超过10亿元"; {org.name} and {period} name the organization and the period.
Each figure keeps a reference to its drill-down, so every number can be traced to its records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from qixin.core.errors import ApplicationError, Problem

from . import wording
from .metrics import REGISTRY, Value

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_.]*)(?:\|([^}]*))?\}")

# Default paragraphs, one per section, added by the metric definitions of each app.
DEFAULT_PARAGRAPHS: list[str] = [
    "{org.name}现有党员{members.total}（正式党员{members.full}、预备党员{members.probationary}），"
    "带动{employees.total}员工，每百名员工中有党员{members.per_100_employees}。"
    "下设党委{orgs.committee}、党总支{orgs.general_branch}、党支部{orgs.branch}、党小组{orgs.group}；"
    "{period}发展党员{members.admitted}。",
]


def default_template() -> str:
    return "\n\n".join(DEFAULT_PARAGRAPHS)


@dataclass(frozen=True)
class Figure:
    text: str
    key: str
    value: int | Decimal
    has_drill: bool = True  # whether records list it (a ratio has none of its own: not a link)


Segment = str | Figure


def check_template(text: str) -> None:
    """Refuse a template that names an unknown metric or style, saying where."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in PLACEHOLDER.finditer(line):
            key, style = match.group(1), match.group(2)
            if key not in REGISTRY and key not in ("org.name", "period"):
                problems.append(Problem(message=f"没有名为“{key}”的指标", row=number))
            if style is not None and style not in wording.STYLES:
                problems.append(
                    Problem(
                        message=f"“{style}”不是可用的写法（可用：{'、'.join(wording.STYLES)}）", row=number
                    )
                )
    if problems:
        raise ApplicationError("invalid_template", "报告模板有误。", problems)


def write_figure(value: Value, style: str | None) -> str:
    metric = value.metric
    style = style or "exact"
    if metric.unit in ("元",):
        return wording.money(value.value, style)
    if metric.unit == "%":
        return wording.percent(Decimal(value.value), style)
    return wording.count(value.value, metric.unit, style)


def render(text: str, values: dict[str, Value], org_name: str, period_label: str) -> list[list[Segment]]:
    """Paragraphs as lists of text and figures. A paragraph naming a metric that is not available
    (an app not installed) is left out rather than printed with a gap, and so is a sentence whose
    figures are all zero (nothing recorded yet for that work): a report does not say "0个" to no end."""
    paragraphs: list[list[Segment]] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        segments: list[Segment] = []
        position = 0
        complete = True
        for match in PLACEHOLDER.finditer(block):
            segments.append(block[position : match.start()])
            key, style = match.group(1), match.group(2)
            if key == "org.name":
                segments.append(org_name)
            elif key == "period":
                segments.append(period_label)
            elif key in values:
                segments.append(
                    Figure(
                        write_figure(values[key], style), key, values[key].value, values[key].metric.has_drill
                    )
                )
            else:
                complete = False
            position = match.end()
        segments.append(block[position:])
        if not complete:
            continue
        kept = [segment for sentence in _sentences(segments) if _applies(sentence) for segment in sentence]
        if any(isinstance(s, Figure) for s in kept):
            paragraphs.append(_closed([s for s in kept if s != ""]))
    return paragraphs


SENTENCE_END = re.compile(r"(?<=[。；！？])")


def _sentences(segments: list[Segment]) -> list[list[Segment]]:
    """The segments cut after each 。；！？ (a figure never ends a sentence by itself)."""
    sentences: list[list[Segment]] = [[]]
    for segment in segments:
        if isinstance(segment, Figure):
            sentences[-1].append(segment)
            continue
        pieces = SENTENCE_END.split(segment)
        for number, piece in enumerate(pieces):
            if number:
                sentences.append([])
            sentences[-1].append(piece)
    return [s for s in sentences if any(isinstance(x, Figure) or x.strip() for x in s)]


def _applies(sentence: list[Segment]) -> bool:
    """A sentence whose figures are all zero says nothing for this organization (a branch has no
    innovation studio: "创新工作室0个中，党员挂帅的0%" is left out); one without figures stays."""
    figures = [s for s in sentence if isinstance(s, Figure)]
    return not figures or any(f.value != 0 for f in figures)


def _closed(segments: list[Segment]) -> list[Segment]:
    """A paragraph whose last sentences were left out ends with 。, not with the ； before them."""
    last = segments[-1]
    if isinstance(last, str) and last.endswith("；"):
        segments[-1] = last[:-1] + "。"
    return segments


def plain(paragraphs: list[list[Segment]]) -> list[str]:
    return ["".join(s.text if isinstance(s, Figure) else s for s in p) for p in paragraphs]
