"""QR codes of intake points: SVG and PNG (segno) and a printable A5 poster (PDF, reportlab with
its built-in Chinese CID font, so no font file is needed)."""

from __future__ import annotations

import io

import segno
from reportlab.lib.pagesizes import A5  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.lib.utils import ImageReader  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # type: ignore[import-untyped]
from reportlab.pdfgen import canvas  # type: ignore[import-untyped]

FONT = "STSong-Light"

INSTRUCTIONS = [
    "有困难、有问题、有建议、有心愿，扫一扫告诉我们。",
    "可以匿名，无需注册，不收集手机号和邮箱。",
    "提交后请记下查询码，凭码查看答复、追问和评价。",
]


def svg(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2, xmldecl=False)
    return out.getvalue()


def png(url: str, scale: int = 10) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def poster(*, url: str, org_name: str, point_name: str) -> bytes:
    """An A5 page: the organization, the place, the code, three lines of instruction, the link."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    out = io.BytesIO()
    width, height = A5
    page = canvas.Canvas(out, pagesize=A5)
    page.setTitle(f"{org_name} {point_name}")
    page.setFillColorRGB(0.69, 0.09, 0.09)
    page.rect(0, height - 28 * mm, width, 28 * mm, stroke=0, fill=1)
    page.setFillColorRGB(1, 1, 1)
    page.setFont(FONT, 20)
    page.drawCentredString(width / 2, height - 14 * mm, "连心桥 · 员工心声")
    page.setFont(FONT, 12)
    page.drawCentredString(width / 2, height - 22 * mm, org_name)
    page.setFillColorRGB(0, 0, 0)
    side = 90 * mm
    page.drawImage(
        ImageReader(io.BytesIO(png(url, scale=12))), (width - side) / 2, height - 38 * mm - side, side, side
    )
    page.setFont(FONT, 14)
    page.drawCentredString(width / 2, height - 46 * mm - side, point_name)
    page.setFont(FONT, 11)
    y = height - 58 * mm - side
    for line in INSTRUCTIONS:
        page.drawCentredString(width / 2, y, line)
        y -= 7 * mm
    page.setFont("Helvetica", 8)
    page.drawCentredString(width / 2, 10 * mm, url)
    page.showPage()
    page.save()
    return out.getvalue()
