from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = "ASB tools and powers"

    def ready(self) -> None:
        from casework.extensions import register_case_tab, register_my_work

        register_case_tab("Enforcement", "enforcement:case_enforcement")
        register_my_work(my_work_sections)
        register_timeline_sources()


def register_timeline_sources() -> None:
    """Warnings, notices and orders appear on the case timeline beside the casework records."""
    from casework.extensions import register_history_source

    from . import models

    for label, model in (
        ("CPN written warning", models.CommunityProtectionWarning),
        ("Community Protection Notice", models.CommunityProtectionNotice),
        ("Fixed Penalty Notice", models.FixedPenaltyNotice),
        ("Closure notice", models.ClosureNotice),
        ("Closure order", models.ClosureOrder),
        ("Criminal Behaviour Order", models.CriminalBehaviourOrder),
        ("Civil injunction", models.CivilInjunction),
        ("Respect Order", models.RespectOrder),
        ("Closure hearing adjournment", models.ClosureHearingAdjournment),
        ("Order variation or discharge", models.OrderVariation),
    ):
        register_history_source(label, lambda case, model=model: model.history.filter(case_id=case.pk))


def my_work_sections(*, user, today, work=None):
    """Enforcement deadlines (compliance, appeal windows, payments, hearings) for "My work"."""
    from casework import access
    from casework.extensions import WorkItem, WorkSection

    from . import selectors

    if not access.has_permission(user, "enforcement.view_fixedpenaltynotice"):
        return []
    found = selectors.my_work_deadlines(user=user, today=today, shown=15)

    def items(deadlines):
        return [
            WorkItem(
                text=f"{d.case_reference + ': ' if d.case_reference else ''}{d.label}",
                href=d.url,
                due=d.due,
                overdue=d.overdue,
            )
            for d in deadlines
        ]

    return [
        WorkSection("My enforcement deadlines", items(found["mine"]), "No enforcement deadlines of yours."),
        WorkSection("My agency's enforcement deadlines", items(found["agency"]), "No enforcement deadlines."),
    ]
