"""A binding proposal taken through to its end by the group's founders, as tests need."""

from tests.harness import Harness, Seen

FOUNDERS = ("Ana", "Ben", "Chioma", "Dev")


async def decided(
    bot: Harness, line: str, voters: tuple[str, ...] = FOUNDERS, author: str = "Ana"
) -> list[Seen]:
    """`author` proposes `line`; each voter presses agree (1) on the post minga showed.
    Returns what the last press brought: with every founder voting, the close."""
    posted = await bot.say(author, f"/propose {line}")
    poll = next(s for s in posted if s.buttons and s.buttons[0].startswith("vote P"))
    agree = poll.buttons[0]
    seen: list[Seen] = []
    for who in voters:
        seen = await bot.press(who, agree)
    return seen
