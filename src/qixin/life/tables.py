"""The compliance table as HTML rows, built in Python with format_html (every value escaped).

The committee's table has one row per branch and party group (over 500 at the article's scale) and a
cell per kind of meeting; rendering it through template includes took most of a second, this takes
a few milliseconds.
"""

from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .selectors import RuleStatus, TableRow


def _percent(part: int, whole: int) -> str:
    return f"{round(part * 100 / whole)}%" if whole else "—"


def _cell(cell: RuleStatus | None, behind_text: str, open_text: str) -> str:
    """One cell: numbers and our own labels only, the label escaped all the same."""
    if cell is None:
        return '<td><span class="muted">—</span></td>'
    css = "problem" if cell.behind else ("warning" if cell.remaining else "")
    text = f"{cell.met}/{cell.required}"
    if cell.behind:
        text += " " + behind_text % {"n": cell.behind}
    if cell.remaining:
        text += " " + open_text % {"n": cell.remaining}
    return f'<td><span class="tag {css}" title="{escape(cell.frequency.label)}">{escape(text)}</span></td>'


def compliance_rows(table: list[TableRow]) -> SafeString:
    behind_text = _("差%(n)s次")
    open_text = _("本期待开%(n)s")
    compliant = format_html('<span class="tag notice">{}</span>', _("达标"))
    calendar = reverse("life:calendar", args=[0]).replace("/0/", "/{}/")
    rows = []
    for t in table:
        row = t.row
        cells = mark_safe("".join(_cell(c, behind_text, open_text) for c in t.cells))  # noqa: S308  (escaped above)
        campaigns = format_html_join(
            "",
            '<span class="tag {}">{}/{}</span>',
            (("warning" if c.behind else "", c.held, c.required) for c in row.campaigns),
        )
        status = (
            compliant
            if row.compliant
            else format_html('<span class="tag problem">{}</span>', behind_text % {"n": row.behind})
        )
        overdue = (
            format_html('<span class="tag problem">{}</span>', row.resolutions_overdue)
            if row.resolutions_overdue
            else ""
        )
        rows.append(
            format_html(
                '<tr data-org="{}"><td><a href="{}">{}</a><br><small class="muted">{}</small></td>{}'
                "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                row.org.code,
                calendar.format(row.org.pk),
                row.org.name,
                row.parent_name,
                cells,
                _percent(row.present, row.should_attend),
                len(row.topics_missing) or "",
                overdue,
                campaigns,
                status,
            )
        )
    return SafeString("\n".join(rows))
