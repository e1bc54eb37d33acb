"""/api/v1/improve: the same services and selectors as the pages, so the same scope and messages."""

from typing import Any

from ninja import File, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from qixin.core import imports, tabular_kinds
from qixin.core.api import IMPORT_ERRORS, ImportReportOut, ObjectId, Pagination, Year, report_out
from qixin.core.errors import ApplicationError, NotFound
from qixin.core.pages import AuthedRequest
from qixin.orgs.selectors import org_from_input
from qixin.people.selectors import person_from_input

from . import selectors, services
from .models import Source
from .schemas import (
    AllianceIn,
    AllianceMemberOut,
    AllianceOut,
    AllianceUpdateIn,
    AwardOut,
    CampaignIn,
    CampaignOut,
    CampaignUpdateIn,
    CaseIn,
    CaseOut,
    CaseUpdateIn,
    ClaimIn,
    ClaimUpdateIn,
    DecideIn,
    DissolveIn,
    ImplementIn,
    LeaveIn,
    MergeIn,
    ProjectFilters,
    ProjectIn,
    ProjectOut,
    ProjectUpdateIn,
    ReasonIn,
    ReverseIn,
    SavingsOut,
    SimilarIn,
    SimilarOut,
    StageIn,
    StudioCloseIn,
    StudioIn,
    StudioOut,
    SuggestionFilters,
    SuggestionIn,
    SuggestionOut,
    UnselectIn,
    VerifyIn,
)

router = Router(tags=["降本增效与创新"])


# --- suggestions -----------------------------------------------------------------------------------


@router.get("/suggestions", response=list[SuggestionOut], summary="建议列表（可检索）")
@paginate(Pagination)
def suggestion_list(request: AuthedRequest, filters: Query[SuggestionFilters]) -> Any:
    return selectors.suggestion_search_for(
        actor=request.user,
        filters=selectors.SuggestionFilters(
            search=filters.q,
            status=filters.status,
            category=filters.category,
            mine=filters.mine,
            to_review=filters.to_review,
        ),
    )


@router.post("/suggestions", response={201: SuggestionOut}, summary="提交建议")
def suggestion_create(request: AuthedRequest, payload: SuggestionIn) -> Any:
    me = request.user.person
    if payload.organization_code or payload.submitter_employee_no or me is None:
        if not payload.organization_code:
            raise ApplicationError("org_required", "代为录入时请填写 organization_code。")
        org = org_from_input(actor=request.user, code=payload.organization_code)
        submitter = (
            person_from_input(actor=request.user, employee_no=payload.submitter_employee_no)
            if payload.submitter_employee_no
            else None
        )
    else:
        org, submitter = me.organization, me
    suggestion = services.suggestion_submit(
        actor=request.user,
        organization=org,
        submitter=submitter,
        source=Source.API,
        text=payload.text,
        title=payload.title,
        kind=payload.kind,
        category=payload.category,
        custom_category=payload.custom_category,
        department=payload.department,
        expected_benefit=payload.expected_benefit,
        external_ref=payload.external_ref,
    )
    return Status(201, suggestion)


@router.post("/suggestions/similar", response={200: list[SimilarOut]}, summary="相似建议（提交前提示）")
def suggestion_similar(request: AuthedRequest, payload: SimilarIn) -> Any:
    me = request.user.person
    org = (
        org_from_input(actor=request.user, code=payload.organization_code)
        if payload.organization_code
        else None
    )
    org = org or (me.organization if me is not None else None)
    if org is None:
        raise ApplicationError("org_required", "请填写 organization_code。")
    hints = selectors.suggestion_hints_for(actor=request.user, text=payload.text, organization=org)
    return [
        {
            "id": h.suggestion.pk,
            "number": h.suggestion.number,
            "title": h.suggestion.display_title,
            "status": h.suggestion.status,
            "score": round(h.score, 3),
            "likely": h.likely,
        }
        for h in hints
    ]


@router.get("/suggestions/{pk}", response={200: SuggestionOut}, summary="建议详情")
def suggestion_detail(request: AuthedRequest, pk: ObjectId) -> Any:
    return selectors.suggestion_get_for(actor=request.user, pk=pk)


@router.post("/suggestions/{pk}/review", response={200: SuggestionOut}, summary="开始评审")
def suggestion_review(request: AuthedRequest, pk: ObjectId) -> Any:
    suggestion = selectors.suggestion_get_for(actor=request.user, pk=pk)
    return services.suggestion_start_review(actor=request.user, suggestion=suggestion)


