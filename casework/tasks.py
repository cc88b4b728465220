"""Background jobs of casework (Django's Tasks API, database backend: decision 0012)."""

from django_tasks import task


@task()
def build_case_export(*, export_id: int) -> str:
    from .exports import build

    return build(export_id=export_id)
