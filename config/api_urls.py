"""The partner API, version 1 (mounted at /api/v1/). Every route here is listed in tests/api's matrix."""

from django.urls import path, re_path

from accounts import api
from casework import api as casework_api
from enforcement import api as enforcement_api
from marac import api as marac_api

app_name = "api"

urlpatterns = [
    path("schema/", api.SchemaView.as_view(), name="schema"),
    path("docs/", api.api_docs, name="docs"),
    path("cases/", casework_api.CaseList.as_view(), name="case_list"),
    path("cases/<str:reference>/", casework_api.CaseDetail.as_view(), name="case_detail"),
    path("cases/<str:reference>/parties/", casework_api.CaseParties.as_view(), name="case_parties"),
    path("cases/<str:reference>/incidents/", casework_api.CaseIncidents.as_view(), name="case_incidents"),
    path("cases/<str:reference>/actions/", casework_api.CaseActions.as_view(), name="case_actions"),
    path(
        "cases/<str:reference>/actions/<int:action_id>/",
        casework_api.CaseActionStatus.as_view(),
        name="case_action",
    ),
    path("cases/<str:reference>/notes/", casework_api.CaseNotes.as_view(), name="case_notes"),
    path("cases/<str:reference>/notices/", enforcement_api.CaseNotices.as_view(), name="case_notices"),
    path(
        "cases/<str:reference>/marac-referrals/",
        marac_api.CaseMaracReferrals.as_view(),
        name="case_marac_referrals",
    ),
    path("marac-referrals/<int:referral_id>/", marac_api.MaracReferralDetail.as_view(), name="marac_referral"),
    # Last: any other address under /api/v1/ answers 404 (401 before sign-in) as JSON, not an HTML page.
    re_path(r"^[\s\S]*$", api.NoSuchEndpoint.as_view(), name="no_such_endpoint"),  # [\s\S]: newlines too
]