@router.post("/suggestions/{pk}/decide", response={200: SuggestionOut}, summary="采纳或不采纳")
def suggestion_decide(request: AuthedRequest, pk: ObjectId, payload: DecideIn) -> Any:
    suggestion = selectors.suggestion_get_for(actor=request.user, pk=pk)
    return services.suggestion_decide(
        actor=request.user, suggestion=suggestion, accept=payload.accept, reply=payload.reply
    )


@router.post("/suggestions/{pk}/implement", response={200: SuggestionOut}, summary="记录实施")
def suggestion_implement(request: AuthedRequest, pk: ObjectId, payload: ImplementIn) -> Any:
    suggestion = selectors.suggestion_get_for(actor=request.user, pk=pk)
    return services.suggestion_implement(
        actor=request.user, suggestion=suggestion, on=payload.on, note=payload.note
    )


@router.post("/suggestions/{pk}/merge", response={200: SuggestionOut}, summary="合并重复建议")
def suggestion_merge(request: AuthedRequest, pk: ObjectId, payload: MergeIn) -> Any:
    duplicate = selectors.suggestion_get_for(actor=request.user, pk=pk)
    into = selectors.suggestion_get_for(actor=request.user, pk=payload.into_id)
    return services.suggestion_merge(actor=request.user, duplicate=duplicate, into=into)


# --- projects and the ledger -------------------------------------------------------------------------


@router.get("/projects", response=list[ProjectOut], summary="项目列表（可检索）")
@paginate(Pagination)
def project_list(request: AuthedRequest, filters: Query[ProjectFilters]) -> Any:
    return selectors.project_search_for(
        actor=request.user,
        filters=selectors.ProjectFilters(
            search=filters.q, stage=filters.stage, category=filters.category, mine=filters.mine
        ),
    )


@router.post("/projects", response={201: ProjectOut}, summary="立项")
def project_create(request: AuthedRequest, payload: ProjectIn) -> Any:
    project = services.project_create(
        actor=request.user,
        organization=org_from_input(actor=request.user, code=payload.organization_code),
        title=payload.title,
        owner=person_from_input(actor=request.user, employee_no=payload.owner_employee_no),
        category=payload.category,
        custom_category=payload.custom_category,
        started_on=payload.started_on,
        savings_target=payload.savings_target,
        description=payload.description,
        alliances=[selectors.alliance_get_for(actor=request.user, code=c) for c in payload.alliance_codes],
    )
    return Status(201, project)


@router.get("/projects/{pk}", response={200: ProjectOut}, summary="项目详情")
def project_detail(request: AuthedRequest, pk: ObjectId) -> Any:
    return selectors.project_get_for(actor=request.user, pk=pk)


@router.patch("/projects/{pk}", response={200: ProjectOut}, summary="修改项目")
def project_update(request: AuthedRequest, pk: ObjectId, payload: ProjectUpdateIn) -> Any:
    project = selectors.project_get_for(actor=request.user, pk=pk)
    changes = payload.model_dump(exclude_unset=True)
    codes = changes.pop("alliance_codes", None)
    if codes is not None:
        changes["alliances"] = selectors.project_alliances_from_input(
            actor=request.user, project=project, codes=codes
        )
    return services.project_update(actor=request.user, project=project, **changes)


@router.post("/projects/{pk}/stage", response={200: ProjectOut}, summary="变更项目阶段")
def project_stage(request: AuthedRequest, pk: ObjectId, payload: StageIn) -> Any:
    project = selectors.project_get_for(actor=request.user, pk=pk)
    return services.project_move(
        actor=request.user, project=project, to_stage=payload.to_stage, on=payload.on, note=payload.note
    )


@router.get("/projects/{pk}/savings", response={200: list[SavingsOut]}, summary="项目节约台账")
def project_savings(request: AuthedRequest, pk: ObjectId) -> Any:
    project = selectors.project_get_for(actor=request.user, pk=pk)
    return selectors.ledger_of(project).entries


@router.post("/projects/{pk}/savings", response={201: SavingsOut}, summary="申报节约")
def savings_claim(request: AuthedRequest, pk: ObjectId, payload: ClaimIn) -> Any:
    project = selectors.project_get_for(actor=request.user, pk=pk)
    entry = services.savings_claim(
        actor=request.user,
        project=project,
        amount=payload.amount,
        occurred_on=payload.occurred_on,
        description=payload.description,
        evidence=payload.evidence,
    )
    return Status(201, entry)


@router.patch("/savings/{pk}", response={200: SavingsOut}, summary="修改待核定的节约申报")
def savings_claim_update(request: AuthedRequest, pk: ObjectId, payload: ClaimUpdateIn) -> Any:
    entry = selectors.savings_entry_get_for(actor=request.user, pk=pk)
    return services.savings_claim_update(
        actor=request.user, entry=entry, **payload.model_dump(exclude_unset=True)
    )


