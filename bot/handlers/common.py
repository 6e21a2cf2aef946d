"""Small questions several handlers ask: is this person on that roster, can I write to them."""

import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.context import Context
from bot.dates import NO_END, parse_when
from bot.i18n import N_
from bot.messages import Action, Button, PrivateMessage, Reply
from bot.model import Group, Member
from bot.params import BadArgument
from bot.settings import categories, category, setting
from bot.words import Listed

# The colon that ends the head of a one-line form, not the one inside "10:00".
FORM_COLON = re.compile(r"(?<!\d):|:(?!\d)")


def split_form(line: str) -> tuple[str, str, str]:
    """'food Eastside by friday 10:00: bread' → ('food Eastside by friday 10:00', ':', 'bread')."""
    head, *what = FORM_COLON.split(line, maxsplit=1)
    return (head, ":", what[0]) if what else (head, "", "")


def find_member(members: list[Member], ref: str) -> list[Member]:
    """Match '@handle' or a name, ignoring case; several matches mean it was not precise."""
    wanted = ref.lstrip("@").casefold()
    by_handle = [m for m in members if m.handle and m.handle.casefold() == wanted]
    return by_handle or [m for m in members if m.name.casefold() == wanted]


async def active_member(ctx: Context, group_id: int) -> Member | None:
    member = await ctx.uow.members.get(group_id, ctx.person.id)
    return member if member is not None and member.status != "left" else None


async def change_refusal(ctx: Context) -> str | None:
    """Why this person may not change the group itself directly, or None if they may.

    Settings, removing members, linking chats and moving shift series belong to the group:
    trusted members may, unless the group decided such changes go through proposals.
    """
    assert ctx.group is not None
    if ctx.by_group:
        return None
    member = await active_member(ctx, ctx.group.id)
    if member is None or member.status != "trusted":
        return ctx.tr._(
            "Only trusted members can change this directly. You can ask the "
            "group with /propose <title>; a trusted member can make it binding."
        )
    if setting(ctx.group, "direct_changes", ctx.defaults) == "proposals":
        return ctx.tr._(
            "This group decided that such changes go through proposals: "
            "/propose <title> do <command>."
        )
    return None


async def reachable(ctx: Context, person_id: int) -> bool:
    """Can minga write to this person privately? (Telegram: only after they started it.)"""
    return bool(await ctx.uow.chats.private_of(person_id))


async def privately(ctx: Context, text: str, key: str | None = None) -> list[Action]:
    """Say something personal to the person acting: never in a group chat.

    From a group chat it goes to their private chat; if they never opened one, it waits
    there for them and the group hears only that there is something, with a button.
    """
    if ctx.chat.kind == "private":
        return [Reply(text)]
    waiting = PrivateMessage(ctx.person.id, text, key=key)
    if await reachable(ctx, ctx.person.id):
        return [waiting]
    tr = ctx.tr
    return [
        waiting,
        Reply(
            tr._(
                "{name}, I have a message for you: open a private chat with me to read it.",
                name=ctx.person.name,
            ),
            (tr.button(tr._("Open a private chat"), "start", private=True),),
        ),
    ]


async def answer_privately(
    ctx: Context, text: str, buttons: tuple[Button, ...] = ()
) -> list[Action]:
    """An answer about a request, which could tell who asked: never in a group chat.

    Asked in a group chat, the answer goes to the private chat and the group sees one
    neutral line, the same whoever asked and whatever the answer was: that the person who
    typed was answered privately (with a button to open that chat where there is none yet).
    """
    if ctx.chat.kind == "private":
        return [Reply(text, buttons)]
    answer = PrivateMessage(ctx.person.id, text, buttons)
    tr = ctx.tr
    if await reachable(ctx, ctx.person.id):
        return [answer, Reply(tr._("I answered you privately."))]
    return [
        answer,
        Reply(
            tr._("I answered you privately: open a private chat with me to read it."),
            (tr.button(tr._("Open a private chat"), "start", private=True),),
        ),
    ]


