"""/api/v1/mobilize: the same services and selectors as the pages."""

from typing import Any

from ninja import File, Router, Status, UploadedFile
from ninja.pagination import paginate

from qixin.brand.schemas import DeedOut
from qixin.core import imports
from qixin.core.api import IMPORT_ERRORS, ImportReportOut, ObjectId, Pagination, report_out
from qixin.core.pages import AuthedRequest
from qixin.orgs.selectors import org_from_input
from qixin.people.selectors import person_from_input

from . import importers, selectors, services
from .schemas import (
    AssignmentOut,
    DeploymentIn,
    DeploymentOut,
    MissionAssignIn,
    MissionIn,
    MissionOut,
    MissionTeamIn,
    MobilizeMissionUpdateIn,
    MobilizeTeamOut,
    MobilizeTeamUpdateIn,
    MobilizeUnassignIn,
    PartDeedIn,
    ServiceIn,
    ServiceOut,
    StatusIn,
    TeamIn,
    TeamMemberIn,
    TeamMemberOut,
)

router = Router(tags=["党员突击队与专项攻坚"])


@router.get("/teams", response=list[MobilizeTeamOut], summary="队伍列表")
@paginate(Pagination)
def team_list(request: AuthedRequest, kind: str = "", q: str = "") -> Any:
    return selectors.team_list_for(actor=request.user, kind=kind, search=q)


@router.post("/teams", response={201: MobilizeTeamOut}, summary="组建队伍")
def team_create(request: AuthedRequest, payload: TeamIn) -> Any:
    org = org_from_input(actor=request.user, code=payload.org_code)
    leader = (
        person_from_input(actor=request.user, employee_no=payload.leader_employee_no)
        if payload.leader_employee_no
        else None
    )
    team = services.team_create(
        actor=request.user,
        organization=org,
        name=payload.name,
        kind=payload.kind,
        custom_kind=payload.custom_kind,
        leader=leader,
        formed_on=payload.formed_on,
        description=payload.description,
    )
    return Status(201, team)


@router.patch("/teams/{int:pk}", response={200: MobilizeTeamOut}, summary="修改队伍")
def team_update(request: AuthedRequest, pk: ObjectId, payload: MobilizeTeamUpdateIn) -> Any:
    team = selectors.team_get_for(actor=request.user, pk=pk)
    changes = payload.model_dump(exclude_unset=True, exclude_none=True)
    if "leader_employee_no" in changes:
        number = changes.pop("leader_employee_no").strip()
        changes["leader"] = person_from_input(actor=request.user, employee_no=number) if number else None
    return services.team_update(actor=request.user, team=team, **changes)


@router.get("/teams/{pk}/members", response={200: list[TeamMemberOut]}, summary="队员")
def team_members(request: AuthedRequest, pk: ObjectId) -> Any:
    team = selectors.team_get_for(actor=request.user, pk=pk)
    return list(selectors.team_members_for(actor=request.user, team=team))


@router.post("/teams/{pk}/members", response={201: TeamMemberOut}, summary="添加队员")
def team_member_add(request: AuthedRequest, pk: ObjectId, payload: TeamMemberIn) -> Any:
    team = selectors.team_get_for(actor=request.user, pk=pk)
    person = person_from_input(actor=request.user, employee_no=payload.employee_no)
    return Status(
        201,
        services.team_member_add(actor=request.user, team=team, person=person, joined_on=payload.joined_on),
    )


@router.post("/teams/import", response={200: ImportReportOut, **IMPORT_ERRORS}, summary="导入队伍与队员")
def team_import(request: AuthedRequest, file: File[UploadedFile], dry_run: bool = False) -> Any:
    report = importers.import_team_members(
        actor=request.user,
        data=imports.upload_bytes(file),
        filename=file.name or "upload.xlsx",
        dry_run=dry_run,
    )
    return report_out(report)


@router.get("/missions", response=list[MissionOut], summary="专项任务列表")
@paginate(Pagination)
def mission_list(request: AuthedRequest, kind: str = "", status: str = "") -> Any:
    return selectors.mission_list_for(actor=request.user, kind=kind, status=status)


@router.post("/missions", response={201: MissionOut}, summary="发起专项任务")
def mission_create(request: AuthedRequest, payload: MissionIn) -> Any:
    org = org_from_input(actor=request.user, code=payload.org_code)
    mission = services.mission_create(
        actor=request.user,
        organization=org,
        name=payload.name,
        kind=payload.kind,
        goal=payload.goal,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
    )
    return Status(201, mission)


@router.get("/missions/{pk}", response={200: MissionOut}, summary="专项任务详情")
def mission_detail(request: AuthedRequest, pk: ObjectId) -> Any:
    return selectors.mission_get_for(actor=request.user, pk=pk)


@router.patch("/missions/{pk}", response={200: MissionOut}, summary="修改专项任务")
def mission_update(request: AuthedRequest, pk: ObjectId, payload: MobilizeMissionUpdateIn) -> Any:
    mission = selectors.mission_get_for(actor=request.user, pk=pk)
    return services.mission_update(
        actor=request.user, mission=mission, **payload.model_dump(exclude_unset=True)
    )


