"""What the core needs from the outside, as Protocols: a clock and a unit of work."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol, Self

from bot.messages import Attachment, Button, Chat, Sender
from bot.model import (
    Activity,
    AuditEntry,
    Booking,
    ChatRecord,
    Dialog,
    Group,
    HelpRequest,
    Identity,
    Job,
    JobKind,
    JobOutcome,
    LinkCode,
    LinkKind,
    Member,
    MemberStatus,
    Network,
    NetworkGroup,
    Offer,
    OfferState,
    OutboxMessage,
    Person,
    PickupSlot,
    Poll,
    Prefs,
    Priority,
    Reaction,
    RequestState,
    Revote,
    Scene,
    Shift,
    Signup,
    Swap,
    Take,
    Turnout,
    WebLink,
    WebLinkKind,
)


class Clock(Protocol):
    def now(self) -> datetime:
        """Aware UTC wall time."""

    def monotonic(self) -> float:
        """Seconds for measuring durations."""


class People(Protocol):
    async def get(self, person_id: int) -> Person: ...
    async def by_identity(self, platform: str, user_id: str) -> Person | None: ...
    async def register(self, sender: Sender, language: str | None, now: datetime) -> Person: ...
    async def refresh_identity(self, sender: Sender) -> None: ...
    async def set_language(self, person_id: int, language: str) -> None: ...
    async def identities(self, person_id: int) -> list[Identity]: ...
    async def merge(self, keep_id: int, gone_id: int) -> None: ...
    async def forget(
        self, person_id: int, words: Sequence[str], addresses: Sequence[tuple[str, str]]
    ) -> None:
        """Erase everything that names or addresses the person: name, language, accounts,
        roster places and vouches, private chats, dialogs, codes, reminder wishes,
        reactions; every message to one of `addresses` (platform, chat id); and `words`
        wherever others' texts keep them. History keeps the bare id."""


class Scenes(Protocol):
    async def load(self, chat: Chat, sender: Sender) -> Scene:
        """Who speaks where, in one read; the people, group and membership it finds are
        not read again in this unit of work."""


class Chats(Protocol):
    async def get(self, platform: str, chat_id: str) -> ChatRecord | None: ...
    async def ensure(self, chat: Chat, person_id: int | None) -> ChatRecord: ...
    async def attach(self, chat_record_id: int, group_id: int) -> None: ...
    async def of_group(self, group_id: int) -> list[ChatRecord]: ...
    async def private_of(self, person_id: int) -> list[ChatRecord]: ...
    async def move(self, platform: str, chat_id: str, new_chat_id: str) -> None: ...


class Cursors(Protocol):
    """Where an adapter is in its platform's stream (a Telegram offset, a Matrix token)."""

    async def get(self, name: str) -> str | None: ...
    async def set(self, name: str, value: str) -> None: ...


class Reactions(Protocol):
    """Reactions that pressed a button with an undo (Matrix), kept a while so that removing
    one can undo the press."""

    async def add(
        self, platform: str, event_id: str, reaction: Reaction, now: datetime
    ) -> None: ...
    async def take(self, platform: str, event_id: str) -> Reaction | None:
        """The reaction, forgotten as it is returned; None if it pressed nothing to undo."""


class Groups(Protocol):
    async def create(self, name: str, now: datetime, founding_until: datetime) -> Group: ...
    async def get(self, group_id: int) -> Group | None: ...
    async def by_name(self, name: str) -> Group | None: ...
    async def many(self, group_ids: Sequence[int]) -> list[Group]:
        """These groups in this order (those that exist), in one statement."""

    async def all(self) -> list[Group]: ...
    async def of_person(self, person_id: int) -> list[Group]: ...
    async def set_setting(self, group_id: int, key: str, value: str) -> None: ...
    async def take_turn(self, group_id: int) -> None:
        """Until this transaction ends, others taking a turn on the group wait: what it
        counts after this stays counted when it commits."""


