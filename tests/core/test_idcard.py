"""公民身份号码 checks (GB 11643-1999) and how the registry uses them."""

from typing import Any

import pytest
from tests.builders import D, id_number, org, person

from qixin.core import idcard
from qixin.core.errors import ApplicationError
from qixin.people.services import check_person

# Published example numbers with a correct mod 11-2 check character (one ends in X).
VALID = ["11010519491231002X", "440524198001010013", "110101199003074477", "310115197506151231"]


@pytest.mark.parametrize("value", VALID)
def test_valid_numbers_parse(value):
    parsed = idcard.parse(value.lower())
    assert parsed.value == value.upper()


def test_a_number_typed_in_full_width_digits_is_the_same_number():
    assert idcard.parse("１１０１０５１９４９１２３１００２ｘ").value == "11010519491231002X"


def test_birth_date_and_gender_come_from_the_number():
    parsed = idcard.parse("11010519491231002X")
    assert parsed.birth_date == D(1949, 12, 31)
    assert parsed.gender == "女"  # the 17th digit, 2, is even
    assert idcard.parse("440524198001010013").gender == "男"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("11010519491231002", "应为18位，实际为17位"),
        ("1101051949123100211", "应为18位，实际为19位"),
        ("11010519491231A02X", "前17位应为数字"),
        ("11010519491231²02X", "前17位应为数字"),
        ("1101051949123100²X", "前17位应为数字"),
        ("110105194912310021", "校验位不正确"),
        ("110105194902300027", "不是有效日期"),
        ("110105180001010011", "不合理"),
    ],
)
def test_bad_numbers_say_what_is_wrong(value, reason):
    with pytest.raises(idcard.IdNumberError, match=reason):
        idcard.parse(value)


def test_made_numbers_are_valid_and_carry_the_gender():
    for sequence in range(50):
        for gender in ("男", "女"):
            parsed = idcard.parse(idcard.make("310101", D(1990, 5, 17), sequence, gender))
            assert (parsed.birth_date, parsed.gender) == (D(1990, 5, 17), gender)


def test_registry_refuses_a_birth_date_or_gender_that_disagrees_with_the_number():
    values = {"id_number": id_number(D(1990, 1, 1), 3, "男"), "birth_date": D(1991, 1, 1), "gender": "女"}
    messages = [p.message for p in check_person(values, today=D(2026, 11, 1))]
    assert "出生日期1991-01-01与身份证号中的1990-01-01不一致" in messages
    assert "性别“女”与身份证号（男）不一致" in messages


def test_registry_fills_birth_date_and_gender_from_the_number():
    values: dict[str, Any] = {"id_number": id_number(D(1988, 3, 9), 4, "女")}
    assert check_person(values, today=D(2026, 11, 1)) == []
    assert (values["birth_date"], values["gender"]) == (D(1988, 3, 9), "女")


@pytest.mark.django_db
def test_the_same_number_cannot_belong_to_two_people():
    branch = org(org(None, "R", "committee"), "B")
    number = id_number()
    person(branch, "P1", id_number=number, birth_date=D(1990, 1, 1))
    with pytest.raises(ApplicationError) as caught:
        person(branch, "P2", id_number=number, birth_date=D(1990, 1, 1))
    assert "身份证号" in str(caught.value) + "".join(p.message for p in caught.value.problems)