@router.post("/missions/{pk}/teams", response={200: MissionOut}, summary="队伍参与任务")
def mission_add_team(request: AuthedRequest, pk: ObjectId, payload: MissionTeamIn) -> Any:
    mission = selectors.mission_get_for(actor=request.user, pk=pk)
    team = selectors.team_get_for(actor=request.user, pk=payload.team_id)
    return services.mission_add_team(actor=request.user, mission=mission, team=team)


@router.get("/missions/{pk}/assignments", response={200: list[AssignmentOut]}, summary="任务人员与分工")
def mission_assignments(request: AuthedRequest, pk: ObjectId) -> Any:
    return selectors.mission_page_for(actor=request.user, pk=pk).assignments


@router.post("/missions/{pk}/assignments", response={201: AssignmentOut}, summary="人员加入任务")
def mission_assign(request: AuthedRequest, pk: ObjectId, payload: MissionAssignIn) -> Any:
    mission = selectors.mission_get_for(actor=request.user, pk=pk)
    person = person_from_input(actor=request.user, employee_no=payload.employee_no)
    team = selectors.team_get_for(actor=request.user, pk=payload.team_id) if payload.team_id else None
    return Status(
        201,
        services.mission_assign(
            actor=request.user, mission=mission, person=person, part=payload.part, team=team
        ),
    )


@router.post("/missions/{pk}/status", response={200: MissionOut}, summary="更新任务状态")
def mission_status(request: AuthedRequest, pk: ObjectId, payload: StatusIn) -> Any:
    mission = selectors.mission_get_for(actor=request.user, pk=pk)
    return services.mission_set_status(
        actor=request.user, mission=mission, status=payload.status, outcome=payload.outcome, on=payload.on
    )


@router.post("/assignments/{pk}/deed", response={201: DeedOut}, summary="将任务分工记为党员事迹")
def assignment_deed(request: AuthedRequest, pk: ObjectId, payload: PartDeedIn) -> Any:
    assignment = selectors.assignment_get_for(actor=request.user, pk=pk)
    return Status(
        201,
        services.assignment_to_deed(
            actor=request.user,
            assignment=assignment,
            pillars=payload.pillars,
            description=payload.description,
        ),
    )


@router.post("/assignments/{pk}/remove", response={204: None}, summary="将误加入的人员移出任务")
def assignment_remove(request: AuthedRequest, pk: ObjectId, payload: MobilizeUnassignIn) -> Any:
    assignment = selectors.assignment_get_for(actor=request.user, pk=pk)
    services.assignment_remove(actor=request.user, assignment=assignment, reason=payload.reason)
    return Status(204, None)


@router.get("/deployments", response=list[DeploymentOut], summary="派驻列表")
@paginate(Pagination)
def deployment_list(request: AuthedRequest, kind: str = "") -> Any:
    return selectors.deployment_list_for(actor=request.user, kind=kind)


@router.post("/deployments", response={201: DeploymentOut}, summary="记录派驻")
def deployment_create(request: AuthedRequest, payload: DeploymentIn) -> Any:
    person = person_from_input(actor=request.user, employee_no=payload.employee_no)
    mission = (
        selectors.mission_get_for(actor=request.user, pk=payload.mission_id) if payload.mission_id else None
    )
    return Status(
        201,
        services.deployment_record(
            actor=request.user,
            person=person,
            kind=payload.kind,
            destination=payload.destination,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            mission=mission,
            note=payload.note,
        ),
    )


@router.post("/deployments/{pk}/deed", response={201: DeedOut}, summary="将派驻记为党员事迹")
def deployment_deed(request: AuthedRequest, pk: ObjectId, payload: PartDeedIn) -> Any:
    deployment = selectors.deployment_get_for(actor=request.user, pk=pk)
    return Status(
        201,
        services.deployment_to_deed(
            actor=request.user,
            deployment=deployment,
            pillars=payload.pillars,
            description=payload.description,
        ),
    )


@router.post("/deployments/import", response={200: ImportReportOut, **IMPORT_ERRORS}, summary="导入派驻名单")
def deployment_import(request: AuthedRequest, file: File[UploadedFile], dry_run: bool = False) -> Any:
    report = importers.import_deployments(
        actor=request.user,
        data=imports.upload_bytes(file),
        filename=file.name or "upload.xlsx",
        dry_run=dry_run,
    )
    return report_out(report)


@router.post("/service-records", response={201: ServiceOut}, summary="记录服务时长")
def service_create(request: AuthedRequest, payload: ServiceIn) -> Any:
    person = person_from_input(actor=request.user, employee_no=payload.employee_no)
    team = selectors.team_get_for(actor=request.user, pk=payload.team_id) if payload.team_id else None
    mission = (
        selectors.mission_get_for(actor=request.user, pk=payload.mission_id) if payload.mission_id else None
    )
    return Status(
        201,
        services.service_record(
            actor=request.user,
            person=person,
            served_on=payload.served_on,
            hours=payload.hours,
            team=team,
            mission=mission,
            description=payload.description,
        ),
    )
