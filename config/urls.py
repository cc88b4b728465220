from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import TemplateView

from accounts.signin import SignInView
from casework import views as casework_views

from . import views

urlpatterns = [
    path("", casework_views.my_work, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accessibility/",
        login_not_required(TemplateView.as_view(template_name="pages/accessibility.html")),
        name="accessibility",
    ),
    path("accounts/lockouts/", include("accounts.lockouts")),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/two-factor/", include("accounts.two_factor")),
    path("cases/", include("casework.urls")),
    path("people/", include("casework.people_urls")),
    path("enforcement/", include("enforcement.urls")),
    path("marac/", include("marac.urls")),
    path("triggers/", include("triggers.urls")),
    path("reports/", include("reports.urls")),
    path("audit/", include("audit.urls")),
    path("governance/", include("governance.urls")),
    path("notifications/", include("notifications.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("account/tokens/", include("config.token_urls")),
]

# Public pages (no sign-in) are listed here so the anonymous-redirect test knows them.
PUBLIC_URL_NAMES = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",
    "accessibility",
}
