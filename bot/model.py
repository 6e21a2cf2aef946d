"""What the core knows about the world: plain records, loaded and saved by storage."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any, Literal

from bot.messages import Attachment, Button, ChatKind

MemberStatus = Literal["newcomer", "trusted", "left"]
LinkKind = Literal["chat", "identity", "invite"]
WebLinkKind = Literal["week", "calendar"]
JobOutcome = Literal["sent", "late", "missed", "cancelled", "failed"]
Revote = Literal["new", "changed", "same"]  # a named vote, against the voter's earlier one


class JobKind(StrEnum):
    """What a scheduled row does when it falls due (bot/jobs.py); the value is stored."""

    FOUNDING_CLOSED = "founding_closed"
    REQUEST_BUMP = "request_bump"
    REQUEST_NUDGE = "request_nudge"
    REQUEST_EXPIRE = "request_expire"
    REQUEST_ANONYMISE = "request_anonymise"
    REQUEST_REFER = "request_refer"
    OFFER_EXPIRE = "offer_expire"
    SHIFT_POST = "shift_post"
    SHIFT_COVERAGE = "shift_coverage"
    SHIFT_EXTEND = "shift_extend"
    SHIFT_REMINDER = "shift_reminder"
    SHIFT_ROTATION = "shift_rotation"
    SWAP_EXPIRE = "swap_expire"
    PICKUP_REMINDER = "pickup_reminder"
    PICKUP_CLOSE = "pickup_close"
    POLL_CLOSE = "poll_close"
    POLL_TALLY = "poll_tally"
    POLL_REMIND = "poll_remind"
    PRUNE = "prune"


@dataclass(frozen=True, kw_only=True)
class Person:
    id: int
    name: str
    language: str | None
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class Identity:
    id: int
    person_id: int
    platform: str
    user_id: str
    handle: str | None
    name: str


@dataclass(frozen=True, kw_only=True)
class ChatRecord:
    id: int
    platform: str
    chat_id: str
    kind: ChatKind
    title: str | None
    group_id: int | None
    person_id: int | None  # set for a private chat: whose chat with the bot it is


@dataclass(frozen=True, kw_only=True)
class Group:
    id: int
    name: str
    created_at: datetime
    founding_until: datetime
    settings: Mapping[str, str] = field(default_factory=dict)  # only the values set explicitly


@dataclass(frozen=True, kw_only=True)
class Network:
    """Groups that each agreed, by a binding proposal of their own, to work together. It
    has no officers and no rules over its groups: each group is in it or leaves it."""

    id: int
    name: str
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class NetworkGroup:
    """A group's place in a network; a group is in one network at most."""

    network_id: int
    group_id: int
    joined_at: datetime


@dataclass(frozen=True, kw_only=True)
class Member:
    id: int
    group_id: int
    person_id: int
    name: str
    handle: str | None
    status: MemberStatus
    joined_at: datetime
    # Since when they are trusted: who may vote on a binding proposal is fixed by it.
    trusted_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class Scene:
    """Who speaks, where, as minga knows them: read in one go when an event arrives."""

    person: Person | None
    identity: tuple[str | None, str] | None  # the handle and name kept for their account
    chat: ChatRecord | None
    group: Group | None  # the chat's group
    member: Member | None  # the speaker on that group's roster
    reachable: bool  # the private chat the sender's platform named is known to be theirs


@dataclass(frozen=True, kw_only=True)
class Dialog:
    """A command being filled in step by step; stored so a restart loses nothing."""

    person_id: int
    chat_id: int
    command: str
    answers: Mapping[str, Any]


@dataclass(frozen=True, kw_only=True)
class Job:
    id: int
    kind: JobKind
    ref_id: int
    due_at: datetime
    done_at: datetime | None = None
    outcome: JobOutcome | None = None
    attempts: int = 0  # tries that failed
    next_attempt_at: datetime | None = None  # after a failed try: when it is tried again
    failed: str | None = None  # why it was given up

    @property
    def runs_at(self) -> datetime:
        """When it is run next: at its time, or after a failed try at the retry's."""
        return self.next_attempt_at or self.due_at


