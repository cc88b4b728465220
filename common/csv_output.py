"""What every CSV the service writes shares: neutralised formula cells and a writer that streams."""


class Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a StreamingHttpResponse."""

    def write(self, value):
        return value


def csv_safe(value) -> str:
    """Stop spreadsheet formula injection from text that users typed."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
