"""The neutral language between adapters and the core: events in, actions out.

Frozen dataclasses holding ids and text only, never a platform's client objects.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, SupportsIndex

ChatKind = Literal["private", "group"]


@dataclass(frozen=True)
class Sender:
    platform: str
    user_id: str
    name: str
    handle: str | None = None
    language: str | None = None  # what the platform says the person's client uses
    # Where the platform can write to this person privately before they ever write there
    # (Matrix opens a direct room on demand); None where they must start it (Telegram).
    private_chat_id: str | None = None


@dataclass(frozen=True)
class Chat:
    platform: str
    chat_id: str
    kind: ChatKind
    title: str | None = None
    # Where exactly to answer when a platform has several places for one chat (a person's
    # Matrix direct rooms): opaque to the core, which carries it to the replies.
    address: str | None = None


@dataclass(frozen=True)
class Message:
    event_id: str
    chat: Chat
    sender: Sender
    text: str
    bot_name: str | None = None  # our own name on the platform: "/help@otherbot" is not for us
    prefixes: tuple[str, ...] = ("/",)  # what starts a command on this platform
    reply_to: str | None = None  # the platform's id of one of our messages this answers
    anonymous: bool = False  # written as the group or a channel: no person to answer


@dataclass(frozen=True)
class ButtonPress:
    """A press of a button on one of minga's messages. `data` is only what the client says:
    the core runs it only if that very message in that chat shows such a button now."""

    event_id: str
    chat: Chat
    sender: Sender
    message_id: str  # the platform's id of the message the button is on
    data: str
    toast_id: str | None = None  # where the platform shows a short answer to the presser
    taken_back: bool = False  # the press is taken back (a Matrix reaction removed): its undo


@dataclass(frozen=True)
class ChatMoved:
    """The platform gave a chat a new id (a Telegram group became a supergroup)."""

    event_id: str
    chat: Chat  # as it was
    new_chat_id: str


@dataclass(frozen=True)
class Added:
    """The bot was added to a chat."""

    event_id: str
    chat: Chat
    sender: Sender


@dataclass(frozen=True)
class Arrived:
    """Someone came into a chat minga is in (Matrix shows who joins a room)."""

    event_id: str
    chat: Chat
    sender: Sender


@dataclass(frozen=True)
class Unreadable:
    """A private message the platform could not decrypt for minga (its keys came too late)."""

    event_id: str
    chat: Chat
    sender: Sender


@dataclass(frozen=True)
class Due:
    """A scheduled row fell due; the scheduler edge turns due times into this. `fired_at`:
    when the scheduler found it due, which says whether minga was running at its time
    (None: now)."""

    job_id: int
    fired_at: datetime | None = None


Event = Message | ButtonPress | ChatMoved | Added | Arrived | Unreadable | Due


ANSWER = ">"  # button data that starts with this answers the question a dialog asked


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # a command line such as "join 3"; at most 64 bytes (Telegram's callback limit)
    # A link to the private chat with the bot that carries `data` as `/start data`; only the
    # payloads of bot/handlers/people.py's LINKS are taken from it.
    private: bool = False
    # What takes a press back, where a platform lets people take one back (a Matrix reaction
    # removed); None when a press stays done.
    undo: str | None = None
    # One of a poll's answers, for a platform that can show the poll as its own.
    answer: bool = False
    # What a person types to do the same, in the words of the button's label (Translator.
    # button): 'ayudar 3' for 'claim 3'. None: the data itself. Shown where a platform names
    # a button's command (Matrix's legend); a press always carries `data`.
    typed: str | None = None

    def __post_init__(self) -> None:
        for line in (self.data, self.undo or ""):
            if len(line.encode()) > 64:
                raise ValueError(f"button data over 64 bytes: {line!r}")


@dataclass(frozen=True)
class Attachment:
    name: str  # the file name the person sees, e.g. "minga.ics"
    mime: str
    data: bytes


Style = Literal["strong", "code"]  # a title's words; a number such as R12, S4 or P3


@dataclass(frozen=True)
class Mark:
    """A stretch of a text shown in a style: characters `start` to `end` (not included)."""

    start: int
    end: int
    style: Style


class Rich(str):
    """A text with stretches marked for the platforms that can show them (a post's title in
    bold, its number in monospace). It is a str, its one plain form: what the console shows
    and what is counted, compared and stored. `+`, `Rich.join` and a slice keep the marks of
    their characters; anything else that makes a new str of it (an f-string, a str method)
    keeps the plain text only, which is never wrong, only plainer. Its marks are in order
    and never overlap. A mark never adds a character: the renderers, which escape, decide
    how a style looks."""

    marks: tuple[Mark, ...]

    def __new__(cls, text: str = "", marks: tuple[Mark, ...] = ()) -> "Rich":
        made = super().__new__(cls, text)
        made.marks = marks
        return made

    def __add__(self, other: str) -> "Rich":
        return Rich(str.__add__(self, other), self.marks + _moved(other, len(self)))

    def __radd__(self, other: str) -> "Rich":
        return Rich(other + str(self), _moved(self, len(other)))

    def __getitem__(self, key: SupportsIndex | slice) -> str:
        plain = str.__getitem__(self, key)
        if not isinstance(key, slice) or key.step not in (None, 1):
            return plain
        start, end, _ = key.indices(len(self))
        return Rich(
            plain,
            tuple(
                Mark(max(m.start, start) - start, min(m.end, end) - start, m.style)
                for m in self.marks
                if m.start < end and start < m.end
            ),
        )

    def join(self, items: Iterable[str]) -> "Rich":
        texts: list[str] = []
        marks: list[Mark] = []
        at = 0
        for n, item in enumerate(items):
            if n:
                marks += _moved(self, at)
                at += len(self)
            marks += _moved(item, at)
            texts.append(item)
            at += len(item)
        return Rich(str(self).join(texts), tuple(marks))


def marks_of(text: str) -> tuple[Mark, ...]:
    return text.marks if isinstance(text, Rich) else ()


def _moved(text: str, by: int) -> tuple[Mark, ...]:
    return tuple(Mark(m.start + by, m.end + by, m.style) for m in marks_of(text))


def strong(text: str) -> Rich:
    """A title, or the words of one that say what a post is about."""
    return Rich(text, (Mark(0, len(text), "strong"),) if text else ())


def code(text: str) -> Rich:
    """A number people type back, such as R12: shown apart from the words around it."""
    return Rich(text, (Mark(0, len(text), "code"),) if text else ())


LINE = Rich("\n")  # LINE.join(lines): lines that keep their marks


@dataclass(frozen=True)
class Reply:
    """An answer in the chat the event came from, with a file if there is one."""

    text: str
    buttons: tuple[Button, ...] = ()
    attachment: Attachment | None = None
    transient: bool = False  # not kept once sent (see PrivateMessage)


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
    """To one person, in their private chat with the bot; `key` lets a reply to it be routed."""

    person_id: int
    text: str
    buttons: tuple[Button, ...] = ()
    key: str | None = None
    # Deleted from the outbox as soon as it is sent: what must not stay even for the days
    # private texts are otherwise kept (a secret vote's confirmation, /mydata's answer).
    transient: bool = False


Action = Reply | Post | Edit | PrivateMessage
