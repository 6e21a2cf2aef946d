"""What a Matrix user sees and what their events mean, without a homeserver."""

import json

from adapters.matrix.render import (
    content,
    is_poll,
    parts,
    poll_end,
    poll_start,
    reactions,
    replacing,
    with_prefix,
)
from adapters.matrix.translate import (
    answered,
    chat_of,
    joined_at,
    message,
    press,
    pressed,
    sender_of,
    unpress,
)
from bot.i18n import load_catalogs, translator
from bot.messages import LINE, Button, ButtonPress, Message, code, strong
from bot.model import Reaction

ANA = sender_of("@ana:example.org", "Ana")
ROOM = chat_of("!room:example.org", None, "Free Food")
VOTES = (
    Button("agree", "vote P1 1"),
    Button("abstain", "vote P1 2"),
    Button("disagree", "vote P1 3"),
    Button("block", "vote P1 4"),
)


def event(content: dict, kind: str = "m.room.message") -> dict:  # type: ignore[type-arg]
    return {"type": kind, "event_id": "$e1", "sender": "@ana:example.org", "content": content}


def test_commands_are_written_with_the_rooms_prefix_and_nothing_else_is() -> None:
    assert with_prefix("Type /setup, or /link CODE (/cancel stops).", "!") == (
        "Type !setup, or !link CODE (!cancel stops)."
    )
    assert with_prefix("see https://x.org/a/b on 27/11, and/or /2", "!") == (
        "see https://x.org/a/b on 27/11, and/or /2"
    )


def test_a_message_is_a_notice_in_html_with_what_people_typed_escaped_and_a_legend() -> None:
    pairs = reactions((Button("I can help", "claim 3"),))
    shown = content("R3 · 2 boxes <for> a family & kids", pairs, "!")
    assert shown["msgtype"] == "m.notice"
    assert shown["body"] == "R3 · 2 boxes <for> a family & kids\n\n✋ I can help (!claim 3)"
    assert shown["formatted_body"].startswith("R3 · 2 boxes &lt;for&gt; a family &amp; kids")
    edit = replacing("$post", shown)
    assert edit["m.new_content"] == shown
    assert edit["m.relates_to"] == {"rel_type": "m.replace", "event_id": "$post"}


def test_a_title_is_strong_and_a_number_code_in_the_html_while_the_body_stays_plain() -> None:
    text = code("R3") + " · " + strong("food") + " · 2 boxes <b>for</b> a family & kids /claim"
    shown = content(with_prefix(text, "!minga "), [], "!minga ")
    assert shown["body"] == "R3 · food · 2 boxes <b>for</b> a family & kids !minga claim"
    assert shown["formatted_body"] == (
        "<code>R3</code> · <strong>food</strong> · 2 boxes &lt;b&gt;for&lt;/b&gt; a family "
        "&amp; kids !minga claim"
    )
    last = parts(LINE.join(["x" * 1000] * 60 + [strong("the end")]))[-1]
    assert content(last, [], "!")["formatted_body"].endswith("<br><strong>the end</strong>")


def test_choices_are_numbered_and_always_get_the_same_reactions() -> None:
    assert [emoji for emoji, _ in reactions(VOTES)] == ["1️⃣", "2️⃣", "3️⃣", "4️⃣"]
    assert reactions(VOTES) == reactions(VOTES)
    # Two buttons of the same command cannot share one picture.
    twice = (Button("B7 ✓", "collected 7"), Button("B8 ✓", "collected 8"))
    assert [emoji for emoji, _ in reactions(twice)] == ["1️⃣", "2️⃣"]


