"""Days for the tests that talk to a running minga, which reads the real clock."""

from datetime import UTC, datetime, timedelta


def tomorrow() -> str:
    """Tomorrow's weekday as `/shift add` takes it ("mon"): a shift that close is posted in
    its group at once, whatever day the tests run on (a Saturday shift added on a Sunday
    would be posted only six days before it)."""
    return f"{datetime.now(UTC) + timedelta(days=1):%a}".lower()  # noqa: TID251 - as minga
