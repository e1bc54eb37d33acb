"""The demo's duty accounts."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from qixin.core.models import User
from qixin.core.periods import add_years
from qixin.demo.context import DEMO_PASSWORD, Context
from qixin.people.models import Person

from ..models import Designation, DesignationKind
from ._common import campaign_start


def _duty_accounts(ctx: Context) -> None:
    """A finance verifier and a suggestion reviewer for the demo logins."""
    root = ctx.roots[0]
    since = add_years(campaign_start(ctx), -1)  # on duty since last year's campaign
    password = make_password(DEMO_PASSWORD)
    finance_person = Person.objects.filter(department__startswith="财务").order_by("employee_no").first()
    reviewer_person = (
        Person.objects.filter(department__startswith="总装", memberships__ended_on__isnull=True)
        .exclude(user__isnull=False)
        .exclude(positions__isnull=False)
        .order_by("-employee_no")
        .first()
    )
    finance = User.objects.create(
        username="caiwu",
        first_name=finance_person.name if finance_person else "财务部",
        person=finance_person,
        password=password,
    )
    reviewer = User.objects.create(
        username="pingshen",
        first_name=reviewer_person.name if reviewer_person else "评审人",
        person=reviewer_person,
        password=password,
    )
    Designation.objects.create(
        user=finance, kind=DesignationKind.VERIFIER, organization=root, starts_on=since
    )
    Designation.objects.create(
        user=reviewer, kind=DesignationKind.REVIEWER, organization=root, starts_on=since
    )
    ctx.logins += [
        ("财务核定", "caiwu", f"{finance.first_name}，{root.name}的降本节约核定"),
        ("建议评审", "pingshen", f"{reviewer.first_name}，{root.name}的建议评审"),
    ]