def reacting(key: str) -> dict:  # type: ignore[type-arg]
    return event(
        {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$poll", "key": key}},
        "m.reaction",
    )


def test_a_reaction_counts_only_for_the_button_it_stands_for() -> None:
    button = pressed(reacting("4️⃣"), VOTES)
    assert button is not None
    vote = press(reacting("4️⃣"), ROOM, ANA, "$poll", button, "!")
    assert isinstance(vote, ButtonPress) and (vote.message_id, vote.data) == ("$poll", "vote P1 4")
    assert vote.toast_id == "@ana:example.org"  # short answers go to her direct room
    assert pressed(reacting("🎉"), VOTES) is None
    assert pressed(reacting("1️⃣"), ()) is None  # a message without buttons


def test_a_private_button_is_a_link_to_the_pressers_direct_chat() -> None:
    vote = Button("Vote", "vote P2", private=True)
    moved = press(reacting("1️⃣"), ROOM, ANA, "$poll", vote, "!")
    assert isinstance(moved, Message)
    assert (moved.chat.kind, moved.chat.chat_id) == ("private", "@ana:example.org")
    assert moved.text == "!start vote P2"  # taken as a link: only what links may open


def test_only_the_person_who_reacted_takes_a_press_back() -> None:
    claimed = Reaction(
        chat_id=ROOM.chat_id, user_id="@ana:example.org", message_id="$post", data="unclaim 3"
    )
    undone = unpress(event({"redacts": "$r"}, "m.room.redaction"), ROOM, ANA, claimed)
    assert undone is not None and (undone.message_id, undone.data, undone.taken_back) == (
        "$post",
        "unclaim 3",
        True,
    )
    moderator = sender_of("@mod:example.org", "Mod")
    assert unpress(event({"redacts": "$r"}, "m.room.redaction"), ROOM, moderator, claimed) is None


def test_what_is_read_as_a_message() -> None:
    said = message(event({"msgtype": "m.text", "body": "!roster"}), ROOM, ANA, "!")
    assert said is not None and said.text == "!roster" and said.prefixes == ("!",)
    reply = message(
        event(
            {
                "msgtype": "m.text",
                "body": "> <@minga:example.org> About R1\n\nsee you at 5",
                "m.relates_to": {"m.in_reply_to": {"event_id": "$relay"}},
            }
        ),
        ROOM,
        ANA,
        "!",
    )
    assert reply is not None and (reply.text, reply.reply_to) == ("see you at 5", "$relay")
    edited = {
        "msgtype": "m.text",
        "body": "* !roster",
        "m.relates_to": {"rel_type": "m.replace", "event_id": "$e0"},
    }
    assert message(event(edited), ROOM, ANA, "!") is None
    assert message(event({"msgtype": "m.notice", "body": "!help"}), ROOM, ANA, "!") is None


def test_nothing_from_before_the_bot_joined() -> None:
    me = "@minga:example.org"
    join = {"type": "m.room.member", "state_key": me, "content": {"membership": "join"}}
    rename = {**join, "unsigned": {"prev_content": {"membership": "join"}}}
    said = event({"msgtype": "m.text", "body": "!help"})
    assert joined_at([said, join, said], me) == 1
    assert joined_at([said, rename, said], me) is None  # a new display name is not a join


def test_a_poll_the_group_wants_native_is_a_matrix_poll_and_responses_choose_answers() -> None:
    answers = tuple(Button(b.label, b.data, answer=True) for b in VOTES)
    assert is_poll(answers) and not is_poll(VOTES) and not is_poll(answers[:1])
    start = poll_start("P1 · proposal · Buy a fridge", answers)
    poll = start["org.matrix.msc3381.poll.start"]
    assert poll["max_selections"] == 1  # type: ignore[index]
    assert [a["id"] for a in poll["answers"]] == ["1", "2", "3", "4"]  # type: ignore[index]

    def response(content: dict) -> dict:  # type: ignore[type-arg]
        return event(
            {"m.relates_to": {"rel_type": "m.reference", "event_id": "$poll"}, **content},
            "org.matrix.msc3381.poll.response",
        )

    chosen = answered(response({"org.matrix.msc3381.poll.response": {"answers": ["4"]}}), answers)
    assert chosen is not None and chosen.data == "vote P1 4"
    stable = answered(response({"m.selections": ["2"]}), answers)
    assert stable is not None and stable.data == "vote P1 2"
    for wrong in (
        ["9"],
        ["x"],
        [],
        [4],
        ["²"],
        ["١"],
        ["1" * 5000],
        [" 1"],
        ["-1"],
        ["0" * 5000 + "1"],
        "1",
        None,
        {"1": 1},
    ):
        assert answered(response({"m.selections": wrong}), answers) is None
    for forged in (5, "answers", [1], {"answers": "1"}, {"answers": ["¹"]}):
        assert answered(response({"org.matrix.msc3381.poll.response": forged}), answers) is None
    assert answered(response({"m.selections": ["1"]}), VOTES) is None  # not a native poll


def test_a_long_message_of_emoji_or_markup_fits_the_homeservers_64_kib_per_event() -> None:
    for text in ("😀" * 20_000, "<&>" * 20_000, "\x01" * 20_000):
        pieces = parts(text)
        assert "".join(pieces) == text
        for n, piece in enumerate(pieces):
            shown = content(piece, reactions(VOTES) if n == len(pieces) - 1 else [], "!")
            assert len(json.dumps(shown, ensure_ascii=False).encode()) < 60_000
        edit = replacing("$post", content(parts(text, 2)[0], [], "!"))
        assert len(json.dumps(edit, ensure_ascii=False).encode()) < 60_000
        ended = poll_end("$poll", parts(text, 2)[0])
        assert len(json.dumps(ended, ensure_ascii=False).encode()) < 60_000


def test_the_legend_names_the_command_as_the_reader_types_it() -> None:
    es = translator(load_catalogs(), "es")
    pairs = reactions(
        (
            es.button("Ayudo", "claim 1", undo="unclaim 1"),
            es.button("mesa", "signup 4 table", said="signup S4 mesa"),
        )
    )
    assert content("R1", pairs, "!")["body"] == (
        "R1\n\n1️⃣ Ayudo (!ayudar 1) · 2️⃣ mesa (!anotarme S4 mesa)"
    )
    assert pairs[0][1].data == "claim 1"  # a press still carries the core's own words
    pairs = reactions((Button("Handed over", "handed 2"),))  # no one types it: as it is
    assert content("O2", pairs, "!")["body"] == "O2\n\n✅ Handed over (!handed 2)"
