"""降本创新's lines of the workbench (工作台): the claims a finance verifier may 核定, the suggestions
waiting for their reviewers, an employee's own suggestions; each count is the list it links to, within
the reader's scope, in a fixed number of queries."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from qixin.core import access
from qixin.core.models import User
from qixin.core.workbench import SOURCES, Item
from qixin.improve import selectors, services
from qixin.improve.models import Category, Stage
from qixin.improve.permissions import duties_for

from .conftest import day_start


def items(key, user):
    return SOURCES[key].function(user)


def ready(user: User) -> User:
    """The account as a request sees it, its scope and duties computed (once a request)."""
    user = User.objects.get(pk=user.pk)
    access.scope_for(user)
    duties_for(user)
    return user


def claim(world, project, amount="1000.00"):
    return services.savings_claim(
        actor=world.worker,
        project=project,
        amount=Decimal(amount),
        occurred_on=day_start(),
        description="节电",
    )


def count_of(key, user):
    (item,) = items(key, user)
    return item.count


def test_claims_to_verify_are_the_verifiers_pending_list(world, make):
    mine = make.project(title="总装车间空压机加装变频控制")
    theirs = services.project_create(
        actor=world.outsider,
        organization=world.other_branch,
        title="另一公司的照明改造",
        owner=world.outsider_person,
        category=Category.ENERGY,
        started_on=day_start(),
        savings_target=Decimal("1000"),
    )
    theirs = services.project_move(
        actor=world.outsider, project=theirs, to_stage=Stage.IMPLEMENTING, on=day_start()
    )
    claim(world, mine)
    services.savings_claim(
        actor=world.outsider,
        project=theirs,
        amount=Decimal("500"),
        occurred_on=day_start(),
        description="节电",
    )
    found = items("improve.savings_to_verify", ready(world.finance))
    assert found == [Item("待核定的节约申报", 1, reverse("improve:savings_pending"))]
    assert found[0].count == selectors.savings_pending_for(actor=world.finance).count()
    claim(world, mine, "200.00")
    assert count_of("improve.savings_to_verify", ready(world.finance)) == 2
    # The administrator verifies everywhere: the other enterprise's claim too.
    assert count_of("improve.savings_to_verify", ready(world.admin)) == 3


def test_claims_to_verify_concern_only_verifiers(world):
    # The party worker keeps the records but is no 财务核定人: 待核定 is not their page.
    for user in (world.worker, world.member_user, world.employee_user, world.reviewer):
        assert items("improve.savings_to_verify", ready(user)) == []


def test_suggestions_to_review_are_the_reviewers_open_ones_in_scope(world, make):
    make.suggestion("总装车间夜班照明可以分区控制，节约用电。")
    make.suggestion("另一支部的建议：食堂错峰供餐。", who=world.member2_user, organization=world.branch2)
    services.suggestion_submit(
        actor=world.outsider,
        organization=world.other_branch,
        submitter=world.outsider_person,
        text="另一公司的建议：仓库合并。",
        department="总装车间",
    )
    wanted = reverse("improve:suggestions") + "?to_review=1"
    # The committee's worker and the reviewer of its 总装车间 review both branches; the secretary
    # reviews C-1 only; nobody here reviews the other enterprise's.
    for user, expected in ((world.worker, 2), (world.secretary_user, 1), (world.reviewer, 2)):
        user = ready(user)
        found = items("improve.suggestions_to_review", user)
        assert found == [Item("待评审的建议", expected, wanted)]
        listed = selectors.suggestion_search_for(
            actor=user, filters=selectors.SuggestionFilters(to_review=True)
        )
        assert found[0].count == listed.count()

    decided = make.suggestion("总装车间的空压机建议加装变频器，按用气量调节。")
    assert count_of("improve.suggestions_to_review", ready(world.worker)) == 3
    services.suggestion_decide(actor=ready(world.worker), suggestion=decided, accept=True, reply="采纳")
    assert count_of("improve.suggestions_to_review", ready(world.worker)) == 2


def test_suggestions_to_review_concern_only_reviewers(world):
    for user in (world.member_user, world.employee_user, world.finance):
        assert items("improve.suggestions_to_review", ready(user)) == []


def test_my_suggestions_count_mine_waiting_and_lately_decided(world, make):
    first = make.suggestion("总装车间夜班照明可以分区控制，节约用电。", who=world.employee_user)
    make.suggestion("总装车间的包装材料可以回收再用。", who=world.employee_user)
    make.suggestion("别人的建议：食堂错峰供餐。", who=world.member_user)
    url = reverse("improve:suggestions") + "?mine=1"
    assert items("improve.my_suggestions", ready(world.employee_user)) == [
        Item("我的建议：评审中", 2, url),
        Item("我的建议：近30天有评审结论", 0, url),
    ]
    services.suggestion_decide(
        actor=ready(world.worker), suggestion=first, accept=False, reply="已有同类改造"
    )
    waiting, decided = items("improve.my_suggestions", ready(world.employee_user))
    assert (waiting.count, decided.count) == (1, 1)
    listed = selectors.suggestion_search_for(
        actor=world.employee_user, filters=selectors.SuggestionFilters(mine=True)
    )
    assert waiting.count + decided.count == listed.count()

    # A decision older than 30 days is no longer news.
    old = make.suggestion("总装车间的叉车充电可以错峰。", who=world.employee_user)
    long_ago = timezone.localdate() - dt.timedelta(days=31)
    services.suggestion_decide(
        actor=ready(world.worker), suggestion=old, accept=True, reply="好", on=long_ago
    )
    waiting, decided = items("improve.my_suggestions", ready(world.employee_user))
    assert (waiting.count, decided.count) == (1, 1)


def test_my_suggestions_need_a_record(world):
    assert items("improve.my_suggestions", ready(world.finance)) == []  # an account without a record
    assert items("improve.my_suggestions", None) == []


def test_each_source_costs_the_same_queries_whatever_the_number_of_records(
    world, make, django_assert_num_queries
):
    def measure():
        for key, user in (
            ("improve.savings_to_verify", world.finance),
            ("improve.suggestions_to_review", world.worker),
            ("improve.suggestions_to_review", world.reviewer),
            ("improve.my_suggestions", world.employee_user),
        ):
            user = ready(user)
            with django_assert_num_queries(1):
                items(key, user)

    measure()
    projects = [
        make.project(title=f"降本项目{n}", org=branch, owner=owner)
        for n, (branch, owner) in enumerate(((world.branch, world.member), (world.branch2, world.member2)))
    ]
    for n, project in enumerate(projects):
        claim(world, project, f"{100 + n}.00")
        make.suggestion(f"总装车间第{n}条建议：照明分区控制，节约用电。", who=world.employee_user)
        make.suggestion(
            f"二支部第{n}条建议：食堂错峰供餐。", who=world.member2_user, organization=world.branch2
        )
    measure()
