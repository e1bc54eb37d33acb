"""The app's home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from qixin.core import listing
from qixin.core.pages import AuthedRequest
from qixin.orgs import selectors as org_selectors

from .. import selectors
from ..models import Stage
from ._common import _year


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    roots = org_selectors.org_roots_for(actor=request.user)
    org = roots[0] if roots else None
    overview = selectors.overview_for(actor=request.user, org=org, period=_year())
    query = listing.search_text(request)
    results = selectors.search_all_for(actor=request.user, query=query) if query else None
    return render(
        request,
        "improve/index.html",
        {"overview": overview, "q": query, "results": results, "stages": Stage},
    )
