from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Information governance"

    def ready(self) -> None:
        from casework import extensions

        from . import lawful_bases

        extensions.register_legal_basis_source(lawful_bases.share_choices)
        extensions.register_access_purpose_source(lawful_bases.access_purposes)
