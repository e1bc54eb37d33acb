from django.urls import path

from . import views

app_name = "advocacy"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.campaign_new, name="campaign_new"),
    path("<int:pk>/", views.campaign_detail, name="campaign"),
    path("<int:pk>/share/", views.share_new, name="share"),
    path("<int:pk>/content/", views.content_new, name="content_new"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("shares/<int:pk>/delete/", views.share_delete, name="share_delete"),
]
