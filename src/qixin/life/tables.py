"""The compliance table as HTML rows, built in Python (every text from the database escaped).

The committee's table has one row per branch and party group (over 500 at the article's scale) and a
cell per kind of meeting; rendering it through template includes took most of a second, this takes
a few milliseconds.
"""

from __future__ import annotations

from html import escape

from django.urls import reverse
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
    """Rows of the compliance table. Text from the database (names, codes) goes through
    html.escape; everything else is numbers and our own labels, escaped all the same."""
    behind_text = _("差%(n)s次")
    open_text = _("本期待开%(n)s")
    compliant = f'<span class="tag notice">{escape(_("达标"))}</span>'
    calendar = reverse("life:calendar", args=[0]).replace("/0/", "/{}/")
    rows = []
    for t in table:
        row = t.row
        cells = "".join(_cell(c, behind_text, open_text) for c in t.cells)
        campaigns = "".join(
            f'<span class="tag {"warning" if c.behind else ""}">{c.held}/{c.required}</span>'
            for c in row.campaigns
        )
        status = (
            compliant
            if row.compliant
            else f'<span class="tag problem">{escape(behind_text % {"n": row.behind})}</span>'
        )
        overdue = (
            f'<span class="tag problem">{row.resolutions_overdue}</span>' if row.resolutions_overdue else ""
        )
        rows.append(
            f'<tr data-org="{escape(row.org.code)}"><td><a href="{calendar.format(row.org.pk)}">'
            f'{escape(row.org.name)}</a><br><small class="muted">{escape(row.parent_name)}</small></td>{cells}'
            f"<td>{_percent(row.present, row.should_attend)}</td><td>{len(row.topics_missing) or ''}</td>"
            f"<td>{overdue}</td><td>{campaigns}</td><td>{status}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308  (every text from the database escaped above)
