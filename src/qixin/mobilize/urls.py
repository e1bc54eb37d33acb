from django.urls import path, register_converter

from qixin.core import views as core_views

from . import views

app_name = "mobilize"


class KindConverter:
    """This app's addresses name its files team-members and deployments; the registry's keys are
    mobilize_team_members and mobilize_deployments."""

    regex = "team-members|deployments"

    def to_python(self, value: str) -> str:
        return "mobilize_" + value.replace("-", "_")

    def to_url(self, value: str) -> str:
        return value.removeprefix("mobilize_").replace("_", "-")


register_converter(KindConverter, "mobilize_kind")
urlpatterns = [
    path("", views.index, name="index"),
    path("teams/new/", views.team_new, name="team_new"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("teams/<int:pk>/disband/", views.team_disband, name="team_disband"),
    path("team-members/<int:pk>/leave/", views.team_member_remove, name="team_member_remove"),
    path("missions/", views.missions, name="missions"),
    path("missions/new/", views.mission_new, name="mission_new"),
    path("missions/<int:pk>/", views.mission_detail, name="mission"),
    path("missions/<int:pk>/edit/", views.mission_edit, name="mission_edit"),
    path("missions/<int:pk>/teams/", views.mission_add_team, name="mission_add_team"),
    path("missions/<int:pk>/assign/", views.mission_assign, name="mission_assign"),
    path("missions/<int:pk>/status/", views.mission_status, name="mission_status"),
    path("assignments/<int:pk>/deed/", views.assignment_deed, name="assignment_deed"),
    path("assignments/<int:pk>/remove/", views.assignment_remove, name="assignment_remove"),
    path("deployments/", views.deployments, name="deployments"),
    path("deployments/new/", views.deployment_new, name="deployment_new"),
    path("deployments/<int:pk>/deed/", views.deployment_deed, name="deployment_deed"),
    path("service/new/", views.service_new, name="service_new"),
    path("people/<int:pk>/", views.person_page, name="person"),
    # The team and deployment files (core.tabular_kinds): the shared import, export and template pages.
    path("import/<mobilize_kind:kind>/", core_views.tabular_import, name="import"),
    path("export/<mobilize_kind:kind>.<str:fmt>", core_views.tabular_export, name="export"),
    path("template/<mobilize_kind:kind>.<str:fmt>", core_views.tabular_template, name="template"),
]