class Members(Protocol):
    async def get(self, group_id: int, person_id: int) -> Member | None: ...
    async def among(self, group_ids: list[int], person_id: int) -> list[Member]: ...
    async def in_network(self, network_id: int, person_id: int) -> list[Member]:
        """The person's memberships of the groups now in the network."""

    async def join(
        self, group_id: int, person_id: int, status: MemberStatus, now: datetime
    ) -> Member: ...
    async def set_status(self, member_id: int, status: MemberStatus, now: datetime) -> None:
        """Becoming trusted records since when; staying trusted keeps it; else it is gone."""

    async def roster(self, group_id: int) -> list[Member]: ...
    async def count(self, group_id: int) -> int:
        """How many are on the roster."""

    async def vouch(self, voucher_id: int, member_id: int, now: datetime) -> bool: ...
    async def vouchers(self, member_id: int) -> list[Member]: ...
    async def unvouch(self, voucher_id: int, member_id: int) -> bool: ...


class Dialogs(Protocol):
    async def get(self, person_id: int, chat_id: int) -> Dialog | None: ...
    async def save(self, dialog: Dialog, now: datetime) -> None: ...
    async def clear(self, person_id: int, chat_id: int) -> bool: ...


class Inbox(Protocol):
    async def record(self, platform: str, event_id: str, now: datetime) -> bool:
        """False when this event was handled before."""

    async def prune(self, before: datetime) -> int:
        """Forget events received before then (past any redelivery); how many went."""


class Outbox(Protocol):
    async def send(
        self,
        platform: str,
        chat_id: str,
        text: str,
        buttons: Sequence[Button],
        key: str | None,
        now: datetime,
        attachment: Attachment | None = None,
        transient: bool = False,
        priority: Priority = Priority.POST,
        address: str | None = None,
    ) -> None:
        """A transient message is deleted once sent (or given up)."""

    async def edit(
        self,
        platform: str,
        chat_id: str,
        key: str,
        text: str,
        buttons: Sequence[Button],
        now: datetime,
    ) -> None: ...
    async def toast(
        self, platform: str, chat_id: str, toast_id: str, text: str, now: datetime
    ) -> None: ...
    async def lanes_due(
        self, platform: str, now: datetime, owner: str, limit: int
    ) -> list[tuple[str, Priority]]:
        """The chats with something to send now, most urgent first, that `owner` may take."""

    async def lane(
        self, platform: str, chat_id: str, now: datetime, limit: int
    ) -> list[OutboxMessage]:
        """What one chat can be sent now, in its order."""

    async def toasts(self, platform: str, now: datetime, limit: int) -> list[OutboxMessage]: ...
    async def mark_sent(
        self, message: OutboxMessage, platform_ids: Sequence[str], now: datetime
    ) -> None:
        """Records what was really sent (`platform_ids`: the message's parts, in order); a
        change made meanwhile follows as an edit. What it made useless goes: a toast, a
        transient message, the edits it replaced."""

    async def defer(self, message_id: int, until: datetime) -> None: ...
    async def take(self, message_id: int, now: datetime, until: datetime) -> bool:
        """True for the one sender that sends this row now (an answer to a press)."""

    async def retry_now(self, platform: str, chat_id: str) -> None:
        """What waits to be tried again for this chat is tried at once."""

    async def prune(self, sent_before: datetime) -> int:
        """Delete sent (or given up) messages from before then, except group posts that
        may still change; how many went."""

    async def blank(self, key: str) -> None:
        """A post's stored text is erased (it is kept on the platform, not here)."""

    async def mark_failed(self, message_id: int, error: str, retry_at: datetime | None) -> None: ...
    async def readdress(
        self, platform: str, chat_id: str, to_platform: str, to_chat_id: str
    ) -> None:
        """Unsent messages for one chat go to another instead."""

    async def key_of(self, platform: str, chat_id: str, platform_message_id: str) -> str | None:
        """The key of the message we sent with this platform id, if it had one."""

    async def buttons_of(
        self, platform: str, chat_id: str, platform_message_id: str
    ) -> tuple[Button, ...]:
        """The buttons a message we sent shows now: what a press is checked against."""

    async def buttons_before(
        self, platform: str, chat_id: str, platform_message_id: str
    ) -> tuple[Button, ...]:
        """Every button a message we sent showed in any of its versions."""

    async def posted(self, message: OutboxMessage, platform_message_id: str) -> None:
        """The platform's id of a message still on its way, so a press on it is known."""


