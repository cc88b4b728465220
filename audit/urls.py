"""Auditor screens under /audit/: search by case, person, user or agency, then one tab per kind of activity."""

from django.urls import path

from . import views

app_name = "audit"


def _tabs(prefix: str, kind: str, converter: str) -> list:
    return [
        path(
            f"{prefix}/<{converter}:key>/" + ("" if tab == "access" else f"{tab}/"),
            views.subject_tab,
            {"kind": kind, "tab": tab},
            name=f"{kind}_{tab}",
        )
        for _label, tab in views.TABS[kind]
    ]


urlpatterns = [
    path("", views.index, name="index"),
    path("cases/", views.case_search, name="case_search"),
    path("people/", views.person_search, name="person_search"),
    path("users/", views.user_search, name="user_search"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("verification/", views.verification, name="verification"),
    *_tabs("cases", "case", "str"),
    *_tabs("people", "person", "int"),
    *_tabs("users", "user", "int"),
    *_tabs("agencies", "agency", "int"),
]
