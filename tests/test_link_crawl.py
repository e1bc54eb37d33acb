"""Every link a demo user is shown leads somewhere: as each demo role, follow the links from the home
page (bounded: a few addresses per view and argument shape) and fail on any 404 or 500.

A page shows a link only when its reader may open it, asking the same predicate as the page it
leads to; a link to what the reader may not see is a broken promise ("未找到该记录"). On the way,
every page is read for English dates and times ("Dec. 3, 2026", "p.m.") inside its Chinese text."""

from __future__ import annotations

import random
import re
from collections import deque
from datetime import date
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve
from faker import Faker

from qixin.core.models import User
from qixin.demo import seed as demo
from qixin.demo.context import Context

# The day these tests' figures were drawn for (the demo is dated from the day it is loaded).
DEMO_DAY = date(2026, 11, 1)

pytestmark = pytest.mark.django_db

HREF = re.compile(r"""\bhref="([^"#]*)""")
# Not pages: files, the way out, the browser's own assets.
SKIP_PREFIXES = ("/static/", "/media/", "/logout", "/accounts/logout", "/api/")
SKIP_SUFFIXES = (".xlsx", ".csv", ".docx", ".pdf", ".png", ".jpg", ".svg", ".ico", ".js", ".css")
PER_SHAPE = 2  # addresses visited per (view, non-numeric arguments, query keys)
# Django's English date words, as they appear when a date is formatted outside the Chinese locale.
ENGLISH_DATE = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec)\.? \d{1,2}\b"
    r"|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|midnight|noon)\b|\b[ap]\.m\."
)
TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)
MAX_PAGES = 400  # per role: the crawl ends by exhaustion well before; a bound, not a target


def _seeded() -> list[tuple[str, str, str]]:
    fake = Faker("zh_CN")
    fake.seed_instance(1)
    ctx = Context(
        rng=random.Random(1), fake=fake, scale=demo.SCALES["small"], today=DEMO_DAY, log=lambda _: None
    )
    for step in demo.steps():
        step(ctx)
    return ctx.logins


def _normalized(address: str) -> str | None:
    parts = urlsplit(unescape(address))
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(SKIP_PREFIXES) or parts.path.endswith(SKIP_SUFFIXES):
        return None
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    return parts.path + (f"?{urlencode(query)}" if query else "")


def _shape(address: str) -> tuple[str, ...] | None:
    parts = urlsplit(address)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return ("unresolved", parts.path)
    args = [str(a) for a in (*match.args, *match.kwargs.values()) if not str(a).isdigit()]
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return (match.view_name, *args, "?", *keys)


def crawl(
    client: Client, english: list[tuple[str, str]] | None = None
) -> tuple[list[tuple[str, str, int]], int]:
    """(page linked from, address, status) of every broken link; and how many pages were opened.
    English date words found on a page are added to `english` as (address, words)."""
    seen: set[str] = {"/"}
    shapes: dict[tuple[str, ...] | None, int] = {}
    queue: deque[tuple[str, str]] = deque([("", "/")])
    broken: list[tuple[str, str, int]] = []
    opened = 0
    while queue and opened < MAX_PAGES:
        source, address = queue.popleft()
        response = client.get(address)
        opened += 1
        if response.status_code == 404 or response.status_code >= 500:
            broken.append((source, address, response.status_code))
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if english is not None:
            english += [(address, m.group(0)) for m in ENGLISH_DATE.finditer(unescape(TAGS.sub(" ", html)))]
        for href in HREF.findall(html):
            target = _normalized(href)
            if target is None or target in seen:
                continue
            seen.add(target)
            shape = _shape(target)
            if shapes.get(shape, 0) >= PER_SHAPE:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            queue.append((address, target))
    return broken, opened


def test_no_link_shown_to_any_demo_role_leads_to_a_404_or_a_500():
    logins = _seeded()
    assert {role for role, *_ in logins} >= {"系统管理员", "党务工作者", "支部书记", "党员", "员工"}
    failures = {}
    english: list[tuple[str, str]] = []
    for role, username, _who in logins:
        client = Client()
        client.force_login(User.objects.get(username=username))
        broken, opened = crawl(client, english)
        assert opened > 10, (role, opened)  # the crawl went somewhere
        assert opened < MAX_PAGES, (role, "the crawl hit its bound: raise it or narrow PER_SHAPE")
        if broken:
            failures[role] = broken
    assert not failures, "\n".join(
        f"{role}: {address} ({status}) linked from {source}"
        for role, rows in failures.items()
        for source, address, status in rows
    )
    assert not english, "English dates in Chinese pages: " + "; ".join(f"{a}: {w}" for a, w in english[:20])
