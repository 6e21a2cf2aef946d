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
REPLY_FALLBACK = re.compile(r"\A(> .*\n)+\n")  # the quoted message a reply starts with


def chat_of(room_id: str, direct_with: str | None, title: str | None) -> Chat:
    return (Chat(PLATFORM, direct_with, "private") if direct_with
            else Chat(PLATFORM, room_id, "group", title))


def sender_of(user_id: str, name: str | None) -> Sender:
    localpart = user_id[1:].split(":", 1)[0]
    # "@ana:example.org" is what people type to find each other; minga writes it as @handle.
    return Sender(PLATFORM, user_id, name or localpart, handle=user_id[1:],
                  private_chat_id=user_id)


def relation(source: Mapping[str, Any]) -> Mapping[str, Any]:
    related = source.get("content", {}).get("m.relates_to")
    return related if isinstance(related, Mapping) else {}


def message(source: Mapping[str, Any], chat: Chat, sender: Sender, prefix: str
            ) -> Message | None:
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
    return Message(source["event_id"], chat, sender, body.strip(), prefixes=(prefix,),
                   reply_to=reply_to)


def pressed(source: Mapping[str, Any], buttons: tuple[Button, ...]) -> Button | None:
    """The button a reaction on one of minga's messages stands for, if any."""
    key = relation(source).get("key")
    return next((b for emoji, b in reactions(buttons) if emoji == key), None)


def answered(source: Mapping[str, Any], buttons: tuple[Button, ...]) -> Button | None:
    """The answer a response to a Matrix poll chose (the latest response counts)."""
    content = source.get("content", {})
    chosen = (content.get(POLL_RESPONSES[0], {}).get("answers")
              or content.get("m.selections") or [])
    # minga numbers the answers 1, 2, 3 …: anything else (², ١, 10**5000) chooses nothing
    place = chosen[0] if chosen and isinstance(chosen[0], str) else ""
    n = int(place) if re.fullmatch(r"[0-9]{1,3}", place) else 0
    return buttons[n - 1] if 0 < n <= len(buttons) and buttons[n - 1].answer else None


def press(source: Mapping[str, Any], chat: Chat, sender: Sender, button: Button
          ) -> ButtonPress:
    """A reaction counts for the button it stands for. A private button pressed in a group
    room runs in the presser's direct room."""
    where = (Chat(PLATFORM, sender.user_id, "private") if button.private and chat.kind == "group"
             else chat)
    # A short answer to a press goes to the presser alone, in their direct room.
    return ButtonPress(source["event_id"], where, sender, button.data, toast_id=sender.user_id)


def unpress(source: Mapping[str, Any], chat: Chat, sender: Sender, reaction: Reaction
            ) -> ButtonPress | None:
    """A reaction taken back by the person who reacted, as the press that undoes it."""
    if reaction.user_id != sender.user_id:
        return None
    return ButtonPress(source["event_id"], chat, sender, reaction.data, toast_id=sender.user_id)


def redacted(source: Mapping[str, Any]) -> str | None:
    """The event a redaction removes (top level before room version 11, content after)."""
    target = source.get("redacts") or source.get("content", {}).get("redacts")
    return target if isinstance(target, str) else None


def arrived(source: Mapping[str, Any], chat: Chat, sender: Sender) -> Arrived | None:
    """Someone joining a group room by themselves (not a new name or picture)."""
    content = source.get("content", {})
    if (chat.kind != "group" or source.get("state_key") != sender.user_id
            or content.get("membership") != "join"
            or source.get("unsigned", {}).get("prev_content", {}).get("membership") == "join"):
        return None
    named = sender_of(sender.user_id, content.get("displayname") or None)
    return Arrived(source["event_id"], chat, named)


def joined_at(events: list[Mapping[str, Any]], me: str) -> int | None:
    """Where in these events the bot itself joined the room, if it did."""
    for n in range(len(events) - 1, -1, -1):
        event = events[n]
        if (event.get("type") == "m.room.member" and event.get("state_key") == me
                and event.get("content", {}).get("membership") == "join"
                and event.get("unsigned", {}).get("prev_content", {}).get("membership")
                != "join"):
            return n
    return None
