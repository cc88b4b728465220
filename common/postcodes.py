"""UK postcodes in one canonical form, "NW9 5XX", wherever they are stored or shown (#17)."""

import re

_SPACES = re.compile(r"\s+")


def format_postcode(value: str) -> str:
    """Upper case, one space before the inward code (its last three characters): "nw95xx" -> "NW9 5XX".

    Anything too short to be a postcode is only upper-cased and trimmed (validation is the form's job).
    """
    compact = _SPACES.sub("", value or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"
