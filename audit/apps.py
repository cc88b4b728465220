from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import dbroles, triggers

        # After every app has migrated, so history tables added by any app are covered.
        post_migrate.connect(triggers.post_migrate_install, dispatch_uid="audit_append_only_triggers")
        # Then the application role's rights on every table, new history tables included (PostgreSQL, as owner).
        post_migrate.connect(dbroles.post_migrate_grant, dispatch_uid="audit_app_role_grants")
