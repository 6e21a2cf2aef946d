from typing import Any

from tests.hostile.budget import RAN


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if RAN:
        terminalreporter.write_line(
            f"hostile inputs: {sum(RAN.values())} generated cases in {len(RAN)} properties"
        )
