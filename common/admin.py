"""What every admin page of the service shares: history is for reading only, and only for rows the page's
own queryset lets the administrator see (simple-history's history views do not ask get_queryset).

The admin site is for accounts, agencies and reference data; case data is never registered here
(tests/security/test_admin_site.py walks every admin URL of every model to prove it).
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """Shows a record's history; never reverts from it (a revert would skip the services' rules)."""

    def revert_disabled(self, request, obj=None):
        return True

    def _visible_or_404(self, request, object_id) -> None:
        pk_name = self.model._meta.pk.attname
        if not self.get_queryset(request).filter(**{pk_name: unquote(object_id)}).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied("History is read only")
        self._visible_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)
