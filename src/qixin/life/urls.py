from django.urls import path

from qixin.core import views as core_views

from . import views

app_name = "life"
urlpatterns = [
    path("", views.index, name="index"),
    path("org/<int:pk>/compliance/", views.compliance, name="compliance"),
    path("org/<int:pk>/calendar/", views.calendar, name="calendar"),
    path("org/<int:pk>/meetings/", views.meetings, name="meetings"),
    path("org/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("org/<int:pk>/rules/", views.rules, name="rules"),
    path("org/<int:pk>/campaigns/new/", views.campaign_new, name="campaign_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/record/", views.meeting_record, name="meeting_record"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/correct/", views.meeting_correct, name="meeting_correct"),
    path("meetings/<int:pk>/withdraw/", views.meeting_withdraw, name="meeting_withdraw"),
    path("meetings/<int:pk>/qr.svg", views.meeting_qr, name="meeting_qr"),
    path("meetings/<int:pk>/resolutions/", views.resolution_add, name="resolution_add"),
    path("meetings/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("resolutions/<int:pk>/follow-up/", views.resolution_follow_up, name="resolution_follow_up"),
    path("resolutions/<int:pk>/correct/", views.resolution_correct, name="resolution_correct"),
    path("resolutions/<int:pk>/withdraw/", views.resolution_withdraw, name="resolution_withdraw"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("lapse/", views.lapse, name="lapse"),
    path("lapse.<str:fmt>", views.lapse_export, name="lapse_export"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    # The meetings history file (core.tabular_kinds): the shared import, template and export pages.
    path("import/", core_views.tabular_import, {"kind": "life_meetings"}, name="import"),
    path("template.<str:fmt>", core_views.tabular_template, {"kind": "life_meetings"}, name="template"),
    path("export.<str:fmt>", core_views.tabular_export, {"kind": "life_meetings"}, name="export"),
]
