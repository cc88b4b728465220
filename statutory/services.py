"""Setting a commencement date: the one write to the statutory rules, audited twice (history and access log)."""

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction

from audit.models import AccessAction
from audit.objects import ObjectType
from audit.services import log_access
from common import history
from common.dates import govuk_date
from common.permissions import require

from .models import Commencement


class CommencementError(Exception):
    """A refused change to a commencement date, with the reason in words."""


@transaction.atomic
def set_commencement(
    *, commencement: Commencement, commences_on: date | None, regulations: str, by: User
) -> Commencement:
    """Record the day regulations bring a provision into force (or clear it); every dated rule follows."""
    require(
        by,
        "statutory.change_commencement",
        "Only an administrator can set commencement dates.",
        error=CommencementError,
    )
    if commences_on is not None and not regulations.strip():
        raise CommencementError("Name the commencement regulations (for example, SI 2027/123) that set the date.")
    row = Commencement.objects.select_for_update().get(pk=commencement.pk)
    before = row.commences_on
    row.commences_on = commences_on
    row.regulations = regulations.strip()
    row.changed_by = by
    history.attribute(
        row,
        by=by,
        reason=f"Commencement date set to {govuk_date(commences_on)}" if commences_on else "Commencement cleared",
    )
    row.save()
    log_access(
        user=by,
        agency="",
        action=AccessAction.CHANGE,
        object_type=ObjectType.COMMENCEMENT,
        object_id=row.pk,
        object_label=row.title,
        details={
            "key": row.key,
            "from": before.isoformat() if before else None,
            "to": commences_on.isoformat() if commences_on else None,
            "regulations": row.regulations,
        },
    )
    return row
