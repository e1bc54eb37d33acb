"""The part of the refusal matrix of tests/test_page_actions.py for 降本创新: its page actions, who may
take each of them, and the records they act on (built through the services on the world there:
the committee R with its branches R-1 and R-2, the secretary S1, the members M1 and M2 of R-1).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from qixin.core.models import User
from qixin.core.services import system_user
from qixin.improve import services
from qixin.improve.models import DesignationKind, Stage


def day_started() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=30)


STAFF_REFUSED = ("member", "employee", "other_secretary")
ORIGINAL = "总装车间空压机在夜班空载运行，建议加装变频控制并按班次自动启停，预计每年节电三十万度。"
NEAR_COPY = "总装车间的空压机夜班空载运行，建议加装变频控制，按班次自动启停，每年可节电三十万度。"


def records(world: dict[str, Any]) -> dict[str, Any]:
    admin = system_user()
    root, b1 = world["root"], world["b1"]
    m2 = world["records"]["m2"]
    project = services.project_create(
        actor=admin,
        organization=b1,
        title="空压机加装变频控制",
        owner=m2,
        category="能耗",
        started_on=day_started(),
        savings_target=Decimal("300000"),
    )
    project = services.project_move(
        actor=admin, project=project, to_stage=Stage.IMPLEMENTING, on=day_started()
    )

    def claim(description: str) -> Any:
        return services.savings_claim(
            actor=admin,
            project=project,
            amount=Decimal("1000"),
            occurred_on=day_started(),
            description=description,
        )

    finance = User.objects.get(pk=world["users"]["admin"].pk)  # an administrator verifies savings
    verified = services.savings_verify(
        actor=finance, entry=claim("节电"), verified_on=timezone.localdate(), note="凭证 001"
    )
    suggestion = services.suggestion_submit(actor=admin, organization=b1, submitter=m2, text=ORIGINAL)
    copy = services.suggestion_submit(actor=admin, organization=b1, text=NEAR_COPY)
    accepted = services.suggestion_submit(actor=admin, organization=b1, text="焊装车间照明改为分区感应控制。")
    services.suggestion_start_review(actor=admin, suggestion=accepted)
    services.suggestion_decide(actor=admin, suggestion=accepted, accept=True, reply="采纳")
    studio = services.studio_create(
        actor=admin, organization=b1, name="变频创新工作室", leader=m2, founded_on=day_started()
    )
    case = services.case_create(
        actor=admin,
        organization=b1,
        title="空压机变频改造",
        lead=m2,
        category="能耗",
        year=day_started().year,
        completed_on=day_started(),
        before="空载运行",
        after="按需启停",
    )
    return {
        "improve_project": project,
        "improve_claim": claim("节水"),
        "improve_verified": verified,
        "improve_suggestion": suggestion,
        "improve_copy": copy,
        "improve_accepted": accepted,
        "improve_duplicate": copy.duplicate_candidates.order_by("pk").first(),
        "improve_alliance": services.alliance_create(
            actor=admin, name="节能降耗联盟", lead_branch=b1, leader=m2, founded_on=day_started()
        ),
        "improve_studio": studio,
        "improve_case": case,
        "improve_designation": services.designation_grant(
            actor=admin,
            user=world["users"]["worker"],
            kind=DesignationKind.REVIEWER,
            organization=root,
            starts_on=day_started(),
        ),
    }


# url name: (the record its pk names, who may not take it, values that pass its form)
ACTIONS: dict[str, tuple[str, tuple[str, ...], dict[str, str]]] = {
    "improve:alliance_member_add": (
        "improve_alliance",
        STAFF_REFUSED,
        {"employee_no": "M1", "joined_on": str(timezone.localdate())},
    ),
    "improve:case_rate": ("improve_case", STAFF_REFUSED, {"rating": "4"}),
    "improve:case_select": (
        "improve_case",
        STAFF_REFUSED,
        {"org_code": "R", "on": str(timezone.localdate())},
    ),
    "improve:designation_end": ("improve_designation", STAFF_REFUSED, {"ends_on": str(timezone.localdate())}),
    "improve:duplicate_dismiss": ("improve_duplicate", STAFF_REFUSED, {}),
    "improve:project_move": (
        "improve_project",
        STAFF_REFUSED,
        {"to_stage": "验收", "on": str(timezone.localdate())},
    ),
    "improve:project_team": ("improve_project", STAFF_REFUSED, {"members": "M2 负责人"}),
    "improve:savings_claim": (
        "improve_project",
        STAFF_REFUSED,
        {"amount": "100", "occurred_on": str(timezone.localdate()), "description": "节电"},
    ),
    "improve:savings_verify": (
        "improve_claim",
        (*STAFF_REFUSED, "secretary"),
        {"verified_on": str(timezone.localdate()), "note": "凭证 002"},
    ),
    "improve:savings_reject": ("improve_claim", (*STAFF_REFUSED, "secretary"), {"reason": "依据不足"}),
    "improve:savings_reverse": (
        "improve_verified",
        (*STAFF_REFUSED, "secretary"),
        {"on": str(timezone.localdate()), "reason": "重复申报"},
    ),
    "improve:savings_withdraw": ("improve_claim", STAFF_REFUSED, {}),
    "improve:studio_members": ("improve_studio", STAFF_REFUSED, {"leader_no": "M2", "member_nos": "M1"}),
    "improve:suggestion_review": ("improve_suggestion", STAFF_REFUSED, {}),
    "improve:suggestion_decide": ("improve_accepted", STAFF_REFUSED, {"accept": "1", "reply": "采纳"}),
    "improve:suggestion_implement": ("improve_accepted", STAFF_REFUSED, {"on": str(timezone.localdate())}),
    "improve:suggestion_convert": (
        "improve_accepted",
        STAFF_REFUSED,
        {
            "title": "照明改造",
            "owner_no": "M2",
            "started_on": str(timezone.localdate()),
            "savings_target": "1000",
        },
    ),
    "improve:suggestion_merge": ("improve_copy", STAFF_REFUSED, {"into": "@improve_suggestion"}),
}
# Who may take each action when it is not the administrator (the fuzz posts as this user).
ALLOWED: dict[str, str] = {}
