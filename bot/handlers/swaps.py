"""Trading places between shifts: both places change hands at once, or neither."""

from datetime import datetime

from bot.context import Context, Work
from bot.handlers.common import find_member, may_see
from bot.handlers.reminders import cancel_reminders, schedule_reminders
from bot.handlers.shift_text import span, title
from bot.handlers.shifts import my_place, open_shift, refresh
from bot.i18n import N_
from bot.messages import Action, Button, PrivateMessage, Reply
from bot.model import Group, Job, JobKind, Shift, Signup, Swap
from bot.params import BadArgument, reference
from bot.router import Args
from bot.words import Listed


async def swap(ctx: Context, args: Args) -> list[Action]:
    """`/swap S45 S52`: ask the people on S52; `/swap S45 @ben`: Ben picks one of his."""
    shift, group, mine = await my_place(ctx, args["shift"])
    target = args["with"]
    tr, zone = ctx.tr, ctx.zone(group)
    if target.upper().startswith("S") and target[1:].isdecimal():
        wanted, _ = await open_shift(ctx, reference("S")(target))
        partners = [
            s
            for s in await ctx.uow.shifts.signups(wanted.id)
            if s.state == "in" and s.person_id != ctx.person.id
        ]
        if wanted.id == shift.id or not partners:
            return [Reply(tr._("No one else is on S{number} to trade with.", number=wanted.id))]
        deal = await ctx.uow.shifts.add_swap(
            Swap(
                id=0,
                signup_id=mine.id,
                other_signup_id=None,
                wanted_shift_id=wanted.id,
                partner_id=None,
                state="asked",
                created_at=ctx.now,
            )
        )
        await _expire_swap_at(ctx, deal, min(shift.starts_at, wanted.starts_at))
        asks = [
            await ctx.tell(
                s.person_id,
                group,
                N_("{name} would trade their {role} place on {mine} for your place on {yours}."),
                ((N_("Accept"), f"swapyes {deal.id} {s.id}"), (N_("Decline"), f"swapno {deal.id}")),
                name=ctx.person.name,
                role=Listed("role", (mine.role,)),
                mine=title(tr, shift, zone),
                yours=title(tr, wanted, zone),
            )
            for s in partners
        ]
        return [
            Reply(
                tr._(
                    "I asked the people on S{number}; the first to accept trades with you.",
                    number=wanted.id,
                )
            ),
            *asks,
        ]
    return await _ask_person(ctx, shift, group, mine, target)


async def _ask_person(
    ctx: Context, shift: Shift, group: Group, mine: Signup, target: str
) -> list[Action]:
    """`/swap S45 @ben`: Ben is asked to pick one of his coming places, or to decline."""
    tr, zone = ctx.tr, ctx.zone(group)
    partner = await _member_called(ctx, group, target)
    theirs = [
        (s, sh)
        for s, sh in await ctx.uow.shifts.of_person(partner, ctx.now)
        if s.state == "in" and sh.starts_at > ctx.now and sh.id != shift.id
    ][:8]
    if not theirs:
        return [Reply(tr._("{who} has no coming shift to trade.", who=target))]
    deal = await ctx.uow.shifts.add_swap(
        Swap(
            id=0,
            signup_id=mine.id,
            other_signup_id=None,
            wanted_shift_id=None,
            partner_id=partner,
            state="asked",
            created_at=ctx.now,
        )
    )
    await _expire_swap_at(ctx, deal, shift.starts_at)
    ptr = ctx.tr_for(await ctx.uow.people.get(partner), group)
    text = ptr._(
        "{name} would trade their {role} place on {mine} for one of yours. Pick one, or decline.",
        name=ctx.person.name,
        role=ptr.word("role", mine.role),
        mine=title(ptr, shift, zone),
    )
    buttons = (
        *(
            Button(f"S{sh.id} {span(ptr, sh, zone)}", f"swappick {deal.id} {s.id}")
            for s, sh in theirs
        ),
        Button(ptr._("Decline"), f"swapno {deal.id}"),
    )
    return [
        Reply(tr._("I asked {who} to pick one of their shifts.", who=target)),
        PrivateMessage(partner, text, buttons),
    ]


