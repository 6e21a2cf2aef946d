"""The neutral language between adapters and the core: events in, actions out.

Frozen dataclasses holding ids and text only, never a platform's client objects.
"""

from dataclasses import dataclass
from typing import Literal

ChatKind = Literal["private", "group"]


@dataclass(frozen=True)
class Sender:
    platform: str
    user_id: str
    name: str
    handle: str | None = None
    language: str | None = None  # what the platform says the person's client uses


@dataclass(frozen=True)
class Chat:
    platform: str
    chat_id: str
    kind: ChatKind
    title: str | None = None


@dataclass(frozen=True)
class Message:
    event_id: str
    chat: Chat
    sender: Sender
    text: str
    bot_name: str | None = None  # our own name on the platform: "/help@otherbot" is not for us
    prefixes: tuple[str, ...] = ("/",)  # what starts a command on this platform


@dataclass(frozen=True)
class ButtonPress:
    event_id: str
    chat: Chat
    sender: Sender
    data: str


@dataclass(frozen=True)
class Due:
    """A scheduled row fell due; the scheduler edge turns due times into this."""

    job_id: int


Event = Message | ButtonPress | Due


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # a command line such as "join 3"; at most 64 bytes (Telegram's callback limit)


@dataclass(frozen=True)
class Reply:
    """An answer in the chat the event came from."""

    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class Post:
    """A message to every chat of a group; `key` names it so a later Edit can change it."""

    group_id: int
    text: str
    buttons: tuple[Button, ...] = ()
    key: str | None = None


@dataclass(frozen=True)
class Edit:
    """Change an earlier Post in place, wherever it was posted."""

    group_id: int
    key: str
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class PrivateMessage:
    person_id: int
    text: str
    buttons: tuple[Button, ...] = ()


Action = Reply | Post | Edit | PrivateMessage
