from django.urls import path

from . import public_views, views

app_name = "care"
urlpatterns = [
    path("", views.index, name="index"),
    # Public (no login): the page behind a QR code and the follow-up page behind a code.
    path("i/<str:token>/", public_views.intake, name="intake"),
    path("t/", public_views.follow_lookup, name="follow_lookup"),
    path("t/<str:code>/", public_views.follow, name="follow"),
    path("held/", views.held, name="held"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket"),
    path("tickets/<int:pk>/photo/", views.ticket_photo, name="ticket_photo"),
    path("tickets/<int:pk>/answer/", views.ticket_answer, name="ticket_answer"),
    path("tickets/<int:pk>/note/", views.ticket_note, name="ticket_note"),
    path("tickets/<int:pk>/close/", views.ticket_close, name="ticket_close"),
    path("tickets/<int:pk>/assign/", views.ticket_assign, name="ticket_assign"),
    path("tickets/<int:pk>/moderate/", views.ticket_moderate, name="ticket_moderate"),
    path("tickets/<int:pk>/forward/", views.ticket_forward, name="ticket_forward"),
    path("tickets/<int:pk>/wish/", views.wish_publish, name="wish_publish"),
    path("tickets/<int:pk>/escalate/", views.ticket_escalate, name="ticket_escalate"),
    path("teams/", views.teams, name="teams"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("teams/<int:pk>/members/", views.team_member_add, name="team_member_add"),
    path("teams/<int:pk>/points/", views.point_create, name="point_create"),
    path("team-members/<int:pk>/remove/", views.team_member_remove, name="team_member_remove"),
    path("points/<int:pk>/active/", views.point_set_active, name="point_set_active"),
    path("points/<int:pk>/qr.<str:fmt>", views.point_qr, name="point_qr"),
    path("stats/", views.stats, name="stats"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:pk>/remove/", views.calendar_remove, name="calendar_remove"),
    path("wall/", views.wall, name="wall"),
    path("wall/<int:pk>/", views.wall, name="wall_of"),
    path("wishes/<int:pk>/claim/", views.wish_claim, name="wish_claim"),
    path("wishes/<int:pk>/fulfil/", views.wish_fulfil, name="wish_fulfil"),
    path("wishes/<int:pk>/release/", views.wish_release, name="wish_release"),
    path("wishes/<int:pk>/withdraw/", views.wish_withdraw, name="wish_withdraw"),
    path("notifications/", views.notifications, name="notifications"),
]
