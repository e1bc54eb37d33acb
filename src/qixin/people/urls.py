from django.urls import path

from qixin.core import views as core_views

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/sensitive/", views.sensitive, name="sensitive"),
    path("<int:pk>/admit/", views.admit, name="admit"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path("<int:pk>/confirm-full/", views.confirm_full, name="confirm_full"),
    path("<int:pk>/extend-probation/", views.extend_probation, name="extend_probation"),
    path("<int:pk>/cancel-probation/", views.cancel_probation, name="cancel_probation"),
    path("<int:pk>/end-membership/", views.end_membership, name="end_membership"),
    path("<int:pk>/standing/", views.standing, name="standing"),
    path("<int:pk>/leave/", views.leave, name="leave"),
    path("import/", core_views.tabular_import, {"kind": "people"}, name="import"),
    path("export.<str:fmt>", views.export, name="export"),  # the list's filters apply; masked
    path("export/clear/", views.export_clear_form, name="export_clear_form"),
    path("export/clear/file/", views.export_clear, name="export_clear"),
    path("template.<str:fmt>", core_views.tabular_template, {"kind": "people"}, name="template"),
]
