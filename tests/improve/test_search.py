"""Chinese search over suggestions, projects and cases: two-character words and mixed
Chinese/English/number text, on SQLite (FTS5) and PostgreSQL (tsvector with GIN) alike.

Run once on PostgreSQL with DATABASE_URL=postgres://… PYTEST_ADDOPTS=--create-db."""

from qixin.improve import selectors, services
from qixin.improve.models import Category, ImprovementCase, Project, Suggestion
from qixin.improve.text import search

ENERGY = "涂装车间烘炉停线时仍保持工作温度，能耗很高，建议停线30分钟以上自动降温待机。"
MEB = "MEB焊装线3号工位节拍偏长，是全线瓶颈，建议把两台焊枪的焊点重新分配，节拍可缩短5秒。"
COST = "采购部门可以推动包装材料循环使用，降本效果明显。"
UNRELATED = "食堂窗口排队时间长，建议增加一个打卡机。"


def numbers(rows):
    return sorted(s.text[:4] for s in rows)


def test_two_character_words_find_suggestions(world, make):
    for text in (ENERGY, MEB, COST, UNRELATED):
        make.suggestion(text, category=Category.QUALITY)
    rows = Suggestion.objects.all()

    assert numbers(search.search(rows, "能耗")) == [ENERGY[:4]]
    assert numbers(search.search(rows, "降本")) == [COST[:4]]
    assert numbers(search.search(rows, "节拍")) == [MEB[:4]]


def test_mixed_chinese_english_and_numbers(world, make):
    for text in (ENERGY, MEB, COST, UNRELATED):
        make.suggestion(text, category=Category.QUALITY)
    rows = Suggestion.objects.all()

    assert numbers(search.search(rows, "MEB 焊装 节拍")) == [MEB[:4]]
    assert numbers(search.search(rows, "meb")) == [MEB[:4]]
    assert numbers(search.search(rows, "3号工位")) == [MEB[:4]]
    assert numbers(search.search(rows, "焊装 食堂")) == []


def test_search_words_inside_longer_words(world, make):
    make.suggestion("总装车间照明改为LED节能灯，按班次分区控制。", category=Category.ENERGY)
    rows = Suggestion.objects.all()

    assert len(search.search(rows, "节能灯")) == 1
    assert len(search.search(rows, "LED")) == 1
    assert len(search.search(rows, "照明 分区")) == 1


def test_suggestion_list_search_is_scoped_and_ranked(world, make):
    make.suggestion(ENERGY)
    filters = selectors.SuggestionFilters(search="能耗")

    assert [s.text for s in selectors.suggestion_search_for(actor=world.worker, filters=filters)] == [ENERGY]
    assert list(selectors.suggestion_search_for(actor=world.outsider, filters=filters)) == []


def test_projects_and_cases_are_searchable(world, make):
    make.project(title="MEB焊装线节拍优化")
    make.project(title="物流线边料架改造")
    services.case_create(
        actor=world.worker,
        organization=world.branch,
        title="涂装烘炉待机降温",
        lead=world.member,
        category=Category.ENERGY,
        year=make.start.year,
        completed_on=make.start,
        before="烘炉停线时仍保持工作温度，能耗高",
        after="停线30分钟以上自动降温待机",
        savings=420000,
    )

    assert [p.title for p in search.search(Project.objects.all(), "MEB 节拍")] == ["MEB焊装线节拍优化"]
    assert [c.title for c in search.search(ImprovementCase.objects.all(), "能耗")] == ["涂装烘炉待机降温"]
    found = selectors.search_all_for(actor=world.worker, query="焊装")
    assert (found.project_total, found.case_total) == (1, 0)