@router.post("/savings/{pk}/verify", response={200: SavingsOut}, summary="财务核定")
def savings_verify(request: AuthedRequest, pk: ObjectId, payload: VerifyIn) -> Any:
    entry = selectors.savings_entry_get_for(actor=request.user, pk=pk)
    return services.savings_verify(
        actor=request.user, entry=entry, verified_on=payload.verified_on, note=payload.note
    )


@router.post("/savings/{pk}/reject", response={200: SavingsOut}, summary="核定不通过")
def savings_reject(request: AuthedRequest, pk: ObjectId, payload: ReasonIn) -> Any:
    entry = selectors.savings_entry_get_for(actor=request.user, pk=pk)
    return services.savings_reject(actor=request.user, entry=entry, reason=payload.reason)


@router.post("/savings/{pk}/reverse", response={201: SavingsOut}, summary="冲销已核定记录")
def savings_reverse(request: AuthedRequest, pk: ObjectId, payload: ReverseIn) -> Any:
    entry = selectors.savings_entry_get_for(actor=request.user, pk=pk)
    return Status(
        201, services.savings_reverse(actor=request.user, entry=entry, on=payload.on, reason=payload.reason)
    )


# --- alliances, campaigns, studios, cases, awards -------------------------------------------------------


@router.get("/alliances", response=list[AllianceOut], summary="降本联盟")
@paginate(Pagination)
def alliance_list(request: AuthedRequest, q: str = "") -> Any:
    return selectors.alliance_search_for(actor=request.user, search_text=q[:100])


@router.get("/campaigns", response=list[CampaignOut], summary="降本活动")
@paginate(Pagination)
def campaign_list(request: AuthedRequest) -> Any:
    return selectors.campaign_list_for(actor=request.user)


@router.get("/studios", response=list[StudioOut], summary="创新工作室")
@paginate(Pagination)
def studio_list(request: AuthedRequest, q: str = "") -> Any:
    return selectors.studio_search_for(actor=request.user, search_text=q[:100])


@router.get("/cases", response=list[CaseOut], summary="改善案例（可检索）")
@paginate(Pagination)
def case_list(request: AuthedRequest, q: str = "", year: Year | None = None, excellent: bool = False) -> Any:
    return selectors.case_search_for(actor=request.user, search_text=q[:200], year=year, excellent=excellent)


@router.get("/awards", response=list[AwardOut], summary="获奖成果")
@paginate(Pagination)
def award_list(request: AuthedRequest) -> Any:
    return selectors.award_list_for(actor=request.user)


@router.post("/alliances", response={201: AllianceOut}, summary="组建降本联盟")
def alliance_create(request: AuthedRequest, payload: AllianceIn) -> Any:
    alliance = services.alliance_create(
        actor=request.user,
        name=payload.name,
        lead_branch=org_from_input(actor=request.user, code=payload.lead_branch_code),
        branches=[org_from_input(actor=request.user, code=code) for code in payload.branch_codes],
        leader=person_from_input(actor=request.user, employee_no=payload.leader_employee_no),
        members=[person_from_input(actor=request.user, employee_no=no) for no in payload.member_employee_nos],
        founded_on=payload.founded_on,
        goal=payload.goal,
    )
    return Status(201, alliance)


@router.post("/campaigns", response={201: CampaignOut}, summary="发起降本活动")
def campaign_create(request: AuthedRequest, payload: CampaignIn) -> Any:
    campaign = services.campaign_create(
        actor=request.user,
        organization=org_from_input(actor=request.user, code=payload.organization_code),
        name=payload.name,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        savings_target=payload.savings_target,
        participants=[org_from_input(actor=request.user, code=code) for code in payload.participant_codes],
        description=payload.description,
    )
    return Status(201, campaign)


@router.patch("/alliances/{pk}", response={200: AllianceOut}, summary="修改降本联盟")
def alliance_update(request: AuthedRequest, pk: ObjectId, payload: AllianceUpdateIn) -> Any:
    alliance = selectors.alliance_get_for(actor=request.user, pk=pk)
    changes = payload.model_dump(exclude_unset=True)
    employee_no = changes.pop("leader_employee_no", None)
    if employee_no is not None:
        changes["leader"] = selectors.alliance_person_from_input(
            actor=request.user, alliance=alliance, employee_no=employee_no
        )
    codes = changes.pop("branch_codes", None)
    if codes is not None:
        changes["branches"] = selectors.alliance_branches_from_input(
            actor=request.user, alliance=alliance, codes=codes
        )
    return services.alliance_update(actor=request.user, alliance=alliance, **changes)


