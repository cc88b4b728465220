from django.urls import path

from . import safety_views, victim_views, views, vulnerability_views

app_name = "casework"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("export.csv", views.case_export, name="case_export"),
    path("exports/", views.case_exports, name="case_exports"),
    path("exports/<uuid:public_id>/", views.case_export_download, name="case_export_download"),
    path("new/", views.case_create, name="case_create"),
    # Public (no sign-in): the victim's satisfaction survey, a one-use link (casework/closure.py).
    path("public/survey/<str:token>/", victim_views.public_survey, name="public_survey"),
    path("<str:reference>/", views.case_detail, name="case_detail"),
    path("<str:reference>/reason/", views.case_access_reason, name="case_access_reason"),
    path("<str:reference>/edit/", views.case_edit, name="case_edit"),
    path("<str:reference>/status/", views.case_transition, name="case_transition"),
    path("<str:reference>/parties/", views.case_parties, name="case_parties"),
    path("<str:reference>/parties/add/", views.party_add, name="party_add"),
    # Vulnerability and safeguarding of a person on the case (casework/vulnerability_views.py)
    path(
        "<str:reference>/parties/<int:party_id>/vulnerability/",
        vulnerability_views.party_vulnerability,
        name="party_vulnerability",
    ),
    path(
        "<str:reference>/parties/<int:party_id>/vulnerability/edit/",
        vulnerability_views.party_vulnerability_edit,
        name="party_vulnerability_edit",
    ),
    path(
        "<str:reference>/parties/<int:party_id>/safeguarding/add/",
        vulnerability_views.safeguarding_referral_add,
        name="safeguarding_referral_add",
    ),
    # Safe contact and do-not-disclose (#19): the lead agency's (casework/safety.py)
    path("<str:reference>/parties/<int:party_id>/safety/", safety_views.party_safety, name="party_safety"),
    path(
        "<str:reference>/parties/<int:party_id>/safety/withhold/",
        safety_views.do_not_disclose_add,
        name="do_not_disclose_add",
    ),
    path(
        "<str:reference>/parties/<int:party_id>/safety/withhold/end/",
        safety_views.do_not_disclose_end,
        name="do_not_disclose_end",
    ),
    path("<str:reference>/incidents/", views.case_incidents, name="case_incidents"),
    path("<str:reference>/incidents/add/", views.incident_add, name="incident_add"),
    path("<str:reference>/risk/", views.case_risk, name="case_risk"),
    path("<str:reference>/risk/add/", views.risk_add, name="risk_add"),
    path("<str:reference>/actions/", views.case_actions, name="case_actions"),
    path("<str:reference>/actions/add/", views.action_add, name="action_add"),
    path("<str:reference>/actions/<int:action_id>/status/", views.action_status, name="action_status"),
    # Case costs, for agencies that record them (casework/costs.py, docs/case-costs.md)
    path("<str:reference>/actions/<int:action_id>/costs/add/", views.action_cost_add, name="action_cost_add"),
    path("<str:reference>/actions/costs/<int:cost_id>/remove/", views.action_cost_remove, name="action_cost_remove"),
    path("<str:reference>/notes/", views.case_notes, name="case_notes"),
    path("<str:reference>/evidence/", views.case_evidence, name="case_evidence"),
    path("<str:reference>/evidence/add/", views.evidence_add, name="evidence_add"),
    path("<str:reference>/evidence/<int:evidence_id>/download/", views.evidence_download, name="evidence_download"),
    path("<str:reference>/sharing/", views.case_sharing, name="case_sharing"),
    path("<str:reference>/sharing/add/", views.share_add, name="share_add"),
    path("<str:reference>/sharing/<int:share_id>/revoke/", views.share_revoke, name="share_revoke"),
    path("<str:reference>/timeline/", views.case_timeline, name="case_timeline"),
    # The victim's journey (casework/victim_views.py)
    path("<str:reference>/victim/", victim_views.case_victim, name="case_victim"),
    path("<str:reference>/victim/plan/", victim_views.contact_plan, name="victim_contact_plan"),
    path("<str:reference>/victim/contacts/add/", victim_views.contact_add, name="victim_contact_add"),
    path("<str:reference>/victim/update/", victim_views.victim_update, name="victim_update"),
    path("<str:reference>/victim/reviews/add/", victim_views.review_add, name="progress_review_add"),
    path("<str:reference>/actions/<int:action_id>/not-done/", victim_views.action_not_done, name="action_not_done"),
    path(
        "<str:reference>/victim/case-review-explained/",
        victim_views.case_review_explained,
        name="case_review_explained",
    ),
    path(
        "<str:reference>/victim/<int:party_id>/case-review-letter.pdf",
        victim_views.case_review_letter,
        name="case_review_letter",
    ),
    path("<str:reference>/close/", victim_views.case_close, name="case_close"),
    path("<str:reference>/close/sign-off/", victim_views.closure_sign_off, name="closure_sign_off"),
    path("<str:reference>/close/letter/", victim_views.closure_letter, name="closure_letter"),
    path("<str:reference>/close/letter/email/", victim_views.closure_letter_email, name="closure_letter_email"),
]
