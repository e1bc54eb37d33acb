from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("drill/<str:key>/", views.drill, name="drill"),
    path("summary.<str:fmt>", views.summary_download, name="summary"),
    path("template/", views.template_edit, name="template"),
]
