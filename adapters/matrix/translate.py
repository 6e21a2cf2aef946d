"""Matrix events (their JSON, decrypted where they were encrypted) as minga's neutral events.

A direct room is known to minga by the person's user id, not the room's: the adapter
finds or opens the room itself, so minga can write to anyone it has seen in a group room.
"""

import re
from collections.abc import Mapping
from typing import Any

from adapters.matrix.render import POLL_RESPONSES, reactions
from bot.messages import Arrived, Button, ButtonPress, Chat, Message, Sender
from bot.model import Reaction

PLATFORM = "matrix"
ANSWER_ID = re.compile(r"[0-9]{1,2}")
REPLY_FALLBACK = re.compile(r"\A(> .*\n)+\n")  # the quoted message a reply starts with


def chat_of(room_id: str, direct_with: str | None, title: str | None) -> Chat:
    """A direct room is the person's private chat; an answer goes to the room they wrote
    in, should they have several with minga."""
    return (
        Chat(PLATFORM, direct_with, "private", address=room_id)
        if direct_with
        else Chat(PLATFORM, room_id, "group", title)
    )


def sender_of(user_id: str, name: str | None) -> Sender:
    localpart = user_id[1:].split(":", 1)[0]
    # "@ana:example.org" is what people type to find each other; minga writes it as @handle.
    return Sender(PLATFORM, user_id, name or localpart, handle=user_id[1:], private_chat_id=user_id)


def relation(source: Mapping[str, Any]) -> Mapping[str, Any]:
    related = source.get("content", {}).get("m.relates_to")
    return related if isinstance(related, Mapping) else {}


def message(source: Mapping[str, Any], chat: Chat, sender: Sender, prefix: str) -> Message | None:
    """A text someone wrote; edits, notices (other bots) and files are left alone."""
    content = source.get("content", {})
    body = content.get("body")
    if content.get("msgtype") != "m.text" or not isinstance(body, str):
        return None
    related = relation(source)
    if related.get("rel_type") == "m.replace":
        return None  # an edit: what was asked was already answered
    reply_to = related.get("m.in_reply_to", {}).get("event_id")
    if reply_to:
        body = REPLY_FALLBACK.sub("", body, count=1)  # clients quote the message answered
    return Message(
        source["event_id"], chat, sender, body.strip(), prefixes=(prefix,), reply_to=reply_to
    )


def pressed(source: Mapping[str, Any], buttons: tuple[Button, ...]) -> Button | None:
    """The button a reaction on one of minga's messages stands for, if any."""
    key = relation(source).get("key")
    return next((b for emoji, b in reactions(buttons) if emoji == key), None)


def answered(source: Mapping[str, Any], buttons: tuple[Button, ...]) -> Button | None:
    """The answer a response to a Matrix poll chose (the latest response counts)."""
    content = source.get("content")
    response = content.get(POLL_RESPONSES[0]) if isinstance(content, Mapping) else None
    chosen = (response.get("answers") if isinstance(response, Mapping) else None) or (
        content.get("m.selections") if isinstance(content, Mapping) else None
    )
    # A modified client may send anything here: only the answer ids minga gave ("1"…"20").
    place = (
        chosen[0]
        if isinstance(chosen, list)
        and chosen
        and isinstance(chosen[0], str)
        and ANSWER_ID.fullmatch(chosen[0])
        else "0"
    )
    n = int(place)
    return buttons[n - 1] if 0 < n <= len(buttons) and buttons[n - 1].answer else None


def press(
    source: Mapping[str, Any], chat: Chat, sender: Sender, target: str, button: Button, prefix: str
) -> ButtonPress | Message:
    """A reaction counts for the button it stands for. A private button is a link, as on
    Telegram: it brings `start` with its payload to the presser's direct room."""
    if button.private:
        return Message(
            source["event_id"],
            Chat(PLATFORM, sender.user_id, "private"),
            sender,
            f"{prefix}start {button.data}",
            prefixes=(prefix,),
        )
    # A short answer to a press goes to the presser alone, in their direct room.
    return ButtonPress(
        source["event_id"], chat, sender, target, button.data, toast_id=sender.user_id
    )


def unpress(
    source: Mapping[str, Any], chat: Chat, sender: Sender, reaction: Reaction
) -> ButtonPress | None:
    """A reaction taken back by the person who reacted, as the press that undoes it."""
    if reaction.user_id != sender.user_id:
        return None
    return ButtonPress(
        source["event_id"],
        chat,
        sender,
        reaction.message_id,
        reaction.data,
        toast_id=sender.user_id,
        taken_back=True,
    )


def redacted(source: Mapping[str, Any]) -> str | None:
    """The event a redaction removes (top level before room version 11, content after)."""
    target = source.get("redacts") or source.get("content", {}).get("redacts")
    return target if isinstance(target, str) else None


def arrived(source: Mapping[str, Any], chat: Chat, sender: Sender) -> Arrived | None:
    """Someone joining a group room by themselves (not a new name or picture)."""
    content = source.get("content", {})
    if (
        chat.kind != "group"
        or source.get("state_key") != sender.user_id
        or content.get("membership") != "join"
        or source.get("unsigned", {}).get("prev_content", {}).get("membership") == "join"
    ):
        return None
    named = sender_of(sender.user_id, content.get("displayname") or None)
    return Arrived(source["event_id"], chat, named)


def is_join(source: Mapping[str, Any]) -> bool:
    """Someone came in (not a change of name or picture of someone already in)."""
    content = source.get("content")
    before = source.get("unsigned", {}).get("prev_content", {})
    return (
        isinstance(content, Mapping)
        and content.get("membership") == "join"
        and isinstance(before, Mapping)
        and before.get("membership") != "join"
    )


def joined_at(events: list[Mapping[str, Any]], me: str) -> int | None:
    """Where in these events the bot itself joined the room, if it did."""
    for n in range(len(events) - 1, -1, -1):
        event = events[n]
        if event.get("type") == "m.room.member" and event.get("state_key") == me and is_join(event):
            return n
    return None