@router.patch("/campaigns/{pk}", response={200: CampaignOut}, summary="修改降本活动")
def campaign_update(request: AuthedRequest, pk: ObjectId, payload: CampaignUpdateIn) -> Any:
    campaign = selectors.campaign_get_for(actor=request.user, pk=pk)
    changes = payload.model_dump(exclude_unset=True)
    codes = changes.pop("participant_codes", None)
    if codes is not None:
        changes["participants"] = [org_from_input(actor=request.user, code=code) for code in codes]
    return services.campaign_update(actor=request.user, campaign=campaign, **changes)


@router.post(
    "/alliances/{pk}/members/{employee_no}/leave",
    response={200: AllianceMemberOut},
    summary="成员退出降本联盟",
)
def alliance_member_remove(request: AuthedRequest, pk: ObjectId, employee_no: str, payload: LeaveIn) -> Any:
    alliance = selectors.alliance_get_for(actor=request.user, pk=pk)
    return services.alliance_member_remove(
        actor=request.user,
        alliance=alliance,
        person=selectors.alliance_person_from_input(
            actor=request.user, alliance=alliance, employee_no=employee_no
        ),
        left_on=payload.left_on,
    )


@router.post("/alliances/{pk}/dissolve", response={200: AllianceOut}, summary="解散降本联盟")
def alliance_dissolve(request: AuthedRequest, pk: ObjectId, payload: DissolveIn) -> Any:
    alliance = selectors.alliance_get_for(actor=request.user, pk=pk)
    return services.alliance_dissolve(actor=request.user, alliance=alliance, on=payload.on)


@router.post("/studios", response={201: StudioOut}, summary="成立工作室")
def studio_create(request: AuthedRequest, payload: StudioIn) -> Any:
    studio = services.studio_create(
        actor=request.user,
        organization=org_from_input(actor=request.user, code=payload.organization_code),
        name=payload.name,
        kind=payload.kind,
        leader=person_from_input(actor=request.user, employee_no=payload.leader_employee_no),
        members=[person_from_input(actor=request.user, employee_no=no) for no in payload.member_employee_nos],
        founded_on=payload.founded_on,
        focus=payload.focus,
    )
    return Status(201, selectors.studio_search_for(actor=request.user).get(pk=studio.pk))


@router.post("/studios/{pk}/close", response={200: StudioOut}, summary="撤销工作室")
def studio_close(request: AuthedRequest, pk: ObjectId, payload: StudioCloseIn) -> Any:
    studio = selectors.studio_get_for(actor=request.user, pk=pk)
    services.studio_close(actor=request.user, studio=studio, on=payload.on)
    return selectors.studio_search_for(actor=request.user).get(pk=studio.pk)


@router.patch("/cases/{pk}", response={200: CaseOut}, summary="修改改善案例")
def case_update(request: AuthedRequest, pk: ObjectId, payload: CaseUpdateIn) -> Any:
    case = selectors.case_get_for(actor=request.user, pk=pk)
    return services.case_update(actor=request.user, case=case, **payload.model_dump(exclude_unset=True))


@router.post("/cases/{pk}/unselect", response={200: CaseOut}, summary="撤销优秀改善案例评选")
def excellent_unselect(request: AuthedRequest, pk: ObjectId, payload: UnselectIn) -> Any:
    case = selectors.case_get_for(actor=request.user, pk=pk)  # a case out of reach is a 404 first
    selection = selectors.excellent_selection_get_for(
        actor=request.user,
        case_pk=case.pk,
        organization=org_from_input(actor=request.user, code=payload.organization_code),
    )
    services.excellent_unselect(actor=request.user, selection=selection, reason=payload.reason)
    return selection.case


@router.post("/cases", response={201: CaseOut}, summary="记录改善案例")
def case_create(request: AuthedRequest, payload: CaseIn) -> Any:
    case = services.case_create(
        actor=request.user,
        organization=org_from_input(actor=request.user, code=payload.organization_code),
        title=payload.title,
        lead=person_from_input(actor=request.user, employee_no=payload.lead_employee_no),
        category=payload.category,
        custom_category=payload.custom_category,
        year=payload.year,
        completed_on=payload.completed_on,
        before=payload.before,
        after=payload.after,
        savings=payload.savings,
    )
    return Status(201, case)


# --- imports ------------------------------------------------------------------------------------------


@router.post(
    "/import/{kind}", response={200: ImportReportOut, **IMPORT_ERRORS}, summary="导入（xlsx 或 csv）"
)
def import_file(request: AuthedRequest, kind: str, file: File[UploadedFile], dry_run: bool = False) -> Any:
    if not kind.startswith("improve_"):
        raise NotFound()
    report = tabular_kinds.get(kind).run(
        actor=request.user,
        data=imports.upload_bytes(file),
        filename=file.name or "upload.xlsx",
        dry_run=dry_run,
    )
    return report_out(report)
