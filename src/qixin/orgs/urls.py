from django.urls import path

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
    path("import/", views.import_page, name="import"),
    path("export.<str:fmt>", views.export, name="export"),
    path("template.<str:fmt>", views.template_download, name="template"),
    path("positions/import/", views.position_import_page, name="position_import"),
    path("positions/export.<str:fmt>", views.position_export, name="position_export"),
    path("positions/template.<str:fmt>", views.position_template, name="position_template"),
]
