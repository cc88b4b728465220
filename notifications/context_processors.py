"""The header's "Notifications" link and its unread count: one indexed COUNT per page, nothing per row."""

from django.utils.functional import SimpleLazyObject


def unread_notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .selectors import unread_count

    # Lazy: pages that do not render the header (PDFs, JSON) never run the query.
    # accounts.backends counts them with the user row (no query here); other sign-ins count on first use.
    preloaded = getattr(user, "_unread_notifications", None)
    if preloaded is not None:
        return {"unread_notifications": preloaded}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user=user))}
