"""The narrative report, checked word for word, and the organization's own template."""

import datetime as dt

import pytest

from qixin.core.errors import ApplicationError
from qixin.core.periods import Period
from qixin.reports import narrative, selectors, services

pytestmark = pytest.mark.django_db
YEAR = Period.inclusive(dt.date(2026, 1, 1), dt.date(2026, 6, 30))


def test_default_narrative_word_for_word(world):
    summary = selectors.summary_for(actor=world["admin"], org=world["plant"], period=YEAR)
    assert narrative.plain(summary.paragraphs) == [
        "总装党总支现有党员4名（正式党员3名、预备党员1名），带动6名员工，每百名员工中有党员66.7名。"
        "下设党委0个、党总支1个、党支部2个、党小组1个；2026年1月1日至2026年6月30日发展党员1名。"
    ]


def test_a_paragraph_with_nothing_recorded_is_left_out(world):
    services.narrative_template_save(
        actor=world["admin"],
        org=world["root"],
        text="{org.name}有党员{members.total}。\n\n{period}发展党员{members.admitted}。",
    )
    summary = selectors.summary_for(
        actor=world["admin"],
        org=world["plant"],
        period=Period.inclusive(dt.date(2020, 1, 1), dt.date(2020, 1, 31)),
    )
    assert narrative.plain(summary.paragraphs) == ["总装党总支有党员2名。"]  # nobody admitted in January 2020


def test_an_organization_template_is_used_by_its_subtree_and_each_figure_links_its_records(world):
    services.narrative_template_save(
        actor=world["admin"], org=world["root"], text="{org.name}{period}有党员{members.total|多}。"
    )
    summary = selectors.summary_for(actor=world["admin"], org=world["plant"], period=YEAR)
    assert narrative.plain(summary.paragraphs) == ["总装党总支2026年1月1日至2026年6月30日有党员4名。"]
    figure = summary.paragraphs[0][3]
    assert isinstance(figure, narrative.Figure)
    assert (figure.text, figure.key, figure.value) == ("4名", "members.total", 4)


def test_a_template_naming_an_unknown_metric_is_refused_and_nothing_saved(world):
    with pytest.raises(ApplicationError) as refused:
        services.narrative_template_save(
            actor=world["admin"], org=world["root"], text="第一行\n{members.nothing|约}"
        )
    assert [str(p) for p in refused.value.problems] == [
        "第2行：没有名为“members.nothing”的指标",
        "第2行：“约”不是可用的写法（可用：exact、多、余、超过）",
    ]
    assert selectors.template_for(world["plant"]) == narrative.default_template()


def test_a_sentence_whose_figures_are_all_zero_is_left_out_and_the_paragraph_still_ends_with_a_full_stop(
    world,
):
    services.narrative_template_save(
        actor=world["admin"],
        org=world["root"],
        text="{org.name}有党员{members.total}；{period}发展党员{members.admitted}。",
    )
    summary = selectors.summary_for(
        actor=world["admin"],
        org=world["plant"],
        period=Period.inclusive(dt.date(2020, 1, 1), dt.date(2020, 1, 31)),
    )
    assert narrative.plain(summary.paragraphs) == ["总装党总支有党员2名。"]


def test_the_default_report_of_a_branch_says_nothing_of_studios_it_does_not_have(world):
    summary = selectors.summary_for(actor=world["admin"], org=world["b1"], period=YEAR)
    text = "".join(narrative.plain(summary.paragraphs))
    assert "创新工作室" not in text
    assert "0%" not in text
    assert "总装第一党支部现有党员3名" in text
