"""Any text, markup aimed at the renderers included, reaches each platform as it was written:
Telegram accepts the HTML (the Bot API stand-in's check) in parts of 4,096; Matrix gets
well-formed HTML that says what the plain body says, inside the 64 KiB event limit. So does
any text inside a post with marks: the marks style it, it never becomes markup itself."""

import asyncio

from hypothesis import given
from hypothesis import strategies as st

from adapters.matrix.render import with_prefix
from bot.messages import ANSWER, Attachment, Button, Rich, code, strong
from bot.model import OutboxMessage
from tests.hostile.budget import cases
from tests.hostile.platforms import check_matrix, check_telegram
from tests.hostile.texts import TRICKY, any_text, hostile, huge


# Texts whose surrogates are paired: a lone one is cleaned where text comes in (what the
# core sends is checked for them in the core-driven properties).
def _paired(text: str) -> str:
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


MARKUP = [t for t in TRICKY if "<" in t or "&" in t or "*" in t]
TEXTS = (
    st.one_of(
        any_text(),
        huge(),
        st.lists(st.sampled_from(MARKUP), max_size=3000).map("".join),
    )
    .map(_paired)
    .filter(lambda t: t.strip() != "")
)
LABELS = hostile(4).map(_paired).map(lambda t: t.strip() or "press").filter(lambda t: len(t) <= 40)
DATA = (
    st.one_of(
        st.sampled_from(
            (
                "claim 3",
                "join",
                "signup 1 driver",
                "vote P1 2",
                "take 4",
                "pickup",
                "start",
                "swapyes 1 2",
                "swapno 1",
            )
        ),
        hostile(3).map(lambda t: ANSWER + t),
    )
    .map(_paired)
    .filter(lambda d: 0 < len(d.encode()) <= 64)
)
# A post built as the handlers build one: what people typed, some of it marked.
MARKED = (
    st.lists(
        st.tuples(
            st.one_of(hostile(), st.sampled_from(MARKUP), huge()).map(_paired),
            st.sampled_from((Rich, strong, code)),
        ),
        min_size=1,
        max_size=8,
    )
    .map(lambda pieces: Rich(" · ").join(style(text) for text, style in pieces))
    .filter(lambda t: t.strip() != "")
)
BUTTONS = st.lists(st.builds(Button, LABELS, DATA, st.booleans()), max_size=12).map(tuple)


def row(
    kind: str, text: str, buttons: tuple[Button, ...] = (), attachment: Attachment | None = None
) -> OutboxMessage:
    return OutboxMessage(
        id=1,
        platform="test",
        chat_id="group:food",
        kind=kind,
        key=None,
        text=text,
        buttons=buttons,
        attempts=0,
        message_id="5" if kind == "edit" else None,
        attachment=attachment,
    )


@given(TEXTS, BUTTONS)
@cases(600)
def test_any_text_is_sent_to_telegram_in_parts_it_accepts_and_nothing_is_lost(
    text: str, buttons: tuple[Button, ...]
) -> None:
    asyncio.run(check_telegram(row("send", text, buttons)))


@given(TEXTS, BUTTONS)
@cases(300)
def test_an_edit_shows_on_telegram_as_the_start_of_what_was_written(
    text: str, buttons: tuple[Button, ...]
) -> None:
    asyncio.run(check_telegram(row("edit", text, buttons)))


@given(TEXTS)
@cases(150)
def test_a_file_caption_and_a_press_answer_fit_telegram(text: str) -> None:
    asyncio.run(
        check_telegram(row("send", text, attachment=Attachment("a.ics", "text/calendar", b"x")))
    )
    asyncio.run(check_telegram(row("toast", text[:200])))


@given(TEXTS, BUTTONS, st.sampled_from(("send", "edit", "toast")))
@cases(600)
def test_any_text_is_well_formed_matrix_html_that_says_what_the_body_says(
    text: str, buttons: tuple[Button, ...], kind: str
) -> None:
    if kind == "toast":  # the core answers a press in at most 200 characters (TOAST_LIMIT)
        check_matrix(row(kind, text[:200]))
    else:
        check_matrix(row(kind, text, buttons))


@given(MARKED, BUTTONS, st.sampled_from(("send", "edit")))
@cases(300)
def test_what_people_typed_inside_a_marked_post_reaches_both_platforms_as_written(
    text: Rich, buttons: tuple[Button, ...], kind: str
) -> None:
    asyncio.run(check_telegram(row(kind, text, buttons)))
    check_matrix(row(kind, text, buttons))


@given(st.one_of(hostile(), st.text(max_size=40)), st.sampled_from(("!", "!minga ")))
@cases(300)
def test_only_command_words_get_the_rooms_prefix(text: str, prefix: str) -> None:
    """Text people typed, quoted back, keeps its slashes unless one starts a command word,
    and nothing else of it changes."""
    shown = with_prefix(text, prefix)
    assert with_prefix(text, "/") == text
    assert shown.count("/") <= text.count("/")
    assert shown.replace(prefix, "\x00").count("\x00") - text.replace(prefix, "\x00").count(
        "\x00"
    ) == text.count("/") - shown.count("/")
