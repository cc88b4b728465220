from django.urls import path

from . import public_views, views

app_name = "triggers"

# Public pages (no sign-in) live under public/ and their names start with "public_".
public_urlpatterns = [
    path("public/", public_views.public_start, name="public_start"),
    path("public/figures/", public_views.public_figures, name="public_figures"),
    path("public/apply/", public_views.public_apply, name="public_apply"),
    path("public/apply/incidents/", public_views.public_incidents, name="public_incidents"),
    path("public/apply/check/", public_views.public_check, name="public_check"),
    path("public/apply/confirmation/", public_views.public_confirmation, name="public_confirmation"),
    path("public/apply/<slug:step>/", public_views.public_step, name="public_step"),
]

urlpatterns = [
    *public_urlpatterns,
    path("", views.index, name="index"),
    path("new/", views.application_create, name="application_create"),
    path("figures/", views.figures, name="figures"),
    path("figures.csv", views.figures_csv, name="figures_csv"),
    path("information-requests/", views.contribution_requests, name="contribution_requests"),
    path("information-requests/<str:reference>/", views.contribution_submit, name="contribution_submit"),
    path("<str:reference>/", views.application_detail, name="application_detail"),
    path("<str:reference>/incidents/add/", views.incident_add, name="incident_add"),
    path("<str:reference>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<str:reference>/contact/", views.contact_person, name="contact_person"),
    path("<str:reference>/applicant/link/", views.applicant_link, name="applicant_link"),
    path("<str:reference>/threshold/", views.threshold, name="threshold"),
    path("<str:reference>/threshold/decision/", views.decision, name="decision"),
    path("<str:reference>/links/add/", views.case_link, name="case_link"),
    path("<str:reference>/links/<int:link_id>/remove/", views.case_unlink, name="case_unlink"),
    path("<str:reference>/review/", views.review, name="review"),
    path("<str:reference>/review/arrange/", views.review_arrange, name="review_arrange"),
    path("<str:reference>/review/information/add/", views.contribution_add, name="contribution_add"),
    path("<str:reference>/review/recommendations/add/", views.recommendation_add, name="recommendation_add"),
    path(
        "<str:reference>/review/recommendations/<int:recommendation_id>/status/",
        views.recommendation_status,
        name="recommendation_status",
    ),
    path("<str:reference>/review/held/", views.review_held, name="review_held"),
    path("<str:reference>/outcome/", views.outcome, name="outcome"),
    path("<str:reference>/outcome/write/", views.outcome_write, name="outcome_write"),
    path("<str:reference>/outcome/preview/", views.outcome_preview, name="outcome_preview"),
    path("<str:reference>/outcome/approve/", views.outcome_approve, name="outcome_approve"),
    path("<str:reference>/outcome/send/", views.outcome_send, name="outcome_send"),
    path("<str:reference>/outcome/letter.pdf", views.outcome_letter, name="outcome_letter"),
    path("<str:reference>/close/", views.close, name="close"),
    path("<str:reference>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:reference>/escalations/", views.escalations, name="escalations"),
    path("<str:reference>/escalations/add/", views.escalation_add, name="escalation_add"),
    path(
        "<str:reference>/escalations/<int:escalation_id>/result/",
        views.escalation_result,
        name="escalation_result",
    ),
    path("<str:reference>/timeline/", views.timeline, name="timeline"),
]