class Lanes(Protocol):
    async def claim(
        self, platform: str, chat_id: str, owner: str, now: datetime, until: datetime
    ) -> bool:
        """True when `owner` is now the one sender of this chat, until then."""

    async def hold(
        self,
        platform: str,
        chat_id: str,
        owner: str,
        until: datetime,
        ready_at: datetime | None = None,
    ) -> bool: ...
    async def free(self, platform: str, chat_id: str, owner: str, now: datetime) -> None: ...
    async def release(self, platform: str, owner: str) -> None: ...
    async def prune(self, before: datetime) -> int:
        """Forget lanes nobody held since then."""


class Audit(Protocol):
    async def add(
        self,
        group_id: int | None,
        actor_id: int | None,
        action: str,
        detail: Mapping[str, Any],
        now: datetime,
    ) -> None: ...
    async def of_group(self, group_id: int) -> list[AuditEntry]: ...


class Jobs(Protocol):
    async def add(self, kind: JobKind, ref_id: int, due_at: datetime) -> Job: ...
    async def get(self, job_id: int) -> Job | None: ...
    async def pending(self, until: datetime | None = None) -> list[Job]:
        """Not done yet, oldest first; with `until`, only those to run by then (`runs_at`)."""

    async def finish(self, job_id: int, outcome: JobOutcome, now: datetime) -> bool:
        """Compare-and-set: True only for the one caller that finished it."""

    async def fail(
        self, job_id: int, reason: str, retry_at: datetime | None, now: datetime
    ) -> None:
        """A try failed: try again at `retry_at`, or with None give up (outcome "failed",
        `reason` kept). A retry is among the unit's new jobs, for the scheduler to plan."""

    async def add_once(self, kind: JobKind, ref_id: int, due_at: datetime) -> Job | None:
        """Add it unless a job of this kind for this row is pending; None if one was."""

    async def cancel(self, kinds: Sequence[JobKind], ref_id: int, now: datetime) -> None:
        """Pending rows of these kinds for this row will not run (their time changed)."""

    async def prune(self, done_before: datetime) -> int:
        """Forget jobs done before then; how many went."""


class Links(Protocol):
    async def create(
        self, code: str, kind: LinkKind, group_id: int | None, person_id: int, expires_at: datetime
    ) -> None: ...
    async def get(self, code: str) -> LinkCode | None: ...
    async def use(self, code: str, now: datetime) -> bool:
        """Compare-and-set on used_at: a code works once."""


class WebLinks(Protocol):
    """Private links to the web pages: one per person, kind and group. Only a digest of a
    link's token is kept, so a link is shown once, when it is made."""

    async def renew(
        self, kind: WebLinkKind, person_id: int, group_id: int | None, token: str, now: datetime
    ) -> None:
        """The person's link of this kind (and group) from now on: the one before stops."""

    async def mine(self, kind: WebLinkKind, person_id: int, group_id: int | None) -> WebLink | None:
        """The person's current link of this kind and group, if any."""

    async def find(self, kind: WebLinkKind, token: str) -> WebLink | None:
        """The link this token opens; None for a wrong, old or replaced one."""


