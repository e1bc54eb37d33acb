"""How such reports write figures: "30000多条", "400余支", "超过10亿元", "超过90%".

Each style keeps one significant figure of the value (in 万 or 亿 for large sums of money) and says
how the true value relates to it. A value that is already round is written exactly ("400支").
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

STYLES = ("exact", "多", "余", "超过")
_WAN = Decimal(10_000)
_YI = Decimal(100_000_000)


def _floor_one_figure(value: Decimal) -> Decimal:
    """Floor to one significant figure: 30412 → 30000, 412 → 400, 92.6 → 90, 7 → 7."""
    if value < 10:
        return value.to_integral_value(rounding=ROUND_FLOOR)
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    return (value / magnitude).to_integral_value(rounding=ROUND_FLOOR) * magnitude


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def approximate(value: int | Decimal, style: str) -> tuple[str, bool]:
    """(the figure as written, whether it is exact). `value` in its own unit."""
    value = Decimal(value)
    if style == "exact":
        return _plain(value.quantize(Decimal(1)) if value == value.to_integral_value() else value), True
    floor = _floor_one_figure(value)
    return _plain(floor), floor == value


def money(value: int | Decimal, style: str = "超过") -> str:
    """Yuan as such texts write it: 1,023,456,789 → 超过10亿元; 60,000,000 → 6000万元."""
    value = Decimal(value)
    unit, scaled = (
        ("亿元", value / _YI) if value >= _YI else ("万元", value / _WAN) if value >= _WAN else ("元", value)
    )
    if style == "exact":
        return f"{_plain(scaled.quantize(Decimal('0.01')))}{unit}"
    written, exact = approximate(scaled, style)
    return _wrap(written, unit, exact, style)


def count(value: int | Decimal, unit: str, style: str) -> str:
    """30412, "条", "多" → 30000多条; 412, "支", "余" → 400余支; 400, "支", "余" → 400支."""
    written, exact = approximate(value, style)
    return _wrap(written, unit, exact, style)


def percent(value: Decimal, style: str = "超过") -> str:
    """92.6 → 超过90%; 90.0 → 90%; exact style keeps one decimal: 92.6%."""
    if style == "exact":
        return f"{_plain(Decimal(value))}%"
    written, exact = approximate(value, style)
    return _wrap(written, "%", exact, style)


def _wrap(written: str, unit: str, exact: bool, style: str) -> str:
    if exact or style == "exact":
        return f"{written}{unit}"
    if style == "超过":
        return f"超过{written}{unit}"
    return f"{written}{style}{unit}"