async def _expire_swap_at(ctx: Context, deal: Swap, starts_at: datetime) -> None:
    await ctx.uow.jobs.add(JobKind.SWAP_EXPIRE, deal.id, starts_at)


async def _member_called(ctx: Context, group: Group, who: str) -> int:
    found = find_member(await ctx.uow.members.roster(group.id), who)
    if len(found) != 1 or found[0].person_id == ctx.person.id:
        raise BadArgument(
            N_("No one called {who} is on the roster of {group}. /roster shows who is."),
            who=who,
            group=group.name,
        )
    return found[0].person_id


async def pick(ctx: Context, args: Args) -> list[Action]:
    """The partner asked by name picks which of their places to trade."""
    deal = await ctx.uow.shifts.get_swap(args["swap"])
    theirs = await ctx.uow.shifts.get_signup(args["signup"])
    if (
        deal is None
        or deal.partner_id != ctx.person.id
        or theirs is None
        or (theirs.person_id != ctx.person.id)
    ):
        return [Reply(ctx.tr._("That trade is not yours to answer."))]
    if not await ctx.uow.shifts.change_swap(
        deal.id, ["asked"], other_signup_id=theirs.id, state="offered"
    ):
        return [Reply(ctx.tr._("That trade is no longer open."))]
    first = await ctx.uow.shifts.get_signup(deal.signup_id)
    assert first is not None
    shift = await ctx.uow.shifts.get(first.shift_id)
    other = await ctx.uow.shifts.get(theirs.shift_id)
    assert shift is not None and other is not None
    group = await ctx.load_group(shift.group_id)
    zone, gtr = ctx.zone(group), ctx.group_tr(group)
    return [
        Reply(ctx.tr._("I asked {name} to confirm the trade.", name=first.name)),
        await ctx.tell(
            first.person_id,
            group,
            N_("{name} offers their {role} place on {theirs} for your place on {mine}."),
            (
                (N_("Accept"), f"swapyes {deal.id} {theirs.id}"),
                (N_("Decline"), f"swapno {deal.id}"),
            ),
            name=ctx.person.name,
            role=Listed("role", (theirs.role,)),
            theirs=title(gtr, other, zone),
            mine=title(gtr, shift, zone),
        ),
    ]


def _answers(ctx: Context, deal: Swap, first: Signup, second: Signup) -> bool:
    """Whether this person is the one the open trade waits for: someone on the shift asked
    for, or the one who asked, once the partner named has picked their place."""
    if deal.state == "asked":
        return second.shift_id == deal.wanted_shift_id and second.person_id == ctx.person.id
    if deal.state == "offered":
        return second.id == deal.other_signup_id and first.person_id == ctx.person.id
    return False


async def _clash(
    ctx: Context, first: tuple[Signup, Shift], second: tuple[Signup, Shift]
) -> Shift | None:
    """A shift that either person would be on at the same time as the one they get."""
    for (person, gives), (_, gets) in ((first, second), (second, first)):
        clash = await ctx.uow.shifts.busy(person.person_id, gets.starts_at, gets.ends_at, gives.id)
        if clash:
            return clash
    return None