class Networks(Protocol):
    """Networks of groups, and the one join code each has: kept only as a digest, so the
    code itself is shown once, when it is made."""

    async def create(self, name: str, group_id: int, now: datetime) -> Network:
        """A new network with its first group in it."""

    async def get(self, network_id: int) -> Network | None: ...
    async def by_name(self, name: str) -> Network | None:
        """Names are compared without case: two networks are not told apart by it."""

    async def of_group(self, group_id: int) -> Network | None: ...
    async def groups(self, network_id: int) -> list[NetworkGroup]:
        """Its groups, in the order they joined."""

    async def join(self, network_id: int, group_id: int, now: datetime) -> bool:
        """False when the network is gone or the group is already in one."""

    async def leave(self, group_id: int) -> tuple[Network, int] | None:
        """The group is out of its network; the network and how many groups stay in it
        (with none, the network and its code are gone). None when it was in none."""

    async def set_code(self, network_id: int, code: str, expires_at: datetime) -> None:
        """The network's join code from now on; the one before stops working."""

    async def by_code(self, code: str, now: datetime) -> Network | None:
        """The network a code joins while it works; None for a wrong or expired one."""

    async def drop_code(self, network_id: int) -> None: ...


class Requests(Protocol):
    async def add(self, request: HelpRequest) -> HelpRequest:
        """Stores a new request (its id is ignored) and returns it with its number."""

    async def get(self, request_id: int) -> HelpRequest | None: ...
    async def change(
        self, request_id: int, states: Sequence[RequestState], now: datetime, **values: Any
    ) -> bool:
        """Conditional update: only if the request is in one of `states`; True if it was."""

    async def listed(
        self,
        group_ids: Sequence[int],
        states: Sequence[RequestState],
        category: str | None,
        area: str | None,
    ) -> list[HelpRequest]: ...
    async def of_person(self, person_id: int) -> list[HelpRequest]:
        """Requests this person made or claimed, newest first."""

    async def refer(self, request_id: int, group_id: int) -> bool:
        """The request is offered to this (sibling) group; False if it was already."""

    async def referred(self, request_id: int) -> list[int]:
        """The groups the request was offered to, besides its own."""

    async def offered_to(
        self,
        group_ids: Sequence[int],
        states: Sequence[RequestState],
        category: str | None,
        area: str | None,
    ) -> list[tuple[int, HelpRequest]]:
        """Requests of other groups offered to these groups, as (the group it was offered
        to, the request), while both groups are in one network; urgent first, then by
        number."""

    async def referred_out(self, group_id: int) -> list[HelpRequest]:
        """The group's open requests offered to a group in its network now, by number."""

    async def open_referrals(self, network_id: int) -> int:
        """How many open requests are offered from one group of the network to another."""

    async def anonymise(self, request_id: int) -> None: ...


class Offers(Protocol):
    async def add(self, offer: Offer) -> Offer: ...
    async def get(self, offer_id: int) -> Offer | None: ...
    async def take(self, offer_id: int, person_id: int, now: datetime) -> Take | None:
        """Takes one if any is left (conditional update); None when none was."""

    async def get_take(self, take_id: int) -> Take | None: ...
    async def hand_over(self, take_id: int, now: datetime) -> Take | None:
        """Marks a take handed over once; None if it was already."""

    async def change(self, offer_id: int, states: Sequence[OfferState], **values: Any) -> bool: ...
    async def listed(
        self, group_ids: Sequence[int], category: str | None, area: str | None
    ) -> list[Offer]: ...
    async def shared_with(
        self, group_ids: Sequence[int], category: str | None, area: str | None
    ) -> list[tuple[int, Offer]]:
        """Open offers of other groups shared with these groups, as (the group it was
        shared with, the offer), while both groups are in one network; by number."""

    async def of_person(self, person_id: int) -> list[Offer]: ...
    async def record_match(self, request_id: int, offer_id: int) -> bool:
        """False if this pair was matched before: at most one notice per pair."""

    async def share(self, offer_id: int, group_ids: Sequence[int]) -> None:
        """Notes the sibling groups an offer is posted in besides its own."""

    async def groups(self, offer: Offer) -> list[int]:
        """The groups an offer is posted in: its own first, then those it is shared with."""


