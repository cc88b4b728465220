"""Background jobs of the audit app (Django's Tasks API, database backend: decision 0012)."""

from django_tasks import task


@task()
def verify_audit_trail(*, run_id: int) -> str:
    from .verification import run

    return run(run_id=run_id)
