"""公民身份号码 (GB 11643-1999): 18 characters, the last a mod 11-2 check character (ISO 7064).

Positions 7 to 14 are the birth date; position 17 is odd for men and even for women.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# A Chinese input method types full-width digits (１２３) and Ｘ: the same number, written in ASCII.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX")


class IdNumberError(ValueError):
    pass


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: date
    gender: str  # "男" or "女"


def check_character(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def parse(raw: str) -> IdNumber:
    """Validate and normalise an ID number, or raise IdNumberError with a Chinese reason."""
    value = raw.strip().translate(_FULL_WIDTH).upper()
    if len(value) != 18:
        raise IdNumberError(f"身份证号应为18位，实际为{len(value)}位")
    # ASCII digits: '²'.isdigit() is true too, and int() refuses it.
    if not value.isascii() or not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise IdNumberError("身份证号前17位应为数字，最后一位为数字或X")
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise IdNumberError(f"身份证号中的出生日期{value[6:14]}不是有效日期") from None
    if born.year < 1900:
        raise IdNumberError(f"身份证号中的出生日期{value[6:14]}不合理")
    if check_character(value[:17]) != value[17]:
        raise IdNumberError("身份证号校验位不正确，请核对是否录入有误")
    return IdNumber(value=value, birth_date=born, gender="男" if int(value[16]) % 2 else "女")


def make(region: str, born: date, sequence: int, gender: str) -> str:
    """Build a valid number (for demo data and tests): region is 6 digits, sequence any integer."""
    order = sequence % 1000
    if gender == "男" and order % 2 == 0:
        order += 1
    elif gender != "男" and order % 2 == 1:
        order -= 1
    first17 = f"{region}{born:%Y%m%d}{order:03d}"
    return first17 + check_character(first17)