class Shifts(Protocol):
    async def add_activity(self, activity: Activity) -> Activity: ...
    async def get_activity(self, activity_id: int) -> Activity | None: ...
    async def set_activity(self, activity_id: int, **values: Any) -> None: ...
    async def rotating(self, group_ids: Sequence[int]) -> list[Activity]:
        """The active activities of these groups that rotate, by name."""

    async def turns(
        self, activity_id: int, since: datetime, until: datetime
    ) -> list[tuple[int, datetime]]:
        """Who had a place on a scheduled shift of this activity starting from `since` to
        `until` (not included), and when that shift started: (person id, start) in time
        order."""

    async def add(self, activity: Activity, starts_at: datetime, ends_at: datetime) -> Shift: ...
    async def get(self, shift_id: int, lock: bool = False) -> Shift | None:
        """With `lock`, others changing this shift wait until this transaction ends."""

    async def of_activity(self, activity_id: int, after: datetime) -> list[Shift]:
        """Scheduled occurrences starting after `after`, soonest first."""

    async def of_group(self, group_id: int) -> list[Shift]:
        """Every shift the group ever had, cancelled ones too, in time order."""

    async def latest(self, activity_id: int) -> Shift | None:
        """The last occurrence made so far, cancelled or not."""

    async def between(
        self, group_ids: Sequence[int], start: datetime, end: datetime
    ) -> list[Shift]: ...
    async def change(self, shift_id: int, **values: Any) -> None:
        """Times or the posted mark; cancelling goes through `cancel`."""

    async def cancel(self, shift_id: int) -> bool: ...
    async def signups(self, shift_id: int) -> list[Signup]:
        """Everyone on a shift: those in, then the waitlist, each in order of signing up."""

    async def waiting(self, shift_ids: Sequence[int]) -> dict[tuple[int, str], int]:
        """How many wait for each (shift id, role) of these shifts; none waiting: absent."""

    async def signup_of(self, shift_id: int, person_id: int) -> Signup | None: ...
    async def get_signup(self, signup_id: int) -> Signup | None: ...
    async def take_place(
        self, shift_id: int, role: str, person_id: int, now: datetime
    ) -> Signup | None:
        """A place if one is free (conditional update); None when the role is full."""

    async def wait(self, shift_id: int, role: str, person_id: int, now: datetime) -> Signup: ...
    async def release(self, signup: Signup) -> Signup | None:
        """Withdraw; a place that frees goes to the first on its waitlist, who is returned."""

    async def give_away(self, signup_id: int, on: bool) -> bool: ...
    async def hand_over(self, signup_id: int, giver_id: int, taker_id: int) -> bool:
        """The place of a giveaway moves to the taker, once (conditional update); a taker
        waiting for that shift leaves its waitlist, and only if they get the place."""

    async def of_person(self, person_id: int, after: datetime) -> list[tuple[Signup, Shift]]: ...
    async def busy(
        self,
        person_id: int,
        starts_at: datetime,
        ends_at: datetime,
        except_shift: int | None = None,
    ) -> Shift | None:
        """A shift of this person's that overlaps the given time, if any."""

    async def add_swap(self, swap: Swap) -> Swap: ...
    async def get_swap(self, swap_id: int) -> Swap | None: ...
    async def change_swap(self, swap_id: int, states: Sequence[str], **values: Any) -> bool: ...
    async def exchange(self, first: Signup, second: Signup) -> bool:
        """Both places change hands at once, or neither (if either moved meanwhile); each
        person leaves the waitlist of the shift they get."""

    async def prefs(self, person_id: int) -> Prefs | None: ...
    async def set_prefs(self, prefs: Prefs) -> None: ...


