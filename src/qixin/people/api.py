"""/api/v1/people: the same services and selectors as the pages, so the same scope and messages."""

from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from qixin.core import imports
from qixin.core.api import IMPORT_ERRORS, ImportReportOut, ObjectId, Pagination, report_out
from qixin.core.pages import AuthedRequest
from qixin.core.text import mask_address, mask_id_number, mask_phone
from qixin.orgs import selectors as org_selectors

from . import importers, selectors, services
from .models import Membership, Person
from .schemas import (
    AdmitIn,
    CancelProbationIn,
    ConfirmFullIn,
    EndMembershipIn,
    ExtendProbationIn,
    PersonCreateIn,
    PersonDetailOut,
    PersonFiltersIn,
    PersonLeaveIn,
    PersonOut,
    PersonUpdateIn,
    SensitiveOut,
    StandingIn,
    TransferIn,
)

router = Router(tags=["人员"])


def _row(person: Person, membership: Membership | None) -> dict[str, Any]:
    return {
        **{
            f: getattr(person, f)
            for f in (
                "id",
                "employee_no",
                "name",
                "gender",
                "birth_date",
                "ethnicity",
                "education",
                "department",
                "job",
                "employment_status",
            )
        },
        "organization_code": person.organization.code,
        "organization_name": person.organization.name,
        "category": membership.category if membership else "群众",
        "branch_code": membership.branch.code if membership else None,
        "phone": mask_phone(person.phone),
        "id_number": mask_id_number(person.id_number),
    }


def _filters(request: AuthedRequest, filters: PersonFiltersIn) -> selectors.PersonFilters:
    org = org_selectors.org_get_for(actor=request.user, code=filters.org) if filters.org else None
    return selectors.PersonFilters(
        search=filters.q,
        org=org,
        category=filters.category,
        education=filters.education or "",
        age_min=filters.age_min,
        age_max=filters.age_max,
        status=filters.status or "",
    )