@dataclass(frozen=True, kw_only=True)
class LinkCode:
    code: str
    kind: LinkKind
    group_id: int | None
    person_id: int
    expires_at: datetime
    used_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class WebLink:
    """A person's private link to a web page: a group's week ("week", with its group) or
    their own calendar feed ("calendar"). Its token is kept only as a digest."""

    id: int
    kind: WebLinkKind
    group_id: int | None
    person_id: int
    created_at: datetime


class Priority(IntEnum):
    """Who waits for a message, in the order a platform's shared budget serves them."""

    ANSWER = 0  # the person who just acted (a reply, a note their action caused)
    POST = 1  # a group post a person's action made
    BULK = 2  # scheduled waves (reminders) and changes of posts already shown (tallies)


@dataclass(frozen=True, kw_only=True)
class OutboxMessage:
    id: int
    platform: str
    chat_id: str
    kind: Literal["send", "edit", "toast"]  # a toast answers a button press, briefly
    key: str | None
    text: str
    buttons: tuple[Button, ...]
    attempts: int
    message_id: str | None  # for an edit: the platform's id of the message to change
    attachment: Attachment | None = None
    priority: Priority = Priority.POST
    # For an edit of a message sent in parts: every part's id, in order (the last is
    # message_id, the one with the buttons).
    parts: tuple[str, ...] = ()
    # Where on the platform to send, when a chat has several places (a person with two
    # Matrix direct rooms): the one they wrote in. None: the adapter chooses.
    address: str | None = None
    transient: bool = False  # not kept once sent


@dataclass(frozen=True, kw_only=True)
class AuditEntry:
    id: int
    at: datetime
    group_id: int | None
    actor_id: int | None
    action: str
    detail: Mapping[str, Any]


RequestState = Literal["open", "claimed", "done", "cancelled", "expired"]
OfferState = Literal["open", "closed", "expired"]


@dataclass(frozen=True, kw_only=True)
class HelpRequest:
    """Someone needs something. Shown by its number (R17), never by who asked unless they chose."""

    id: int
    group_id: int
    requester_id: int | None  # None once anonymised or forgotten
    category: str
    description: str
    area: str
    needed_by: datetime | None  # None: as soon as possible
    urgent: bool
    contact: Literal["relay", "share"]
    show_name: bool
    state: RequestState
    claimer_id: int | None
    created_at: datetime
    changed_at: datetime
    thanks: str | None = None
    # The person agreed that, if nobody in the group takes it, it may be offered (without
    # their name) to the other groups of the group's network.
    refer: bool = False
    # The group whose roster the volunteer took it from: its own, or one it was offered to.
    helper_group_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class Offer:
    id: int
    group_id: int
    offerer_id: int | None
    category: str
    what: str
    area: str
    quantity: int | None  # None: a skill, offered without counting
    remaining: int | None
    until: datetime | None
    state: OfferState
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class Take:
    id: int
    offer_id: int
    person_id: int | None
    created_at: datetime
    handed_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class Activity:
    """What recurs: "Box distribution, Saturdays 10:00-13:00, 4 packers, 6 at the table"."""

    id: int
    group_id: int
    name: str
    kind: Literal["shift", "collection"]  # a collection is a donor pickup
    weekday: int  # 0 is Monday
    start: str  # local wall time "HH:MM" in the group's zone
    minutes: int
    weekly: bool
    roles: tuple[tuple[str, int], ...]
    state: Literal["active", "cancelled"]
    created_at: datetime
    # When a shift of it opens, those who took it least lately are asked first, privately.
    rotating: bool = False


@dataclass(frozen=True, kw_only=True)
class RolePlaces:
    role: str
    places: int
    taken: int


