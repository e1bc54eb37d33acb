"""Photos sent with a ticket: checked by content (not by name), size-limited, and re-encoded so that
nothing but the pixels survives (EXIF with GPS position, camera serial, time, ICC and XMP blocks)."""

from __future__ import annotations

import io
import secrets
from typing import IO

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from qixin.core.errors import ApplicationError, Problem

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding
MAX_SIDE = 1600  # what a phone screen needs to read a photo of a broken machine
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def _refuse(message: str) -> ApplicationError:
    return ApplicationError("invalid_photo", "照片无法使用。", [Problem(message=message, field="照片")])


def clean_photo(upload: IO[bytes], size: int) -> ContentFile[bytes]:
    """A JPEG re-encoded from the upload's pixels, under a random name."""
    if size > MAX_BYTES:
        raise _refuse("照片不能超过 5 MB。")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _refuse("照片不能超过 5 MB。")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise _refuse("只接受 JPEG、PNG、WebP 或 GIF 格式的图片。")
            if probe.width * probe.height > MAX_PIXELS:
                raise _refuse("图片尺寸过大。")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.seek(0)
            upright = ImageOps.exif_transpose(image) or image
            pixels = upright.convert("RGB")
            pixels.thumbnail((MAX_SIDE, MAX_SIDE))
            # A fresh image holds only the pixels: no EXIF, no ICC profile, no XMP, no comments.
            clean = Image.new("RGB", pixels.size)
            clean.paste(pixels)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _refuse("文件不是有效的图片。") from None
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=82, optimize=True)
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(16)}.jpg")
