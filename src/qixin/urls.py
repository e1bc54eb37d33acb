from django.contrib.auth import views as auth_views
from django.urls import include, path

from qixin.api import api
from qixin.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="core/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("login/otp/", core_views.otp_verify, name="otp_verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", core_views.password_change, name="password_change"),
    path("account/two-factor/", core_views.two_factor_setup, name="two_factor_setup"),
    path("account/tokens/", core_views.api_tokens, name="api_tokens"),
    path("account/tokens/<int:pk>/revoke/", core_views.api_token_revoke, name="api_token_revoke"),
    path("audit/", core_views.audit_log, name="audit_log"),
    path("roles/", core_views.roles, name="roles"),
    path("roles/<int:pk>/revoke/", core_views.role_revoke, name="role_revoke"),
    path("settings/security/", core_views.security_policy, name="security_policy"),
    path("import/", core_views.tabular_index, name="tabular_index"),
    path("import/<str:kind>/", core_views.tabular_import, name="tabular_import"),
    path("export/<str:kind>.<str:fmt>", core_views.tabular_export, name="tabular_export"),
    path("template/<str:kind>.<str:fmt>", core_views.tabular_template, name="tabular_template"),
    path("orgs/", include("qixin.orgs.urls")),
    path("people/", include("qixin.people.urls")),
    path("life/", include("qixin.life.urls")),
    path("brand/", include("qixin.brand.urls")),
    path("notices/", include("qixin.notices.urls")),
    path("mobilize/", include("qixin.mobilize.urls")),
    path("advocacy/", include("qixin.advocacy.urls")),
    path("improve/", include("qixin.improve.urls")),
    path("care/", include("qixin.care.urls")),
    path("reports/", include("qixin.reports.urls")),
    path("api/v1/", api.urls),
]