@dataclass(frozen=True, kw_only=True)
class Shift:
    """One occurrence of an activity, shown as S45."""

    id: int
    activity_id: int
    group_id: int
    name: str
    kind: Literal["shift", "collection"]
    starts_at: datetime
    ends_at: datetime
    state: Literal["scheduled", "cancelled"]
    roles: tuple[RolePlaces, ...]
    posted: bool = False


@dataclass(frozen=True, kw_only=True)
class Signup:
    id: int
    shift_id: int
    role: str
    person_id: int
    name: str
    state: Literal["in", "waiting"]
    giving_away: bool
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class Swap:
    """A trade of places: `signup_id` for `other_signup_id` (chosen by the partner)."""

    id: int
    signup_id: int
    other_signup_id: int | None
    wanted_shift_id: int | None
    partner_id: int | None
    state: Literal["asked", "offered", "done", "declined", "expired"]
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class Prefs:
    person_id: int
    hours: tuple[int, ...]  # reminders this many hours before; empty: none
    quiet_from: int | None  # local hours when nothing is sent, from..to
    quiet_to: int | None


@dataclass(frozen=True, kw_only=True)
class PickupSlot:
    id: int
    group_id: int
    place: str
    starts_at: datetime
    ends_at: datetime
    boxes: int
    booked: int


@dataclass(frozen=True, kw_only=True)
class Booking:
    """A recipient's box in a pickup window, shown as B7."""

    id: int
    slot_id: int
    person_id: int | None
    state: Literal["booked", "collected", "missed", "cancelled"]
    created_at: datetime


PollKind = Literal["proposal", "consent", "choice", "time", "dot", "ranked"]


@dataclass(frozen=True, kw_only=True)
class Poll:
    """A group decision, shown as P3."""

    id: int
    group_id: int
    author_id: int | None
    kind: PollKind
    title: str
    options: tuple[str, ...]  # the answers for proposal and consent; candidates otherwise
    max_choices: int
    points: int
    write_in: bool
    quorum: int  # percent of those who may vote
    trusted_only: bool
    secret: bool
    hidden: bool  # results shown only once it closes
    closes_at: datetime
    state: Literal["open", "closed"]
    result: str | None
    outcome: str | None
    action: str | None  # a command the group carries out if the proposal passes
    action_done: bool
    created_at: datetime
    subject_id: int | None = None  # the person a binding trust or removal is about
    network_id: int | None = None  # an assembly: voted by every group of this network

    @property
    def electorate(self) -> "Electorate":
        """On a binding proposal: the members trusted when it opened and still on the
        roster, except the one it is about; accounts trusted since then do not count."""
        if self.action:
            return Electorate(
                trusted_only=True, trusted_by=self.created_at, excluded=self.subject_id
            )
        return Electorate(trusted_only=self.trusted_only)


@dataclass(frozen=True, kw_only=True)
class Electorate:
    """Who on a group's roster may vote on a poll. Storage counts it in SQL from these
    same fields (storage/polls.py, `_eligible`)."""

    trusted_only: bool
    trusted_by: datetime | None = None  # trusted then or earlier
    excluded: int | None = None

    def admits(self, member: Member) -> bool:
        return (
            member.status != "left"
            and (member.status == "trusted" or not self.trusted_only)
            and (
                self.trusted_by is None
                or (member.trusted_at is not None and member.trusted_at <= self.trusted_by)
            )
            and member.person_id != self.excluded
        )


@dataclass(frozen=True, kw_only=True)
class Turnout:
    voted: int
    eligible: int
    missing: int  # of those who may vote, how many have not


@dataclass(frozen=True, kw_only=True)
class Reaction:
    """A reaction that pressed a button (Matrix)."""

    chat_id: str
    user_id: str
    message_id: str  # the message whose button it pressed
    data: str  # what takes the press back (the button's undo)
