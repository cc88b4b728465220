from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "ASB casework"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from audit import history

        from . import credentials, risk, roles

        # The history formatter names a party by who it is and the risk answers by their questions.
        history.register_label_relations("casework.CaseParty", "person", "organisation")
        history.register_json_labels("casework.RiskAssessment", "answers", {q.key: q.text for q in risk.QUESTIONS})

        post_migrate.connect(roles.sync_role_groups, dispatch_uid="casework_sync_role_groups")
        credentials.connect()
