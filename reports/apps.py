from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Performance reports"

    def ready(self) -> None:
        from . import figures

        figures.connect()  # the dashboard's figures move with every case and incident written (reports/figures.py)
