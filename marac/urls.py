from django.urls import path

from . import views

app_name = "marac"

urlpatterns = [
    path("", views.index, name="index"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/schedule/", views.schedule, name="schedule"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_id>/panel-list/", views.panel_list, name="panel_list"),
    path("meetings/<int:meeting_id>/panel-list.pdf", views.panel_list_pdf, name="panel_list_pdf"),
    path("meetings/<int:meeting_id>/panel-list/generate/", views.panel_generate, name="panel_generate"),
    path("meetings/<int:meeting_id>/panel-list/add/", views.panel_add, name="panel_add"),
    path("meetings/<int:meeting_id>/panel-list/publish/", views.publish, name="publish"),
    path("meetings/<int:meeting_id>/entries/<int:entry_id>/", views.entry_detail, name="entry_detail"),
    path("meetings/<int:meeting_id>/entries/<int:entry_id>/edit/", views.entry_edit, name="entry_edit"),
    path("meetings/<int:meeting_id>/entries/<int:entry_id>/remove/", views.entry_remove, name="entry_remove"),
    path("meetings/<int:meeting_id>/entries/<int:entry_id>/actions/add/", views.action_add, name="action_add"),
    path("meetings/<int:meeting_id>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:meeting_id>/held/", views.held, name="held"),
    path("meetings/<int:meeting_id>/minutes/", views.minutes, name="minutes"),
    path("meetings/<int:meeting_id>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("meetings/<int:meeting_id>/minutes/approve/", views.minutes_approve, name="minutes_approve"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/new/", views.referral_create, name="referral_create"),
    path("referrals/<int:referral_id>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:referral_id>/screen/", views.referral_screen, name="referral_screen"),
    path("referrals/<int:referral_id>/information/", views.referral_information, name="referral_information"),
    path(
        "referrals/<int:referral_id>/propose-closure/", views.referral_propose_closure, name="referral_propose_closure"
    ),
    path("research/", views.research_list, name="research_list"),
    path("research/<int:response_id>/", views.research_respond, name="research_respond"),
    path("actions/", views.actions, name="actions"),
    path("actions/<int:action_id>/done/", views.action_done, name="action_done"),
    path("statistics/", views.statistics, name="statistics"),
]
