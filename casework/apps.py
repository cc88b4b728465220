from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "ASB casework"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from audit import history

        from . import credentials, extensions, models, people, risk, roles, victim

        # The history formatter names a party by who it is and the risk answers by their questions.
        history.register_label_relations("casework.CaseParty", "person", "organisation")
        history.register_json_labels("casework.RiskAssessment", "answers", {q.key: q.text for q in risk.QUESTIONS})
        history.register_json_labels("casework.Vulnerability", "flags", dict(models.VulnerabilityFlag.choices))
        hate = dict(models.HateCharacteristic.choices)
        history.register_json_labels("casework.Incident", "hate_characteristics", hate)

        from django.db.backends.signals import connection_created

        from common import planner  # registers the planner-settings system check

        connection_created.connect(planner.warn_once, dispatch_uid="casework_planner_settings")
        post_migrate.connect(roles.sync_role_groups, dispatch_uid="casework_sync_role_groups")
        credentials.connect()
        from . import list_counts

        list_counts.connect()  # the case list's filtered count, kept as permissions and cases change
        extensions.register_my_work(people.my_work_repeats)
        extensions.register_case_tab("Victim", "casework:case_victim")
        extensions.register_my_work(victim.my_work_sections)
