"""The table of commands: name, what it does, where it works, what it takes."""

from bot import params
from bot.handlers import groups, links, people, trust
from bot.i18n import N_
from bot.params import Param
from bot.router import Command

COMMANDS = {command.name: command for command in (
    Command("start", N_("start talking with me"), people.start, where="private"),
    Command("help", N_("what I can do, or how to use one command"), people.help_,
            params=(Param("command", N_("command"), params.word, optional=True),)),
    Command("language", N_("choose the language I speak with you"), people.language,
            params=(Param("language", N_("language"), params.language, optional=True),)),
    Command("cancel", N_("stop the question I am asking you"), people.cancel),
    Command("setup", N_("make this chat a minga group"), groups.setup, where="group",
            params=(Param("name", N_("group name"), params.text(100),
                          prompt=N_("What is the group called?"), rest=True),),
            dialog=True, new_group=True),
    Command("join", N_("put yourself on the group's roster"), groups.join, where="group",
            needs_group=True),
    Command("leave", N_("take yourself off the roster"), groups.leave, where="group",
            needs_group=True),
    Command("roster", N_("who is on the roster"), groups.roster, where="group",
            needs_group=True,
            params=(Param("page", N_("page"), params.integer(1, 10_000), optional=True),)),
    Command("trust", N_("vouch for a newcomer"), trust.trust, where="group", needs_group=True,
            params=(Param("member", N_("member"), params.member),)),
    Command("link", N_("add another chat to the group, or link your other account"),
            links.link, params=(Param("code", N_("code"), params.code, optional=True),)),
    Command("settings", N_("show the group's settings"), groups.settings, where="group",
            needs_group=True),
    Command("set", N_("change a group setting (trusted members)"), groups.set_,
            where="group", needs_group=True,
            params=(Param("key", N_("setting"), params.word),
                    Param("value", N_("value"), params.text(200), rest=True))),
)}
