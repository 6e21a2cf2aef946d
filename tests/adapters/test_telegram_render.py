"""Telegram's shape: 4,096 characters once escaped, deep links that fit, keyboards in rows."""

import html

from adapters.telegram.render import CAPTION_LIMIT, LIMIT, fitted, keyboard, link
from adapters.text import escaped, split
from bot.messages import Button


def test_long_text_is_split_at_line_ends_and_fits_once_escaped() -> None:
    text = "\n".join(f"line {n} & <more>" for n in range(600))
    parts = split(text, LIMIT)
    assert len(parts) > 1
    assert all(len(escaped(p)) <= 4096 for p in parts)
    assert "\n".join(parts) == text  # nothing lost, nothing cut inside a line


def test_one_very_long_line_is_cut_into_pieces_that_fit() -> None:
    parts = split("&" * 10_000, LIMIT)
    assert all(len(escaped(p)) <= 4096 for p in parts) and "".join(parts) == "&" * 10_000


def test_deep_links_carry_a_command_when_it_fits() -> None:
    assert link("mingabot", "vote P3") == "https://t.me/mingabot?start=vote_P3"
    assert link("mingabot", "say hello, world") is None  # a comma cannot travel in a link


def test_private_buttons_become_links_and_rows_hold_three() -> None:
    markup = keyboard((Button("a", "claim 1"), Button("b", "x"), Button("c", "y"),
                       Button("Privately", "request", private=True)), "mingabot")
    assert markup is not None
    rows = markup.inline_keyboard
    assert [len(r) for r in rows] == [3, 1]
    assert rows[0][0].callback_data == "claim 1"
    assert rows[1][0].url == "https://t.me/mingabot?start=request"


def test_an_edit_or_caption_too_long_is_cut_between_escapes_not_inside_one() -> None:
    text = "a&" * 3000  # once escaped, 4,096 would fall inside "&amp;"
    for limit in (LIMIT, CAPTION_LIMIT):
        shown = fitted(text, limit)
        assert len(shown) <= limit and shown.endswith(("a", "&amp;"))
        assert text.startswith(html.unescape(shown))
