"""Withholding a victim's address and contact details from whoever is on their do-not-disclose list.

Structured outputs withhold by field: `selectors.PartyView.details_withheld` (pages, the API, letters) and the
person page. As a second line, every page, CSV, JSON answer and PDF a listed agency's user receives, and every
document addressed to a listed person, is scrubbed of the protected values themselves (phone, email, address),
so a detail copied into free text (a note, a notice's wording) is withheld too. Each withholding is logged in
the access log, at most SECURITY["REFUSED_LOG_PER_MINUTE"] rows per user a minute (like refused reads).
"""

import html
import re
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q

from audit.models import AccessAction
from audit.services import log_access

from .models import Person

WITHHELD = "Withheld"
OBJECT_TYPE = "withheld_details"
_MIN_LENGTH = 6  # shorter values ("Flat 1") would blank unrelated words


def protected_values(person_ids: Iterable[int]) -> list[str]:
    """The strings that must not appear: each person's phone, email, full address and first address line, and
    those of the records merged into them (a merged duplicate's details may still be in free text)."""
    values: set[str] = set()
    ids = list(person_ids)
    for person in Person.objects.filter(Q(pk__in=ids) | Q(merged_into__in=ids)).select_related("address"):
        values.update(v.strip() for v in (person.phone, person.email) if v)
        if person.address:
            values.update(v.strip() for v in (str(person.address), person.address.line1) if v)
    return sorted((v for v in values if len(v) >= _MIN_LENGTH), key=len, reverse=True)


def _pattern_for(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if len(digits) >= _MIN_LENGTH and re.fullmatch(r"[\d\s()+-]+", value):
        # a phone number however it is spaced: "07700 900123", "07700900123", "07700-900-123"
        return r"[\s()-]*".join(re.escape(d) for d in digits)
    variants = {value, html.escape(value), html.escape(value, quote=False)}
    return "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))


def scrubber(values: list[str]) -> re.Pattern | None:
    if not values:
        return None
    return re.compile("|".join(f"(?:{_pattern_for(v)})" for v in values), re.IGNORECASE)


def scrub(text: str, pattern: re.Pattern | None) -> tuple[str, int]:
    """The text with every protected value replaced by "Withheld", and how many were."""
    if pattern is None:
        return text, 0
    return pattern.subn(WITHHELD, text)


def log_withheld(user, *, where: str, person_ids: Iterable[int] = (), case_id: int | None = None, path: str = ""):
    """One access-log row for a withholding, throttled per user like refused reads; repeats of the same
    (where, people) within a request are logged once."""
    if user is None or not getattr(user, "is_authenticated", False):
        return
    people = sorted(set(person_ids))
    seen = user.__dict__.setdefault("_withheld_logged", set())
    key = (where, tuple(people), case_id)
    if key in seen:
        return
    seen.add(key)
    limit = int(settings.SECURITY.get("REFUSED_LOG_PER_MINUTE", 20))
    counter = f"withheld:{user.pk}"
    cache.add(counter, 0, timeout=60)
    try:
        count = cache.incr(counter)
    except ValueError:
        cache.set(counter, 1, timeout=60)
        count = 1
    if count > limit:
        return
    from .access import agency_name

    log_access(
        user=user,
        agency=agency_name(user),
        action=AccessAction.VIEW,
        object_type=OBJECT_TYPE,
        object_label=where[:200],
        case_id=case_id,
        person_id=people[0] if len(people) == 1 else None,
        details={
            "outcome": "withheld",
            "reason": "do not disclose",
            "people": people,
            **({"throttled_after": limit} if count == limit else {}),
        },
        path=path[:500],
    )


_TEXT_TYPES = ("text/html", "application/json", "text/csv", "text/plain", "application/problem+json")


class WithholdingMiddleware:
    """The second line for pages, CSV and API answers: a user whose agency is on someone's do-not-disclose list
    never receives that person's phone, email or address, even copied into free text. Costs one indexed query
    per signed-in request; the scrub itself runs only when the agency is listed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)  # after the view: DRF has put a token's user here too
        content_type = response.get("Content-Type", "")
        if user is None or not getattr(user, "is_authenticated", False) or not content_type.startswith(_TEXT_TYPES):
            return response
        from .access import protected_from

        people = protected_from(user)
        if not people:
            return response
        pattern = scrubber(protected_values(people))
        if pattern is None:
            return response
        charset = response.charset or "utf-8"
        if response.streaming:
            response.streaming_content = self._scrubbed_stream(
                response.streaming_content, pattern, charset, user, request, people
            )
            return response
        text, hits = scrub(response.content.decode(charset, errors="replace"), pattern)
        if hits:
            response.content = text.encode(charset)
            log_withheld(user, where="page", person_ids=people, path=request.path)
        return response

    @staticmethod
    def _scrubbed_stream(chunks, pattern, charset, user, request, people):
        for chunk in chunks:
            raw = chunk if isinstance(chunk, bytes) else str(chunk).encode(charset)
            text, hits = scrub(raw.decode(charset, errors="replace"), pattern)
            if hits:
                log_withheld(user, where="export", person_ids=people, path=request.path)
            yield text.encode(charset)
