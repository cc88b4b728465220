"""Places: UK postcodes in one canonical form, so "NW95XX", "nw9 5xx" and "NW9  5XX" are one place."""

from common.postcodes import format_postcode as normalise_postcode  # one formatter, stored and shown

__all__ = ["normalise_postcode"]
