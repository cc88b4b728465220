from django.apps import AppConfig


class MaracConfig(AppConfig):
    name = "marac"

    def ready(self) -> None:
        from casework.extensions import register_action_source

        register_action_source("marac_link", "MARAC")
