from django.urls import path

from qixin.core import views as core_views

from . import views

app_name = "brand"
KIND = "brand_recognitions"
urlpatterns = [
    path("", views.index, name="index"),
    path("orgs/<int:pk>/", views.org_page, name="org"),
    path("orgs/<int:pk>/framework/", views.framework_edit, name="framework_edit"),
    path("orgs/<int:pk>/framework/remove/", views.framework_remove, name="framework_remove"),
    path("orgs/<int:pk>/evaluations/new/", views.evaluation_open, name="evaluation_open"),
    path("people/<int:pk>/", views.person_page, name="person"),
    path("people/<int:pk>/deeds/new/", views.deed_new, name="deed_new"),
    path("deeds/<int:pk>/delete/", views.deed_delete, name="deed_delete"),
    path("recognitions/", views.recognitions, name="recognitions"),
    path("recognitions/new/", views.recognition_new, name="recognition_new"),
    path("recognitions/<int:pk>/delete/", views.recognition_delete, name="recognition_delete"),
    # The recognitions file (core.tabular_kinds): the shared import, export and template pages.
    path("recognitions/import/", core_views.tabular_import, {"kind": KIND}, name="recognition_import"),
    path(
        "recognitions/export.<str:fmt>", core_views.tabular_export, {"kind": KIND}, name="recognition_export"
    ),
    path(
        "recognitions/template.<str:fmt>",
        core_views.tabular_template,
        {"kind": KIND},
        name="recognition_template",
    ),
    path("evaluations/", views.evaluations, name="evaluations"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/close/", views.evaluation_close, name="evaluation_close"),
    path("evaluation-entries/<int:pk>/grade/", views.evaluation_grade, name="evaluation_grade"),
    path("evaluation-entries/<int:pk>/self/", views.self_assessment, name="self_assessment"),
]
