from django.urls import path, register_converter

from qixin.core import views as core_views

from . import views


class KindConverter:
    """The kinds of file of this app: improve_alliances, improve_projects…"""

    regex = "improve_[a-z_]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(KindConverter, "improve_kind")

app_name = "improve"
urlpatterns = [
    path("", views.index, name="index"),
    path("suggestions/", views.suggestion_list, name="suggestions"),
    path("suggestions/new/", views.suggestion_new, name="suggestion_new"),
    path("suggestions/hints/", views.suggestion_hints, name="suggestion_hints"),
    path("suggestions/<int:pk>/", views.suggestion_detail, name="suggestion"),
    path("suggestions/<int:pk>/review/", views.suggestion_review, name="suggestion_review"),
    path("suggestions/<int:pk>/decide/", views.suggestion_decide, name="suggestion_decide"),
    path("suggestions/<int:pk>/implement/", views.suggestion_implement, name="suggestion_implement"),
    path("suggestions/<int:pk>/convert/", views.suggestion_convert, name="suggestion_convert"),
    path("suggestions/<int:pk>/merge/", views.suggestion_merge, name="suggestion_merge"),
    path(
        "suggestions/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment,
        name="suggestion_attachment",
    ),
    path("review/", views.review_queue, name="review"),
    path("duplicates/<int:pk>/dismiss/", views.duplicate_dismiss, name="duplicate_dismiss"),
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/move/", views.project_move, name="project_move"),
    path("projects/<int:pk>/team/", views.project_team, name="project_team"),
    path("projects/<int:pk>/claim/", views.savings_claim, name="savings_claim"),
    path("savings/pending/", views.savings_pending, name="savings_pending"),
    path("savings/<int:pk>/verify/", views.savings_verify, name="savings_verify"),
    path("savings/<int:pk>/reject/", views.savings_reject, name="savings_reject"),
    path("savings/<int:pk>/reverse/", views.savings_reverse, name="savings_reverse"),
    path("savings/<int:pk>/edit/", views.savings_claim_edit, name="savings_edit"),
    path("savings/<int:pk>/withdraw/", views.savings_withdraw, name="savings_withdraw"),
    path("alliances/", views.alliance_list, name="alliances"),
    path("alliances/new/", views.alliance_new, name="alliance_new"),
    path("alliances/<int:pk>/", views.alliance_detail, name="alliance"),
    path("alliances/<int:pk>/edit/", views.alliance_edit, name="alliance_edit"),
    path("alliances/<int:pk>/members/", views.alliance_member_add, name="alliance_member_add"),
    path(
        "alliances/<int:pk>/members/<int:person_pk>/remove/",
        views.alliance_member_remove,
        name="alliance_member_remove",
    ),
    path("alliances/<int:pk>/dissolve/", views.alliance_dissolve, name="alliance_dissolve"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("studios/", views.studio_list, name="studios"),
    path("studios/new/", views.studio_new, name="studio_new"),
    path("studios/<int:pk>/", views.studio_detail, name="studio"),
    path("studios/<int:pk>/members/", views.studio_members, name="studio_members"),
    path("studios/<int:pk>/close/", views.studio_close, name="studio_close"),
    path("cases/", views.case_list, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path(
        "cases/<int:pk>/selections/<int:selection_pk>/unselect/",
        views.excellent_unselect,
        name="excellent_unselect",
    ),
    path("cases/<int:pk>/rate/", views.case_rate, name="case_rate"),
    path("cases/<int:pk>/select/", views.case_select, name="case_select"),
    path("awards/", views.award_list, name="awards"),
    path("awards/new/", views.award_new, name="award_new"),
    path("designations/", views.designations, name="designations"),
    path("designations/<int:pk>/end/", views.designation_end, name="designation_end"),
    # This app's files (core.tabular_kinds): the shared index, import, export and template pages.
    path("data/", core_views.tabular_index, name="data"),
    path("import/<improve_kind:kind>/", core_views.tabular_import, name="import"),
    path("export/<improve_kind:kind>.<str:fmt>", core_views.tabular_export, name="export"),
    path("template/<improve_kind:kind>.<str:fmt>", core_views.tabular_template, name="template"),
]