async def accept(ctx: Context, args: Args) -> list[Action]:
    """Both places change hands at once, or neither; the first acceptance wins."""
    deal = await ctx.uow.shifts.get_swap(args["swap"])
    second = await ctx.uow.shifts.get_signup(args["signup"])
    first = await ctx.uow.shifts.get_signup(deal.signup_id) if deal else None
    if deal is None or first is None or second is None:
        return [Reply(ctx.tr._("That trade is no longer open."))]
    if not _answers(ctx, deal, first, second):
        return [Reply(ctx.tr._("That trade is no longer open."))]
    mine_shift = await ctx.uow.shifts.get(first.shift_id)
    their_shift = await ctx.uow.shifts.get(second.shift_id)
    assert mine_shift is not None and their_shift is not None
    group = await ctx.load_group(mine_shift.group_id)
    clash = await _clash(ctx, (first, mine_shift), (second, their_shift))
    if clash:
        return [
            Reply(
                ctx.tr._(
                    "That trade would put someone on two shifts at once ({shift}).",
                    shift=title(ctx.tr, clash, ctx.zone(group)),
                )
            )
        ]
    # The exchange decides: of two acceptances at once, only one finds both places as they
    # were. Only then is the trade marked done.
    if not await ctx.uow.shifts.exchange(first, second):
        return [Reply(ctx.tr._("That trade is off: one of the places changed hands meanwhile."))]
    await ctx.uow.shifts.change_swap(
        deal.id, [deal.state], state="done", other_signup_id=second.id, partner_id=second.person_id
    )
    await ctx.uow.audit.add(
        group.id, ctx.person.id, "shift.swap", {"shifts": [mine_shift.id, their_shift.id]}, ctx.now
    )
    for signup_id, shift in ((first.id, mine_shift), (second.id, their_shift)):
        await cancel_reminders(ctx, signup_id)
        moved = await ctx.uow.shifts.get_signup(signup_id)
        assert moved is not None
        await schedule_reminders(ctx, moved, shift, group)
    other = first.person_id if ctx.person.id == second.person_id else second.person_id
    gave, got = mine_shift, their_shift
    if ctx.person.id != first.person_id:
        gave, got = their_shift, mine_shift
    return [
        Reply(ctx.tr._("Traded: S{gave} for S{got}. Thank you!", gave=gave.id, got=got.id)),
        await ctx.tell(
            other,
            group,
            N_("{name} accepted: your trade of S{first} and S{second} is done."),
            name=ctx.person.name,
            first=mine_shift.id,
            second=their_shift.id,
        ),
        *await refresh(ctx, mine_shift.id),
        *await refresh(ctx, their_shift.id),
    ]


async def decline(ctx: Context, args: Args) -> list[Action]:
    deal = await ctx.uow.shifts.get_swap(args["swap"])
    first = await ctx.uow.shifts.get_signup(deal.signup_id) if deal else None
    shift = await ctx.uow.shifts.get(first.shift_id) if first else None
    if deal is None or first is None or shift is None:
        return [Reply(ctx.tr._("That trade is no longer open."))]
    wanted = await ctx.uow.shifts.signups(deal.wanted_shift_id) if deal.wanted_shift_id else []
    sides = {first.person_id, deal.partner_id, *(s.person_id for s in wanted)}
    # To someone of another group, a trade of this one is as one that never was.
    if deal.state not in ("asked", "offered") or not await may_see(
        ctx, [shift.group_id], list(sides)
    ):
        return [Reply(ctx.tr._("That trade is no longer open."))]
    if ctx.person.id not in sides:
        return [Reply(ctx.tr._("That trade is not yours to answer."))]
    await ctx.uow.shifts.change_swap(deal.id, ["asked", "offered"], state="declined")
    told = (
        []
        if ctx.person.id == first.person_id
        else [
            await ctx.tell(
                first.person_id,
                await ctx.load_group(shift.group_id),
                N_("{name} declined your trade of S{number}. You keep your place."),
                name=ctx.person.name,
                number=shift.id,
            )
        ]
    )
    return [Reply(ctx.tr._("Declined. Nothing changes.")), *told]


async def swap_expired(work: Work, job: Job) -> list[Action]:
    deal = await work.uow.shifts.get_swap(job.ref_id)
    if deal is None or not await work.uow.shifts.change_swap(
        deal.id, ["asked", "offered"], state="expired"
    ):
        return []
    first = await work.uow.shifts.get_signup(deal.signup_id)
    shift = await work.uow.shifts.get(first.shift_id) if first else None
    if first is None or shift is None:
        return []
    return [
        await work.tell(
            first.person_id,
            await work.load_group(shift.group_id),
            N_("Nobody took up your trade of S{number} in time. You keep your place."),
            number=shift.id,
        )
    ]
