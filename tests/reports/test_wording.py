"""The rounding such reports use, tested on its boundaries."""

from decimal import Decimal

import pytest

from qixin.reports import wording


@pytest.mark.parametrize(
    ("value", "unit", "style", "expected"),
    [
        (30412, "条", "多", "30000多条"),
        (30000, "条", "多", "30000条"),
        (30001, "条", "多", "30000多条"),
        (39999, "条", "多", "30000多条"),
        (6572, "个", "多", "6000多个"),
        (99, "条", "多", "90多条"),
        (10, "条", "多", "10条"),
        (9, "条", "多", "9条"),
        (0, "条", "多", "0条"),
        (412, "支", "余", "400余支"),
        (400, "支", "余", "400支"),
        (401, "支", "余", "400余支"),
        (499, "支", "余", "400余支"),
        (163, "支", "exact", "163支"),
        (9735, "名", "exact", "9735名"),
    ],
)
def test_counts_are_written_as_reports_write_them(value, unit, style, expected):
    assert wording.count(value, unit, style) == expected


@pytest.mark.parametrize(
    ("yuan", "style", "expected"),
    [
        (Decimal("1023456789"), "超过", "超过10亿元"),
        (Decimal("1000000000"), "超过", "10亿元"),
        (Decimal("1000000000.01"), "超过", "超过10亿元"),
        (Decimal("999999999.99"), "超过", "超过9亿元"),
        (Decimal("100000000"), "超过", "1亿元"),
        (Decimal("99999999"), "超过", "超过9000万元"),
        (Decimal("60000000"), "超过", "6000万元"),
        (Decimal("10000"), "超过", "1万元"),
        (Decimal("9999"), "超过", "超过9000元"),
        (Decimal("60000000"), "exact", "6000万元"),
        (Decimal("1234567.89"), "exact", "123.46万元"),
    ],
)
def test_money_is_written_in_wan_and_yi(yuan, style, expected):
    assert wording.money(yuan, style) == expected


@pytest.mark.parametrize(
    ("value", "style", "expected"),
    [
        (Decimal("92.6"), "超过", "超过90%"),
        (Decimal("90.0"), "超过", "90%"),
        (Decimal("90.1"), "超过", "超过90%"),
        (Decimal("89.9"), "超过", "超过80%"),
        (Decimal("100.0"), "超过", "100%"),
        (Decimal("92.6"), "exact", "92.6%"),
    ],
)
def test_percentages(value, style, expected):
    assert wording.percent(value, style) == expected
