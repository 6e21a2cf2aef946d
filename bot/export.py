"""A group's records, for `minga export`: roster, settings, shifts, polls, the audit log."""

import csv
import io
import json
from typing import Any

from bot.model import Poll
from bot.poll_kinds import KINDS
from bot.ports import UnitOfWork


async def group_records(uow: UnitOfWork, name: str) -> dict[str, Any] | None:
    group = await uow.groups.by_name(name)
    if group is None:
        return None
    members = await uow.members.roster(group.id)
    audit = await uow.audit.of_group(group.id)
    names = {m.person_id: m.name for m in members}
    for actor in {e.actor_id for e in audit if e.actor_id is not None} - set(names):
        names[actor] = (await uow.people.get(actor)).name
    shifts = [
        {
            "shift": f"S{s.id}",
            "name": s.name,
            "starts_at": s.starts_at.isoformat(),
            "ends_at": s.ends_at.isoformat(),
            "state": s.state,
            "places": {p.role: {"places": p.places, "taken": p.taken} for p in s.roles},
            "people": [
                {"name": p.name, "role": p.role, "state": p.state}
                for p in await uow.shifts.signups(s.id)
            ],
        }
        for s in await uow.shifts.of_group(group.id)
    ]
    polls = [
        await _poll_record(uow, poll, {m.person_id for m in members})
        for poll in await uow.polls.of_group(group.id)
    ]
    return {
        "group": {
            "name": group.name,
            "created_at": group.created_at.isoformat(),
            "settings": dict(group.settings),
        },
        "shifts": shifts,
        "polls": polls,
        "chats": [
            {"platform": c.platform, "title": c.title} for c in await uow.chats.of_group(group.id)
        ],
        "members": [
            {"name": m.name, "status": m.status, "joined_at": m.joined_at.isoformat()}
            for m in members
        ],
        "audit": [
            {
                "at": e.at.isoformat(),
                "actor": names.get(e.actor_id) if e.actor_id else "",
                "action": e.action,
                "detail": dict(e.detail),
            }
            for e in audit
        ],
    }


async def _poll_record(uow: UnitOfWork, poll: Poll, roster: set[int]) -> dict[str, Any]:
    record: dict[str, Any] = {
        "poll": f"P{poll.id}",
        "kind": poll.kind,
        "title": poll.title,
        "options": list(poll.options),
        "state": poll.state,
        "result": poll.result,
        "outcome": poll.outcome,
        "action": poll.action,
        "secret": poll.secret,
    }
    if poll.secret:  # only the tallies: no ballot is tied to a person
        kind = KINDS[poll.kind]
        record["tally"] = kind.export(kind.tally(poll, await uow.polls.ballots(poll)))
    else:
        # A network assembly's voters on other groups' rosters are theirs to know, not this
        # group's: its records name only its own.
        record["votes"] = [
            {"name": name, "ballot": dict(ballot)}
            for person, name, ballot in await uow.polls.named(poll.id)
            if poll.network_id is None or person in roster
        ]
    return record


def as_json(records: dict[str, Any]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def as_csv(records: dict[str, Any]) -> str:
    """The audit log, one row per change: the record a spreadsheet user wants."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["at", "actor", "action", "detail"])
    for entry in records["audit"]:
        writer.writerow(
            [
                entry["at"],
                entry["actor"],
                entry["action"],
                json.dumps(entry["detail"], ensure_ascii=False),
            ]
        )
    return out.getvalue()