class PersonPagination(Pagination):
    """Rows are shaped after the page is cut, so the membership prefetch covers only that page."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        result = super().paginate_queryset(queryset, pagination, request, **params)
        result["items"] = [_row(p, next(iter(p.current_memberships), None)) for p in result["items"]]
        return result


@router.get(
    "/",
    response={200: list[PersonOut]},
    summary="人员列表（姓名、工号、拼音首字母搜索；按组织、类别、学历、年龄筛选）",
)
@paginate(PersonPagination)
def person_list(request: AuthedRequest, filters: Query[PersonFiltersIn]) -> Any:
    return selectors.person_search_for(actor=request.user, filters=_filters(request, filters))


def _detail(request: AuthedRequest, pk: int) -> dict[str, Any]:
    page = selectors.person_page_for(actor=request.user, pk=pk)
    person, membership = page.person, page.membership
    return {
        **_row(person, membership),
        "hired_on": person.hired_on,
        "left_on": person.left_on,
        "address": mask_address(person.address),
        "membership": None
        if membership is None
        else {
            "category": membership.category,
            "joined_on": membership.joined_on,
            "full_on": membership.full_on,
            "branch_code": membership.branch.code,
            "party_group_code": membership.party_group.code if membership.party_group else None,
            "standing": membership.standing,
            "probation_due": page.probation_due,
            "probation_extended_until": membership.probation_extended_until,
            "probation_extension_decided_on": membership.probation_extension_decided_on,
            "probation_extension_approved_on": membership.probation_extension_approved_on,
            "probation_extension_reason": membership.probation_extension_reason,
            "party_age": membership.party_age(),
            "lost_contact_since": membership.lost_contact_since,
            "floating_to": membership.floating_to,
        },
        "transfers": [
            {
                "transferred_on": t.transferred_on,
                "from_branch": t.from_branch.code,
                "to_branch": t.to_branch.code,
                "reason": t.reason,
            }
            for t in page.transfers
        ],
    }


@router.get("/{int:pk}", response={200: PersonDetailOut}, summary="人员详情（敏感信息脱敏）")
def person_detail(request: AuthedRequest, pk: ObjectId) -> Any:
    return _detail(request, pk)


@router.get("/{int:pk}/sensitive", response={200: SensitiveOut}, summary="查看敏感信息（记入审计日志）")
def person_sensitive(request: AuthedRequest, pk: ObjectId) -> Any:
    values = selectors.person_sensitive_for(actor=request.user, pk=pk)
    return {"id_number": values["公民身份号码"], "phone": values["联系电话"], "address": values["家庭住址"]}


@router.post("/", response={201: PersonDetailOut}, summary="登记人员（可同时登记党员信息）")
def person_create(request: AuthedRequest, payload: PersonCreateIn) -> Any:
    org = org_selectors.org_get_for(actor=request.user, code=payload.org_code)
    values = payload.dict(exclude={"org_code", "category", "joined_on", "full_on"})
    values = {k: ("" if v is None and k in ("education",) else v) for k, v in values.items()}
    if payload.category:
        values |= {
            "category": payload.category,
            "joined_on": payload.joined_on,
            "full_on": payload.full_on,
            "branch": org,
        }
    person = services.person_create(actor=request.user, organization=org, values=values)
    return Status(201, _detail(request, person.pk))


@router.patch("/{int:pk}", response={200: PersonDetailOut}, summary="修改人员信息")
def person_update(request: AuthedRequest, pk: ObjectId, payload: PersonUpdateIn) -> Any:
    person = selectors.person_get_for(actor=request.user, pk=pk)
    values = payload.dict(exclude_unset=True)
    if "education" in values and values["education"] is None:
        values["education"] = ""
    services.person_update(actor=request.user, person=person, values=values)
    return _detail(request, pk)


@router.post("/{int:pk}/transfer", response={200: PersonDetailOut}, summary="组织关系转接")
def person_transfer(request: AuthedRequest, pk: ObjectId, payload: TransferIn) -> Any:
    membership = selectors.membership_current_for(actor=request.user, person_pk=pk)
    target = org_selectors.org_get_for(actor=request.user, code=payload.target_code)
    services.membership_transfer(
        actor=request.user, membership=membership, target=target, on=payload.on, reason=payload.reason
    )
    return _detail(request, pk)


@router.post("/{int:pk}/admit", response={200: PersonDetailOut}, summary="登记党员信息（接收预备党员或转入）")
def person_admit(request: AuthedRequest, pk: ObjectId, payload: AdmitIn) -> Any:
    person = selectors.person_get_for(actor=request.user, pk=pk)
    branch = org_selectors.org_get_for(actor=request.user, code=payload.branch_code)
    values = payload.dict(exclude={"branch_code"}) | {"branch": branch}
    services.membership_admit(actor=request.user, person=person, values=values)
    return _detail(request, pk)


@router.post("/{int:pk}/confirm-full", response={200: PersonDetailOut}, summary="预备党员转正")
def person_confirm_full(request: AuthedRequest, pk: ObjectId, payload: ConfirmFullIn) -> Any:
    membership = selectors.membership_current_for(actor=request.user, person_pk=pk)
    services.membership_confirm_full(actor=request.user, membership=membership, full_on=payload.full_on)
    return _detail(request, pk)


@router.post("/{int:pk}/extend-probation", response={200: PersonDetailOut}, summary="延长预备期（只能一次）")
def person_extend_probation(request: AuthedRequest, pk: ObjectId, payload: ExtendProbationIn) -> Any:
    membership = selectors.membership_current_for(actor=request.user, person_pk=pk)
    services.membership_extend_probation(
        actor=request.user,
        membership=membership,
        months=payload.months,
        decided_on=payload.decided_on,
        approved_on=payload.approved_on,
        reason=payload.reason,
    )
    return _detail(request, pk)


@router.post(
    "/{int:pk}/cancel-probation",
    response={200: PersonDetailOut},
    summary="取消预备党员资格（终止组织关系，保留历史）",
)
def person_cancel_probation(request: AuthedRequest, pk: ObjectId, payload: CancelProbationIn) -> Any:
    membership = selectors.membership_current_for(actor=request.user, person_pk=pk)
    services.membership_cancel_probation(
        actor=request.user,
        membership=membership,
        decided_on=payload.decided_on,
        approved_on=payload.approved_on,
        reason=payload.reason,
    )
    return _detail(request, pk)


@router.post("/{int:pk}/leave", response={200: PersonDetailOut}, summary="离职或退休")
def person_leave(request: AuthedRequest, pk: ObjectId, payload: PersonLeaveIn) -> Any:
    person = selectors.person_get_for(actor=request.user, pk=pk)
    services.person_leave(actor=request.user, person=person, on=payload.on, status=payload.status)
    return _detail(request, pk)


@router.post("/{int:pk}/end-membership", response={200: PersonDetailOut}, summary="终止组织关系（保留历史）")
def person_end_membership(request: AuthedRequest, pk: ObjectId, payload: EndMembershipIn) -> Any:
    membership = selectors.membership_current_for(actor=request.user, person_pk=pk)
    services.membership_end(actor=request.user, membership=membership, on=payload.on, reason=payload.reason)
    return _detail(request, pk)


@router.post("/{int:pk}/standing", response={200: PersonDetailOut}, summary="党籍状态、失联与流动")
def person_standing(request: AuthedRequest, pk: ObjectId, payload: StandingIn) -> Any:
    membership = selectors.membership_current_for(actor=request.user, person_pk=pk)
    values = payload.dict(exclude_unset=True)
    services.membership_set_standing(actor=request.user, membership=membership, values=values)
    return _detail(request, pk)


@router.post(
    "/import", response={200: ImportReportOut, **IMPORT_ERRORS}, summary="导入人员花名册（xlsx 或 csv）"
)
def person_import(request: AuthedRequest, file: File[UploadedFile], dry_run: bool = False) -> Any:
    report = importers.import_roster(
        actor=request.user,
        data=imports.upload_bytes(file),
        filename=file.name or "upload.xlsx",
        dry_run=dry_run,
    )
    return report_out(report)
