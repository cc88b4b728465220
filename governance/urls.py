"""Information governance screens under /governance/ (the Auditor role only)."""

from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("", views.index, name="index"),
    path("subject-access/", views.sar_list, name="sar_list"),
    path("subject-access/<int:request_id>/", views.sar_detail, name="sar_detail"),
    path("subject-access/<int:request_id>/pack.pdf", views.sar_pack, name="sar_pack"),
    *[
        path(f"subject-access/<int:request_id>/{step}/", views.sar_step, {"step": step}, name=f"sar_{step}")
        for step in views.SAR_STEPS
    ],
    path("lawful-bases/", views.lawful_bases, name="lawful_bases"),
    path("agency-purposes/", views.agency_purposes, name="agency_purposes"),
    path("data-requests/", views.data_requests, name="data_requests"),
    path("complaints/", views.complaint_register, name="complaint_register"),
    path("complaints/<int:complaint_id>/", views.complaint_detail, name="complaint_detail"),
    *[
        path(f"complaints/<int:complaint_id>/{step}/", views.complaint_step, {"step": step}, name=f"complaint_{step}")
        for step in views.COMPLAINT_STEPS
    ],
]
