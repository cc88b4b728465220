from django.urls import path

from . import people_views

app_name = "people"

urlpatterns = [
    path("<int:person_id>/", people_views.person_detail, name="person_detail"),
    path("<int:person_id>/merge/", people_views.person_merge, name="person_merge"),
    path("merges/<int:merge_id>/unmerge/", people_views.person_unmerge, name="person_unmerge"),
    path("places/<str:postcode>/", people_views.place_detail, name="place_detail"),
]
