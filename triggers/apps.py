from django.apps import AppConfig


class TriggersConfig(AppConfig):
    name = "triggers"
    verbose_name = "Community Trigger"

    def ready(self) -> None:
        from casework.extensions import register_my_work

        register_my_work(my_work_section)
        register_my_work(information_requests_section)


def information_requests_section(*, user, today, work=None):
    """Case Reviews the user's agency has been asked to give information to and has not yet answered."""
    from django.urls import reverse

    from casework.extensions import WorkItem, WorkSection

    from . import selectors

    requests = [c for c in selectors.contribution_request_list(user=user) if not c.information]
    if not requests:
        return []
    items = [
        WorkItem(
            text=f"Information for Case Review {c.review.application.reference}",
            href=reverse("triggers:contribution_submit", args=[c.review.application.reference]),
            due=c.review.meeting_on,
            overdue=c.review.meeting_on < today,
        )
        for c in requests
    ]
    return [WorkSection("Case Review information requested", items, "No requests for information.")]


def my_work_section(*, user, today, work=None):
    """Community Trigger applications with a deadline due soon or passed, for "My work": only for those who can act
    on them (change rights). Officers and auditors read Case Reviews but cannot move one on, so an overdue
    application on their My work would be a task they cannot do."""
    from django.urls import reverse

    from casework import access
    from casework.extensions import WorkItem, WorkSection

    from . import selectors

    if not access.has_permission(user, selectors.CHANGE_PERMISSION):
        return []
    items = [
        WorkItem(
            text=f"{application.reference} ({application.get_status_display()})",
            href=reverse("triggers:application_detail", args=[application.reference]),
            due=application.next_due,
            overdue=application.next_due < today,
        )
        for application in selectors.deadlines_for(user=user, today=today)
    ]
    return [WorkSection("Community Trigger deadlines", items, "No Community Trigger deadlines due.")]
