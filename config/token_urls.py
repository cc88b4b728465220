"""The signed-in user's API tokens (mounted at /account/tokens/)."""

from django.urls import path

from accounts import api

app_name = "api_tokens"

urlpatterns = [
    path("", api.token_list, name="index"),
    path("new/", api.token_create, name="create"),
    path("<int:token_id>/revoke/", api.token_revoke, name="revoke"),
]