class Pickups(Protocol):
    async def add_slot(self, slot: PickupSlot) -> PickupSlot: ...
    async def get_slot(self, slot_id: int) -> PickupSlot | None: ...
    async def slots(
        self, group_ids: Sequence[int], start: datetime, end: datetime
    ) -> list[PickupSlot]: ...
    async def book(self, slot_id: int, person_id: int, now: datetime) -> Booking | None:
        """A box if one is left (conditional update); None when the window is full."""

    async def get(self, booking_id: int) -> Booking | None: ...
    async def of_person(self, person_id: int, after: datetime) -> list[Booking]: ...
    async def of_slot(self, slot_id: int) -> list[Booking]: ...
    async def change(self, booking_id: int, states: Sequence[str], state: str) -> bool:
        """Conditional; a booking leaving "booked" frees its box."""

    async def wait(self, group_id: int, person_id: int, now: datetime) -> bool: ...
    async def waiting(self, group_id: int) -> list[int]: ...
    async def unwait(self, group_id: int, person_id: int) -> None: ...


class Polls(Protocol):
    async def add(self, poll: Poll) -> Poll: ...
    async def get(self, poll_id: int, lock: bool = False) -> Poll | None:
        """With `lock`, the votes of others wait until this transaction ends."""

    async def of_group(self, group_id: int, open_only: bool = False) -> list[Poll]: ...
    async def of_network(self, network_id: int) -> list[Poll]:
        """The network's open assemblies."""

    async def change(self, poll_id: int, states: Sequence[str], **values: Any) -> bool:
        """Conditional update: only while the poll is in one of `states`."""

    async def vote(self, poll_id: int, person_id: int, ballot: Mapping[str, Any]) -> Revote:
        """A named vote, replacing this person's earlier one: whether it is new, changed
        that one, or is the same ballot again (then nothing is written)."""

    async def cast_secret(self, poll_id: int, person_id: int, ballot: Mapping[str, Any]) -> bool:
        """Record that the person voted and, apart from it, count the ballot among its
        equals, leaving no trace of which count grew; False if they had voted."""

    async def ballots(self, poll: Poll) -> list[Mapping[str, Any]]: ...
    async def named(self, poll_id: int) -> list[tuple[int, str, Mapping[str, Any]]]:
        """(person id, name, ballot) of a named poll."""

    async def voters(self, poll: Poll) -> set[int]: ...
    async def turnout(self, poll: Poll) -> Turnout: ...
    async def voted(self, poll: Poll) -> int:
        """How many voted: `turnout(poll).voted`, cheaper."""

    async def all_voted(self, poll: Poll) -> bool:
        """Whether everyone who may vote has: `turnout(poll).missing == 0`, cheaper."""

    async def parts(self, poll: Poll) -> dict[int, Turnout]:
        """A network assembly's turnout on each group's roster, by group id."""

    async def claim_action(self, poll_id: int) -> bool:
        """Compare-and-set: a binding action is carried out once."""


class UnitOfWork(Protocol):
    new_jobs: list[Job]  # added or retried in this unit: the scheduler plans them after commit

    # Read-only, so that a unit may hold its own kinds of repositories (SqlPeople for People).
    @property
    def scenes(self) -> Scenes: ...
    @property
    def people(self) -> People: ...
    @property
    def chats(self) -> Chats: ...
    @property
    def groups(self) -> Groups: ...
    @property
    def members(self) -> Members: ...
    @property
    def dialogs(self) -> Dialogs: ...
    @property
    def inbox(self) -> Inbox: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def lanes(self) -> Lanes: ...
    @property
    def audit(self) -> Audit: ...
    @property
    def jobs(self) -> Jobs: ...
    @property
    def links(self) -> Links: ...
    @property
    def networks(self) -> Networks: ...
    @property
    def web_links(self) -> WebLinks: ...
    @property
    def requests(self) -> Requests: ...
    @property
    def offers(self) -> Offers: ...
    @property
    def shifts(self) -> Shifts: ...
    @property
    def pickups(self) -> Pickups: ...
    @property
    def polls(self) -> Polls: ...
    @property
    def cursors(self) -> Cursors: ...
    @property
    def reactions(self) -> Reactions: ...

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self) -> None: ...


class UnitsOfWork(Protocol):
    def __call__(self, read_only: bool = False) -> UnitOfWork:
        """A unit of work; a `read_only` one waits for no writer (and must not write)."""
