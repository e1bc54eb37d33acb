"""Chinese text helpers: pinyin initials for search, masking for display, safe spreadsheet cells."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from django.utils import timezone

# pypinyin is imported on first use: loading its phrase dictionary takes 0.3 s, which every command
# and worker start-up would otherwise pay. Names repeat (surnames, common given names): a roster
# import converts each distinct name once.


@lru_cache(maxsize=65536)
def pinyin_initials(text: str) -> str:
    """张三丰 → zsf; letters and digits pass through, lowercased."""
    from pypinyin import Style, lazy_pinyin

    return "".join(p[0] for p in lazy_pinyin(text, style=Style.FIRST_LETTER) if p).lower()


@lru_cache(maxsize=65536)
def pinyin_full(text: str) -> str:
    """张三丰 → zhangsanfeng."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text)).lower()


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def whole_number(value: str) -> int | None:
    """The whole number a cell or an attribute writes (ASCII or full-width digits, spaces around it,
    a spreadsheet's trailing ".0"), or None when it is not one. Not `value.isdigit()` then `int()`:
    '²' and other Unicode digits pass isdigit(), and int() refuses them."""
    text = value.strip().translate(_FULL_WIDTH_DIGITS)
    if text.endswith(".0"):
        text = text[:-2]
    if not text or len(text) > 18 or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def mask(value: str, keep_start: int, keep_end: int) -> str:
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_id_number(value: str) -> str:
    return mask(value, 3, 4)


def mask_phone(value: str) -> str:
    return mask(value, 3, 4)


def mask_address(value: str) -> str:
    return value[:6] + "****" if value else ""


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Neutralise formula injection (CSV/XLSX): a text cell that a spreadsheet would run as a
    formula gets a leading apostrophe, as OWASP recommends."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def chinese_date(day: date) -> str:
    """2026年3月5日, as a 公文 writes a date (no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_moment(moment: datetime) -> str:
    """3月5日 14:00, in local time: a moment in a sentence about this year."""
    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日 {local:%H:%M}"