async def handle_of(ctx: Context, person_id: int) -> str | None:
    handles = [i.handle for i in await ctx.uow.people.identities(person_id) if i.handle]
    return f"@{handles[0]}" if handles else None


async def only_group(ctx: Context, answers: Mapping[str, Any]) -> int | None:
    """The group to use without asking: the chat's own, or a person's only one."""
    if ctx.group is not None:
        return ctx.group.id
    groups = await ctx.uow.groups.of_person(ctx.person.id)
    if not groups:
        raise BadArgument(
            N_(
                "You are not on any group's roster yet. Press Join (or type /join) "
                "in your group's chat first."
            )
        )
    return groups[0].id if len(groups) == 1 else None


async def group_options(ctx: Context, answers: Mapping[str, Any]) -> Sequence[tuple[str, str]]:
    return [(g.name, str(g.id)) for g in await ctx.uow.groups.of_person(ctx.person.id)]


async def category_options(ctx: Context, answers: Mapping[str, Any]) -> Sequence[tuple[str, str]]:
    """The group's categories in the reader's words; the button carries the category itself."""
    group = await ctx.uow.groups.get(answers["group"]) if "group" in answers else None
    return (
        [(ctx.tr.word("category", c), c) for c in categories(group, ctx.defaults)] if group else []
    )


def category_of(ctx: Context, group: Group, typed: str) -> str:
    """The group's category a typed word names, in any language, or a refusal listing them."""
    found = category(group, typed, ctx.defaults)
    if found is None:
        raise BadArgument(
            N_("{group} has no category '{value}'. It has: {choices}."),
            param="category",
            group=group.name,
            value=typed,
            choices=Listed("category", tuple(categories(group, ctx.defaults))),
        )
    return found


async def check_category(ctx: Context, answers: Mapping[str, Any], value: str) -> None:
    group = await ctx.uow.groups.get(answers["group"])
    if group is not None:
        category_of(ctx, group, value)


async def _zone_of(ctx: Context, answers: Mapping[str, Any]) -> str:
    group = await ctx.uow.groups.get(answers["group"]) if "group" in answers else None
    return ctx.zone(group) if group else ctx.defaults.timezone


async def check_when(ctx: Context, answers: Mapping[str, Any], value: str) -> None:
    parse_when(value, ctx.now, await _zone_of(ctx, answers), ctx.tr.language)


async def check_until(ctx: Context, answers: Mapping[str, Any], value: str) -> None:
    parse_when(value, ctx.now, await _zone_of(ctx, answers), ctx.tr.language, NO_END)


async def chosen_group(ctx: Context, group_id: int) -> tuple[Group, Member]:
    """The group picked in a dialog, if this person is on its roster; else asked again."""
    group = await ctx.uow.groups.get(group_id)
    member = await active_member(ctx, group_id) if group else None
    if group is None or member is None:
        raise BadArgument(
            N_("You are not on the roster of that group. Press Join in its chat first."),
            param="group",
        )
    return group, member


async def may_see(ctx: Context, groups: Sequence[int], people: Sequence[int | None] = ()) -> bool:
    """May the person acting, where they are, learn that this item exists? `groups`: the
    item's own group and those it was posted to through the network; `people`: those it is
    about (who asked, who helps, who signed up...). It is theirs, or it was posted in this
    chat, or they are on the roster of a group it was posted to."""
    if ctx.person.id in people:
        return True
    if ctx.group is not None and ctx.group.id in groups:
        return True
    found = await ctx.uow.members.among(list(groups), ctx.person.id)
    return any(member.status != "left" for member in found)


async def only_if_seen(
    ctx: Context,
    missing: str,
    number: int,
    groups: Sequence[int],
    people: Sequence[int | None] = (),
) -> None:
    """Numbers are shared by every group on one minga: to anyone who may not see the item,
    one of another group is answered as a number that does not exist (`missing`, marked
    with N_, is that answer), so typing numbers tells a stranger nothing."""
    if not await may_see(ctx, groups, people):
        raise BadArgument(missing, number=number)
