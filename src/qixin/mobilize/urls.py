from django.urls import path

from . import views

app_name = "mobilize"
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
    path("import/<slug:kind>/", views.import_page, name="import"),
    path("export/<slug:kind>.<str:fmt>", views.export, name="export"),
    path("template/<slug:kind>.<str:fmt>", views.template_download, name="template"),
]
