"""An applicant must be of the rule `member.min_age` (18, 党章第一条) when joining: checked the same
way on the page, through the API and by import, with the rulebook of the member's branch."""

import pytest
from tests.builders import D, id_number, org, person
from tests.people.test_import import csv_bytes, row, run

from qixin.core.errors import ApplicationError
from qixin.core.models import RuleOverride
from qixin.core.rules import Rulebook
from qixin.orgs.models import OrgKind
from qixin.people.models import Membership, Person
from qixin.people.services import check_person

pytestmark = pytest.mark.django_db

BORN = D(2000, 3, 1)


@pytest.fixture
def branches():
    root = org(None, "R", OrgKind.COMMITTEE, "示例党委")
    return root, org(root, "B1", name="总装一支部"), org(org(None, "X", OrgKind.COMMITTEE), "X1")


def admitted(branch, number, joined):
    return person(branch, number, category="预备党员", joined=joined, birth_date=BORN)


def test_joining_before_eighteen_is_refused_and_on_the_birthday_accepted(branches):
    _root, b1, _other = branches
    with pytest.raises(ApplicationError) as caught:
        admitted(b1, "Y1", D(2018, 2, 28))
    assert "入党时未满18周岁（2000-03-01出生，2018-02-28入党）" in str(caught.value)
    assert not Person.objects.filter(employee_no="Y1").exists()
    admitted(b1, "Y2", D(2018, 3, 1))
    assert Membership.objects.get(person__employee_no="Y2").joined_on == D(2018, 3, 1)


def test_the_minimum_age_is_a_rule_of_the_subtree(branches):
    root, b1, other = branches
    RuleOverride.objects.create(
        organization=root, key="member.min_age", value=16, effective_from=D(2000, 1, 1)
    )
    admitted(b1, "Y1", D(2016, 3, 1))  # sixteen: allowed under R
    assert Membership.objects.filter(person__employee_no="Y1").exists()
    with pytest.raises(ApplicationError, match="未满18周岁"):
        admitted(other, "Y2", D(2016, 3, 1))  # another tree keeps the default
    with pytest.raises(ApplicationError, match="未满16周岁"):
        admitted(b1, "Y3", D(2016, 2, 29))


def test_check_person_uses_the_rulebook_it_is_given():
    values = {"gender": "男", "birth_date": BORN, "category": "预备党员", "joined_on": D(2020, 3, 1)}
    assert [p.message for p in check_person(dict(values), rules=Rulebook({"member.min_age": 21}))] == [
        "党员必须填写所在党支部",
        "入党时未满21周岁（2000-03-01出生，2020-03-01入党）",
    ]
    assert [p.message for p in check_person(dict(values), rules=Rulebook({}))] == ["党员必须填写所在党支部"]


def test_the_import_applies_the_rule_of_each_row_s_branch(branches):
    root, _b1, _other = branches
    young = {
        "公民身份号码": id_number(BORN, 2, "男"),
        "人员类别": "预备党员",
        "加入党组织日期": "2016-03-01",
        "转为正式党员日期": "",
    }
    with pytest.raises(ApplicationError) as caught:
        run(csv_bytes([row("N001"), row("N002", **young)]))
    assert [str(p) for p in caught.value.problems] == [
        "第3行，“加入党组织日期”列：入党时未满18周岁（2000-03-01出生，2016-03-01入党）"
    ]
    assert not Person.objects.exists()
    RuleOverride.objects.create(
        organization=root, key="member.min_age", value=16, effective_from=D(2000, 1, 1)
    )
    run(csv_bytes([row("N001"), row("N002", **young)]))
    assert Membership.objects.get(person__employee_no="N002").joined_on == D(2016, 3, 1)
