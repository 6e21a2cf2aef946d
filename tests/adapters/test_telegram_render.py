"""Telegram's shape: plain text in parts of 4,096 as Telegram counts, its marks as entities,
deep links that fit, keyboards in rows, edits of a message sent in parts."""

from adapters.telegram.render import (
    CAPTION_LIMIT,
    LIMIT,
    entities,
    keyboard,
    length,
    link,
    parts,
)
from adapters.text import MORE, spread
from bot.messages import LINE, Button, code, strong


def test_long_text_is_split_at_line_ends_and_each_part_fits() -> None:
    text = "\n".join(f"line {n} & <more>" for n in range(600))
    made = parts(text)
    assert len(made) > 1
    assert all(length(p) <= 4096 for p in made)
    assert "\n".join(made) == text  # nothing lost, nothing cut inside a line, nothing escaped


def test_length_is_counted_as_telegram_counts_it_in_utf16_units() -> None:
    assert length("🍞") == 2 and length("ñ") == 1
    made = parts("🍞" * 3000)  # 6,000 units: two messages, though 3,000 characters
    assert [length(p) for p in made] == [4096, 1904]


def test_a_caption_is_cut_at_1024() -> None:
    assert length(parts("a&" * 3000, CAPTION_LIMIT)[0]) <= 1024


def test_an_ampersand_at_the_cut_is_sent_as_it_was_written() -> None:
    text = "a" * 4095 + "&b"
    first, second = parts(text, LIMIT)
    assert first == "a" * 4095 + "&" and second == "b"


def test_an_edit_of_a_message_sent_in_parts_keeps_their_number() -> None:
    assert spread("short now", 3, LIMIT, length) == ["short now", MORE, MORE]
    longer = spread("x" * 9000, 2, LIMIT, length)
    assert len(longer) == 2 and longer[1].endswith(MORE)
    assert all(length(p) <= LIMIT for p in longer)


def test_deep_links_carry_a_command_when_it_fits() -> None:
    assert link("mingabot", "vote P3") == "https://t.me/mingabot?start=vote_P3"
    assert link("mingabot", "say hello, world") is None  # a comma cannot travel in a link
    assert link("mingabot", "x" * 65) is None  # over Telegram's 64 characters


def test_private_buttons_become_links_and_rows_hold_three() -> None:
    markup = keyboard(
        (
            Button("a", "claim 1"),
            Button("b", "x"),
            Button("c", "y"),
            Button("Privately", "request", private=True),
        ),
        "mingabot",
    )
    assert markup is not None
    rows = markup.inline_keyboard
    assert [len(r) for r in rows] == [3, 1]
    assert rows[0][0].callback_data == "claim 1"
    assert rows[1][0].url == "https://t.me/mingabot?start=request"


def test_a_title_is_bold_and_a_number_monospace_in_utf16_units_in_whichever_part_it_falls() -> None:
    first = code("R1") + " · " + strong("🍞 food") + " · <b>2 boxes</b> & milk"
    made = parts(LINE.join([first, *("more" for _ in range(1200)), code("R2") + " · the end"]))
    assert len(made) == 2 and made[0].startswith("R1 · 🍞 food · <b>2 boxes</b> & milk\nmore")
    shown = [[(e.type, e.offset, e.length) for e in entities(p)] for p in made]
    assert shown[0] == [("code", 0, 2), ("bold", 5, 7)]  # the bread is two units
    assert shown[1] == [("code", length(made[1]) - 12, 2)]
