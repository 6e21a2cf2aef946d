"""A person erased from every table: rows that are theirs go, rows others keep lose them.

Table by table (models.py): people keep a nameless row, so that history (votes, signups,
audit) points to nobody; identities, memberships and vouches, dialogs, link codes,
reminder wishes, pickup waitlists, web links, private chats and every message to them go;
requests, offers, takes, bookings and swaps keep the row without the person; reactions (which hold
platform user ids) go; the texts others keep are scrubbed of the words that name them.
Inbox keys, jobs, cursors, settings, groups and networks never hold a person.
"""

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Text, and_, cast, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.erasure import scrub_value
from storage.models import (
    AuditRow,
    BallotCountRow,
    Base,
    BookingRow,
    ChatRow,
    DialogRow,
    IdentityRow,
    LaneRow,
    LinkCodeRow,
    MemberRow,
    OfferRow,
    OutboxRow,
    PersonRow,
    PickupWaitRow,
    PollRow,
    PrefsRow,
    ReactionRow,
    RequestRow,
    SwapRow,
    TakeRow,
    VoteRow,
    VouchRow,
    WebLinkRow,
)

THEIRS: tuple[type[Base], ...] = (
    IdentityRow,
    MemberRow,
    DialogRow,
    LinkCodeRow,
    PrefsRow,
    PickupWaitRow,
    WebLinkRow,
)
KEPT_WITHOUT_THEM: tuple[tuple[type[Base], str], ...] = (
    (RequestRow, "requester_id"),
    (RequestRow, "claimer_id"),
    (OfferRow, "offerer_id"),
    (TakeRow, "person_id"),
    (BookingRow, "person_id"),
    (SwapRow, "partner_id"),
)
# Every column where one person's words can end up in what others keep.
FREE_TEXT: tuple[tuple[type[Base], tuple[str, ...]], ...] = (
    (OutboxRow, ("text", "buttons")),
    (RequestRow, ("description", "area", "thanks")),
    (OfferRow, ("what", "area")),
    (PollRow, ("title", "options", "outcome", "action")),
    (VoteRow, ("ballot",)),
    (BallotCountRow, ("ballot",)),
    (AuditRow, ("detail",)),
    (DialogRow, ("answers",)),
)
# What goes with a scrubbed text: a message's marks are counted in the words it had, and a
# name that becomes one character moves every word after it. Plain, it says it all.
CLEARED_WITH: dict[type[Base], dict[str, Any]] = {OutboxRow: {"marks": None}}


async def erase_person(
    conn: AsyncConnection,
    person_id: int,
    words: Sequence[str],
    addresses: Sequence[tuple[str, str]],
) -> None:
    identities = (
        await conn.execute(
            select(IdentityRow.platform, IdentityRow.user_id).where(
                IdentityRow.person_id == person_id
            )
        )
    ).all()
    for platform, user_id in identities:
        await conn.execute(
            delete(ReactionRow.__table__).where(
                ReactionRow.platform == platform, ReactionRow.user_id == user_id
            )
        )
        # A press's answer not yet sent: on Matrix it is addressed to the presser's id.
        await conn.execute(
            delete(OutboxRow.__table__).where(
                OutboxRow.platform == platform, OutboxRow.kind == "toast", OutboxRow.key == user_id
            )
        )
    for platform, chat_id in addresses:
        await conn.execute(
            delete(OutboxRow.__table__).where(
                OutboxRow.platform == platform, OutboxRow.chat_id == chat_id
            )
        )
        await conn.execute(
            delete(LaneRow.__table__).where(
                LaneRow.platform == platform, LaneRow.chat_id == chat_id
            )
        )
    memberships = select(MemberRow.id).where(MemberRow.person_id == person_id)
    await conn.execute(
        delete(VouchRow.__table__).where(
            or_(VouchRow.voucher_id.in_(memberships), VouchRow.member_id.in_(memberships))
        )
    )
    for row in THEIRS:
        table = row.__table__
        await conn.execute(delete(table).where(table.c.person_id == person_id))
    await conn.execute(
        delete(ChatRow.__table__).where(ChatRow.person_id == person_id, ChatRow.kind == "private")
    )
    for row, column in KEPT_WITHOUT_THEM:
        table = row.__table__
        await conn.execute(update(table).where(table.c[column] == person_id).values({column: None}))
    await conn.execute(
        update(PersonRow.__table__).where(PersonRow.id == person_id).values(name="", language=None)
    )
    if words:
        for row, columns in FREE_TEXT:
            await _scrub(conn, row, columns, words)


async def _scrub(
    conn: AsyncConnection, row: type[Base], columns: tuple[str, ...], words: Sequence[str]
) -> None:
    table = row.__table__
    keys = list(table.primary_key.columns)
    # Found by LIKE (cheap), then rewritten word by word in Python. JSON is stored with
    # non-ASCII escaped, so a name is looked for in that spelling too.
    patterns = {_containing(form) for w in words for form in (w, json.dumps(w)[1:-1])}
    found = await conn.execute(
        select(*keys, *(table.c[c] for c in columns)).where(
            or_(*(cast(table.c[c], Text).ilike(p, escape="\\") for c in columns for p in patterns))
        )
    )
    for hit in found.mappings().all():
        values: dict[str, Any] = {c: scrub_value(hit[c], words) for c in columns}
        values |= CLEARED_WITH.get(row, {})
        await conn.execute(
            update(table).where(and_(*(k == hit[k.name] for k in keys))).values(values)
        )


def _containing(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
