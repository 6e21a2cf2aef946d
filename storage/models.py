"""Tables. Schema changes only through migrations (storage/migrations)."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out, on SQLite (which forgets zones) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to storage")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    if TYPE_CHECKING:
        # SQLAlchemy types it as any FromClause (a class may map a subquery); every row here
        # maps a Table, and storage runs Core statements (insert, .c) on it.
        __table__: ClassVar[Table]


UNSENT = text("sent_at IS NULL AND failed IS NULL")  # partial indexes: what still waits
PENDING = text("done_at IS NULL")
OPEN = text("state = 'open'")


class PersonRow(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IdentityRow(Base):
    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("platform", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(255))
    handle: Mapped[str | None] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(200))


class GroupRow(Base):
    __tablename__ = "groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100), unique=True)  # casefolded: names are unique
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    founding_until: Mapped[datetime] = mapped_column(UTCDateTime())


class NetworkRow(Base):
    __tablename__ = "networks"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100), unique=True)  # casefolded
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class NetworkGroupRow(Base):
    """A group in a network: the group is the key, so it is in one network at most."""

    __tablename__ = "network_groups"
    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    network_id: Mapped[int] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), index=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())


class NetworkCodeRow(Base):
    """A network's one join code, as its SHA-256 digest: the code is shown once."""

    __tablename__ = "network_codes"
    network_id: Mapped[int] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True
    )
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SettingRow(Base):
    __tablename__ = "settings"
    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class ChatRow(Base):
    __tablename__ = "chats"
    __table_args__ = (UniqueConstraint("platform", "chat_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str | None] = mapped_column(String(255))
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="SET NULL"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )


class MemberRow(Base):
    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("group_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    trusted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class VouchRow(Base):
    __tablename__ = "vouches"
    voucher_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DialogRow(Base):
    __tablename__ = "dialogs"
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    chat_id: Mapped[int] = mapped_column(
        ForeignKey("chats.id", ondelete="CASCADE"), primary_key=True
    )
    command: Mapped[str] = mapped_column(String(50))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InboxRow(Base):
    __tablename__ = "inbox"
    __table_args__ = (UniqueConstraint("platform", "event_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(255))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_pending", "platform", "sent_at", "id"),
        Index("ix_outbox_message", "platform", "chat_id", "message_id"),
        Index("ix_outbox_lane", "platform", "chat_id", "sent_at", "id"),
        # Only what waits: which chats have work is read at every look, and
        # through the other indexes it walked every message ever sent.
        Index(
            "ix_outbox_unsent",
            "platform",
            "chat_id",
            "id",
            sqlite_where=UNSENT,
            postgresql_where=UNSENT,
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))
    key: Mapped[str | None] = mapped_column(String(100), index=True)
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[list[list[str]]] = mapped_column(JSON)
    # Stretches of the text shown bold or monospace: [start, end, style] in characters.
    marks: Mapped[list[list[int | str]] | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed: Mapped[str | None] = mapped_column(Text)  # why it was given up; never retried
    message_id: Mapped[str | None] = mapped_column(String(255))
    file_name: Mapped[str | None] = mapped_column(String(100))
    file_mime: Mapped[str | None] = mapped_column(String(100))
    file_data: Mapped[bytes | None] = mapped_column(LargeBinary)
    transient: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    priority: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")
    part_ids: Mapped[list[str] | None] = mapped_column(JSON)  # a message sent in parts
    address: Mapped[str | None] = mapped_column(String(255))  # where in the chat, if several


class LaneRow(Base):
    """One chat's queue of outgoing messages, as a sender holds it: one sender at a time
    sends to a chat, which keeps its order and its limits whatever the number of senders."""

    __tablename__ = "lanes"
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(64))
    held_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the chat's own limit


class AuditRow(Base):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="SET NULL"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(50))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class JobRow(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_pending", "done_at", "due_at"),
        Index("ix_jobs_of", "kind", "ref_id", sqlite_where=PENDING, postgresql_where=PENDING),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    ref_id: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # tries failed
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed: Mapped[str | None] = mapped_column(Text)  # why it was given up; never run again


class LinkCodeRow(Base):
    __tablename__ = "link_codes"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebLinkRow(Base):
    """A private link to a group's week page or a person's calendar feed, as the SHA-256
    digest of its token: the link itself is shown once, when it is made."""

    __tablename__ = "web_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# One live link a person, kind and group: a feed has no group, and to a plain unique
# constraint NULLs are all distinct, hence the expression.
Index(
    "uq_web_links_owner",
    WebLinkRow.kind,
    WebLinkRow.person_id,
    func.coalesce(WebLinkRow.group_id, 0),
    unique=True,
)


class RequestRow(Base):
    __tablename__ = "requests"
    __table_args__ = (Index("ix_requests_open", "group_id", "state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    requester_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    area: Mapped[str] = mapped_column(String(100))
    needed_by: Mapped[datetime | None] = mapped_column(UTCDateTime())
    urgent: Mapped[bool] = mapped_column(Boolean)
    contact: Mapped[str] = mapped_column(String(10))
    show_name: Mapped[bool] = mapped_column(Boolean)
    state: Mapped[str] = mapped_column(String(10))
    claimer_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    thanks: Mapped[str | None] = mapped_column(Text)
    anonymised: Mapped[bool] = mapped_column(Boolean)
    refer: Mapped[bool] = mapped_column(Boolean, server_default=false())
    helper_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="SET NULL")
    )


class OfferRow(Base):
    __tablename__ = "offers"
    __table_args__ = (Index("ix_offers_open", "group_id", "state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    offerer_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    category: Mapped[str] = mapped_column(String(30))
    what: Mapped[str] = mapped_column(Text)
    area: Mapped[str] = mapped_column(String(100))
    quantity: Mapped[int | None] = mapped_column(Integer)  # None: a skill, not things
    remaining: Mapped[int | None] = mapped_column(Integer)
    until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TakeRow(Base):
    __tablename__ = "offer_takes"
    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    handed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReferralRow(Base):
    """A sibling group a request was offered to, when nobody in its own group took it."""

    __tablename__ = "referrals"
    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class MatchRow(Base):
    """A request and an offer that were shown to each other: at most one notice per pair."""

    __tablename__ = "matches"
    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True
    )
    offer_id: Mapped[int] = mapped_column(
        ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True
    )


class OfferShareRow(Base):
    """A group of the offerer's network that an offer was posted in besides the offerer's
    own: its post is edited as the offer goes down, and its roster may take from it."""

    __tablename__ = "offer_shares"
    offer_id: Mapped[int] = mapped_column(
        ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ActivityRow(Base):
    """A recurring (or one-off) kind of shift: the Saturday box distribution, bread pick-up."""

    __tablename__ = "activities"
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(12))  # "shift" or "collection" (donor pickup)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 is Monday
    start: Mapped[str] = mapped_column(String(5))  # local wall time, "10:00"
    minutes: Mapped[int] = mapped_column(Integer)
    weekly: Mapped[bool] = mapped_column(Boolean)
    roles: Mapped[list[list[Any]]] = mapped_column(JSON)  # [[role, places], ...]
    state: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rotating: Mapped[bool] = mapped_column(Boolean, server_default=false())


class ShiftRow(Base):
    __tablename__ = "shifts"
    __table_args__ = (Index("ix_shifts_when", "group_id", "starts_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(10))
    posted: Mapped[bool] = mapped_column(Boolean)  # its post is in the group's chats


class ShiftRoleRow(Base):
    """Places per role; `taken` is counted by conditional updates, so no place is sold twice."""

    __tablename__ = "shift_roles"
    shift_id: Mapped[int] = mapped_column(
        ForeignKey("shifts.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(30), primary_key=True)
    places: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer)


class SignupRow(Base):
    __tablename__ = "signups"
    __table_args__ = (UniqueConstraint("shift_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(30))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(10))  # "in" or "waiting"
    giving_away: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SwapRow(Base):
    __tablename__ = "swaps"
    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int] = mapped_column(ForeignKey("signups.id", ondelete="CASCADE"))
    other_signup_id: Mapped[int | None] = mapped_column(
        ForeignKey("signups.id", ondelete="CASCADE")
    )
    wanted_shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PrefsRow(Base):
    """How a person wants to be reminded."""

    __tablename__ = "reminder_prefs"
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    hours: Mapped[str] = mapped_column(String(50))  # "24,2", or "" for none
    quiet_from: Mapped[int | None] = mapped_column(Integer)  # local hour, 0-23
    quiet_to: Mapped[int | None] = mapped_column(Integer)


class PickupSlotRow(Base):
    __tablename__ = "pickup_slots"
    __table_args__ = (Index("ix_pickup_slots_when", "group_id", "starts_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    place: Mapped[str] = mapped_column(String(100))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    boxes: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer)


class BookingRow(Base):
    __tablename__ = "bookings"
    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(
        ForeignKey("pickup_slots.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[str] = mapped_column(String(10))  # booked, collected, missed, cancelled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PickupWaitRow(Base):
    """People who wanted a box when none was left; told first when one frees up."""

    __tablename__ = "pickup_waitlist"
    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PollRow(Base):
    __tablename__ = "polls"
    __table_args__ = (Index("ix_polls_open", "group_id", sqlite_where=OPEN, postgresql_where=OPEN),)
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(300))
    options: Mapped[list[str]] = mapped_column(JSON)
    max_choices: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    write_in: Mapped[bool] = mapped_column(Boolean)
    quorum: Mapped[int] = mapped_column(Integer)  # percent of those who may vote
    trusted_only: Mapped[bool] = mapped_column(Boolean)
    secret: Mapped[bool] = mapped_column(Boolean)
    hidden: Mapped[bool] = mapped_column(Boolean)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(10))
    result: Mapped[str | None] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str | None] = mapped_column(String(300))
    action_done: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The person a binding trust or removal is about. Not a foreign key: SQLite cannot add
    # one to a table in place (migration 0008); people are merged with it (repositories).
    subject_id: Mapped[int | None] = mapped_column(Integer)
    # A network assembly: every group of the network votes. A network that ends (its last
    # group left) leaves the poll to the group it was opened in.
    network_id: Mapped[int | None] = mapped_column(
        ForeignKey("networks.id", ondelete="SET NULL"), index=True
    )


class VoteRow(Base):
    """A named vote: who chose what; changed until the poll closes."""

    __tablename__ = "votes"
    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    ballot: Mapped[dict[str, Any]] = mapped_column(JSON)


class VotedRow(Base):
    """Who voted in a secret poll, and nothing else: no time, no order, no choice."""

    __tablename__ = "voted"
    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )


class BallotCountRow(Base):
    """How many secret ballots of a poll say exactly this: the tally, and no ballot alone.

    There is no row per vote, so there is no order of votes to read back. Every secret vote
    rewrites all of its poll's rows in `digest` order (bot/polls.py, cast_secret): on
    PostgreSQL they then share one xmin and sit in the heap in digest order, whichever of
    them changed; SQLite keeps the table in key order (WITHOUT ROWID).
    """

    __tablename__ = "ballot_counts"
    __table_args__ = ({"sqlite_with_rowid": False},)
    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the ballot
    ballot: Mapped[dict[str, Any]] = mapped_column(JSON)
    count: Mapped[int] = mapped_column(Integer)


class CursorRow(Base):
    """An adapter's own position in its platform's stream, written after the effects."""

    __tablename__ = "cursors"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ReactionRow(Base):
    """What a reaction pressed, so that taking the reaction back can undo it."""

    __tablename__ = "reactions"
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[str] = mapped_column(String(255))
    message_id: Mapped[str] = mapped_column(String(255))
    data: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
