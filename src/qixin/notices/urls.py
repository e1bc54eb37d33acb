from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.notice_new, name="new"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/attachment/", views.attachment_download, name="attachment"),
    path("<int:pk>/receipts/", views.receipts, name="receipts"),
    path("<int:pk>/withdraw/", views.notice_withdraw, name="withdraw"),
]
