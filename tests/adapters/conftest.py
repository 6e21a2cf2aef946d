"""One real Synapse for the whole session, shared by the Matrix adapter tests."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.synapse import Account, Homeserver, start, unique_localpart


@pytest.fixture(scope="session")
def homeserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Homeserver]:
    """Started once: a Synapse start costs seconds, a fresh account costs milliseconds."""
    server = start(Path(tmp_path_factory.mktemp("synapse")))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def new_account(homeserver: Homeserver) -> Callable[..., Account]:
    """`new_account("alice")` registers a user named after `alice` that no other test has;
    `exempt=True` lifts its message rate limit."""

    def register(prefix: str, *, admin: bool = False, exempt: bool = False) -> Account:
        account = homeserver.register(unique_localpart(prefix), admin=admin)
        if exempt:
            homeserver.exempt(account.user_id)
        return account

    return register
