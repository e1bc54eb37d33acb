from django.urls import path

from qixin.core import views as core_views

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/children/", views.children, name="children"),
    path("<int:pk>/health/", views.health_page, name="health"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/add-child/", views.add_child, name="add_child"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/dissolve/", views.dissolve, name="dissolve"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/positions/new/", views.position_new, name="position_new"),
    path("positions/<int:pk>/end/", views.position_end, name="position_end"),
    path("<int:pk>/elections/new/", views.election_new, name="election_new"),
    # The files of the tree (core.tabular_kinds): the shared import, export and template pages.
    path("import/", core_views.tabular_import, {"kind": "orgs"}, name="import"),
    path("export.<str:fmt>", core_views.tabular_export, {"kind": "orgs"}, name="export"),
    path("template.<str:fmt>", core_views.tabular_template, {"kind": "orgs"}, name="template"),
    path("positions/import/", core_views.tabular_import, {"kind": "positions"}, name="position_import"),
    path(
        "positions/export.<str:fmt>", core_views.tabular_export, {"kind": "positions"}, name="position_export"
    ),
    path(
        "positions/template.<str:fmt>",
        core_views.tabular_template,
        {"kind": "positions"},
        name="position_template",
    ),
]
