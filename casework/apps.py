from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "ASB casework"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import credentials, extensions, people, roles, victim

        post_migrate.connect(roles.sync_role_groups, dispatch_uid="casework_sync_role_groups")
        credentials.connect()
        extensions.register_my_work(people.my_work_repeats)
        extensions.register_case_tab("Victim", "casework:case_victim")
        extensions.register_my_work(victim.my_work_sections)
