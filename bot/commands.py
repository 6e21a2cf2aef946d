"""The table of commands: name, what it does, where it works, what it takes."""

from dataclasses import replace

from bot import params
from bot.handlers import (
    calendar,
    groups,
    links,
    networks,
    offers,
    people,
    pickups,
    polls,
    privacy,
    reminders,
    requests,
    shifts,
    swaps,
    trust,
    views,
    web,
)
from bot.handlers.common import (
    category_options,
    check_category,
    check_until,
    check_when,
    group_options,
    only_group,
)
from bot.i18n import N_
from bot.params import Param, fixed
from bot.router import Command

GROUP = Param(
    "group",
    N_("group"),
    params.integer(1, 10**9),
    prompt=N_("For which group?"),
    options=group_options,
    only_options=True,
    default=only_group,
)
CATEGORY = Param(
    "category",
    N_("category"),
    params.word,
    prompt=N_("What kind of help?"),
    options=category_options,
    check=check_category,
)
AREA = Param(
    "area",
    N_("area"),
    params.text(100),
    prompt=N_("In which area? A neighbourhood is enough, not an address."),
)
REQUEST = Param("request", N_("request"), params.reference("R"))
SHIFT = Param("shift", N_("shift"), params.reference("S"))

_TABLE = (
    Command(
        "start",
        N_("start talking with me"),
        people.start,
        where="private",
        params=(Param("then", N_("what to do"), params.text(64), optional=True, rest=True),),
    ),
    Command(
        "help",
        N_("what I can do, or how to use one command"),
        people.help_,
        params=(Param("command", N_("command"), params.word, optional=True),),
    ),
    Command(
        "language",
        N_("choose the language I speak with you"),
        people.language,
        params=(Param("language", N_("language"), params.language, optional=True),),
    ),
    Command(
        "cancel",
        N_("stop the question I am asking you, or cancel your request"),
        people.cancel,
        params=(Param("request", N_("request"), params.reference("R"), optional=True),),
    ),
    Command(
        "setup",
        N_("make this chat a minga group"),
        groups.setup,
        where="group",
        params=(
            Param(
                "name",
                N_("group name"),
                params.text(100),
                prompt=N_("What is the group called?"),
                rest=True,
            ),
        ),
        dialog=True,
        new_group=True,
    ),
    Command(
        "join",
        N_("put yourself on the group's roster (privately: with an invitation)"),
        groups.join,
        params=(Param("code", N_("invitation"), params.code, optional=True),),
    ),
    Command(
        "invite",
        N_("an invitation to the roster, to share"),
        groups.invite,
        where="group",
        needs_group=True,
    ),
    Command(
        "leave", N_("take yourself off the roster"), groups.leave, where="group", needs_group=True
    ),
    Command(
        "roster",
        N_("who is on the roster"),
        groups.roster,
        where="group",
        needs_group=True,
        params=(Param("page", N_("page"), params.integer(1, 10_000), optional=True),),
    ),
    Command(
        "trust",
        N_("vouch for a newcomer"),
        trust.trust,
        where="group",
        needs_group=True,
        params=(Param("member", N_("member"), params.member),),
    ),
    Command(
        "link",
        N_("add another chat to the group, or link your other account"),
        links.link,
        params=(Param("code", N_("code"), params.code, optional=True),),
    ),
    Command(
        "settings",
        N_("show the group's settings"),
        groups.settings,
        where="group",
        needs_group=True,
    ),
    Command(
        "set",
        N_("change a group setting (trusted members)"),
        groups.set_,
        where="group",
        needs_group=True,
        params=(
            Param("key", N_("setting"), params.word),
            Param("value", N_("value"), params.text(200), rest=True),
        ),
    ),
    Command(
        "network",
        N_("the group's network of groups; a join code (trusted members)"),
        networks.network,
        where="group",
        needs_group=True,
        params=(
            Param(
                "action",
                N_("code, or by a proposal: create, join, leave"),
                params.word,
                optional=True,
            ),
            Param("spec", N_("name or code"), params.text(200), optional=True, rest=True),
        ),
    ),
    Command(
        "web",
        N_("your private link to the group's week page; 'new' for a new one"),
        web.web,
        where="group",
        needs_group=True,
        params=(Param("action", N_("new"), params.word, optional=True),),
    ),
    Command(
        "request",
        N_("ask for help, privately"),
        requests.request_,
        where="private",
        dialog=True,
        parse_line=requests.parse_request_line,
        syntax=N_("[category area by when: what you need]"),
        params=(
            GROUP,
            CATEGORY,
            Param(
                "what",
                N_("what you need"),
                params.text(1000),
                prompt=N_("What do you need? A few words are enough; no names or addresses."),
            ),
            AREA,
            Param(
                "when",
                N_("when"),
                params.text(100),
                prompt=N_("By when? For example: friday 18:00, tomorrow, or asap."),
                options=fixed((N_("As soon as possible"), "asap")),
                check=check_when,
            ),
            Param(
                "urgency",
                N_("urgency"),
                params.choice("normal", "urgent"),
                prompt=N_("Is it urgent?"),
                options=fixed((N_("Not urgent"), "normal"), (N_("Urgent"), "urgent")),
            ),
            Param(
                "contact",
                N_("contact"),
                params.choice("relay", "share"),
                prompt=N_("How should the volunteer reach you?"),
                options=fixed(
                    (N_("Through minga: my handle stays hidden"), "relay"),
                    (N_("Share my handle with the volunteer"), "share"),
                ),
            ),
            Param(
                "show_name",
                N_("show name"),
                params.choice("no", "yes", kind="answer"),
                prompt=N_("May the group see your name on the post?"),
                options=fixed(
                    (N_("No, keep me anonymous"), "no"), (N_("Yes, show my name"), "yes")
                ),
            ),
            Param(
                "refer",
                N_("network"),
                params.choice("yes", "now", "no", kind="answer"),
                prompt=N_(
                    "May I offer it to the other groups of the network if nobody here can help?"
                ),
                options=requests.refer_options,
                default=requests.refer_unasked,
            ),
        ),
    ),
    Command("claim", N_("help with a request"), requests.claim, params=(REQUEST,)),
    Command(
        "unclaim",
        N_("give back a request you can't do after all"),
        requests.unclaim,
        params=(REQUEST,),
    ),
    Command("done", N_("mark a request done"), requests.done, params=(REQUEST,)),
    Command(
        "thanks",
        N_("thank the volunteer on your request"),
        requests.thanks,
        params=(REQUEST, Param("text", N_("words of thanks"), params.text(300), rest=True)),
    ),
    Command("reopen", N_("open your request again"), requests.reopen, params=(REQUEST,)),
    Command(
        "msg",
        N_("write to the other person on a request, through me"),
        requests.relay,
        params=(REQUEST, Param("text", N_("message"), params.text(3000), rest=True)),
    ),
    Command(
        "requests",
        N_("open requests; add a category or area to filter"),
        views.requests,
        params=(Param("filter", N_("filter"), params.text(100), optional=True, rest=True),),
    ),
    Command(
        "offer",
        N_("offer things or help"),
        offers.offer_,
        where="private",
        dialog=True,
        parse_line=offers.parse_offer_line,
        syntax=N_("[category area until when: what you offer]"),
        params=(
            GROUP,
            CATEGORY,
            Param(
                "what",
                N_("what you offer"),
                params.text(1000),
                prompt=N_(
                    "What do you offer? Start with a number if there are "
                    "several, like: 10 loaves of bread."
                ),
            ),
            AREA,
            Param(
                "until",
                N_("until"),
                params.text(100),
                prompt=N_("Until when? For example: saturday 14:00."),
                options=fixed((N_("No end date"), "none")),
                check=check_until,
            ),
            Param(
                "share",
                N_("who sees it"),
                params.choice("group", "network", kind="offer_word"),
                prompt=N_("Who should see it? The network's groups take from the same count."),
                options=offers.share_options,
                only_options=True,
                default=offers.share_default,
            ),
        ),
    ),
    Command(
        "take",
        N_("take something offered (O5), or a shift place given away (S45)"),
        shifts.take_either,
        params=(Param("what", N_("offer or shift"), params.word),),
    ),
    Command(
        "handed",
        N_("confirm you handed something over"),
        offers.handed,
        where="private",
        hidden=True,
        params=(Param("take", N_("hand-over"), params.integer(1, 10**9)),),
    ),
    Command(
        "close",
        N_("end your offer (O5), or close your poll early (P3)"),
        polls.close_either,
        params=(Param("what", N_("offer or poll"), params.word),),
    ),
    Command(
        "offers",
        N_("open offers; add a category or area to filter"),
        views.offers,
        params=(Param("filter", N_("filter"), params.text(100), optional=True, rest=True),),
    ),
    Command(
        "shift",
        N_("plan shifts: add, move or cancel (trusted members)"),
        shifts.shift_command,
        where="group",
        needs_group=True,
        params=(
            Param("action", N_("add, move or cancel"), params.word),
            Param("spec", N_("details"), params.text(300), optional=True, rest=True),
        ),
    ),
    Command("shifts", N_("the coming week's shifts, filled and needed"), shifts.week),
    Command("myshifts", N_("my coming shifts"), shifts.mine),
    Command(
        "signup",
        N_("take a place on a shift"),
        shifts.signup,
        params=(SHIFT, Param("more", N_("role, weeks"), params.text(50), optional=True, rest=True)),
    ),
    Command(
        "withdraw", N_("leave a shift (the waitlist moves up)"), shifts.withdraw, params=(SHIFT,)
    ),
    Command(
        "giveaway", N_("offer your place on a shift to anyone"), shifts.giveaway, params=(SHIFT,)
    ),
    Command(
        "swap",
        N_("trade your place: /swap S45 S52, or /swap S45 @name"),
        swaps.swap,
        params=(SHIFT, Param("with", N_("shift or member"), params.word)),
    ),
    Command(
        "swappick",
        N_("pick a place to trade"),
        swaps.pick,
        hidden=True,
        params=(
            Param("swap", N_("trade"), params.integer(1, 10**9)),
            Param("signup", N_("place"), params.integer(1, 10**9)),
        ),
    ),
    Command(
        "swapyes",
        N_("accept a trade"),
        swaps.accept,
        hidden=True,
        params=(
            Param("swap", N_("trade"), params.integer(1, 10**9)),
            Param("signup", N_("place"), params.integer(1, 10**9)),
        ),
    ),
    Command(
        "swapno",
        N_("decline a trade"),
        swaps.decline,
        hidden=True,
        params=(Param("swap", N_("trade"), params.integer(1, 10**9)),),
    ),
    Command(
        "reminders",
        N_("when I remind you: /reminders 24,2, or off"),
        reminders.reminders,
        params=(Param("choice", N_("hours, on or off"), params.word, optional=True),),
    ),
    Command(
        "quiet",
        N_("hours when I send nothing: /quiet 22-8, or off"),
        reminders.quiet,
        params=(Param("hours", N_("hours"), params.word),),
    ),
    Command(
        "pickup",
        N_("book a food box in a pickup window (or: /pickup cancel)"),
        pickups.book,
        where="private",
        dialog=True,
        parse_line=pickups.parse_line,
        syntax=N_("[cancel]"),
        params=(
            GROUP,
            Param(
                "window",
                N_("window"),
                params.word,
                prompt=N_("Which window suits you?"),
                options=pickups.window_options,
                default=pickups.no_window,
            ),
        ),
    ),
    Command(
        "pickups",
        N_("today's pickups at the table; trusted members open windows"),
        pickups.pickups,
        where="group",
        needs_group=True,
        params=(
            Param("action", N_("action"), params.word, optional=True),
            Param("spec", N_("details"), params.text(300), optional=True, rest=True),
        ),
    ),
    Command(
        "collected",
        N_("mark a booked box collected"),
        pickups.collected,
        params=(Param("booking", N_("booking"), params.reference("B")),),
    ),
    Command(
        "calendar",
        N_("my coming shifts and pickups, as a calendar file, and a link to follow them"),
        calendar.calendar,
        where="private",
        params=(Param("action", N_("new"), params.word, optional=True),),
    ),
    Command(
        "propose",
        N_("make a proposal; add 'do <command>' to make it binding"),
        polls.propose,
        where="group",
        needs_group=True,
        dialog=True,
        params=(
            Param(
                "text",
                N_("title"),
                params.text(600),
                rest=True,
                prompt=N_("What do you propose? One line; add 'do <command>' to make it binding."),
            ),
        ),
        syntax=N_("<title> [do <command>] [; secret, hidden, trusted, quorum 50%, days 7]"),
    ),
    Command(
        "poll",
        N_("a poll: consent, choice, time, dot or ranked"),
        polls.poll_command,
        where="group",
        needs_group=True,
        dialog=True,
        params=(
            Param(
                "kind",
                N_("kind"),
                params.word,  # read in any language by polls.poll_kind
                prompt=N_("Which kind of poll?"),
                options=polls.kind_buttons,
            ),
            Param(
                "text",
                N_("title and options"),
                params.text(2000),
                rest=True,
                prompt=N_(
                    "The title and the options, like: Lunch: soup | salad "
                    "(a consent round needs only a title)."
                ),
            ),
        ),
        syntax=N_("<kind> <title>: <option> | <option> [; secret, hidden, max 2, ...]"),
    ),
    Command(
        "vote",
        N_("vote on a poll"),
        polls.vote,
        params=(
            Param("poll", N_("poll"), params.reference("P")),
            Param("ballot", N_("your vote"), params.text(500), optional=True, rest=True),
        ),
    ),
    Command("polls", N_("the open polls"), polls.polls),
    Command(
        "outcome",
        N_("add what came of your closed poll"),
        polls.outcome,
        params=(
            Param("poll", N_("poll"), params.reference("P")),
            Param("text", N_("outcome"), params.text(1000), rest=True),
        ),
    ),
    Command(
        "untrust",
        N_("take back your vouch"),
        trust.untrust,
        where="group",
        needs_group=True,
        params=(Param("member", N_("member"), params.member),),
    ),
    Command("trusts", N_("who vouched for whom"), trust.trusts, where="group", needs_group=True),
    Command(
        "remove",
        N_("take someone off the roster (or propose it)"),
        trust.remove,
        where="group",
        needs_group=True,
        params=(Param("member", N_("member"), params.member),),
    ),
    Command("mine", N_("my requests, what I help with, my offers"), views.mine, where="private"),
    Command("mydata", N_("everything I keep about you"), privacy.mydata, where="private"),
    Command(
        "forget",
        N_("erase what I keep about you"),
        privacy.forget,
        where="private",
        dialog=True,
        params=(
            Param(
                "sure",
                N_("yes or no"),
                params.choice("yes", "no", kind="answer"),
                prompt=N_(
                    "This erases your name, accounts and places on rosters, "
                    "and closes your open requests and offers. Are you sure?"
                ),
                options=fixed((N_("Yes, forget me"), "yes"), (N_("No"), "no")),
            ),
        ),
    ),
)

# /help lists commands by topic, in this order.
TOPICS = {
    N_("Requests"): (
        "request",
        "requests",
        "mine",
        "claim",
        "unclaim",
        "done",
        "thanks",
        "reopen",
        "msg",
    ),
    N_("Offers"): ("offer", "offers", "take", "handed", "close"),
    N_("Shifts"): (
        "shifts",
        "myshifts",
        "signup",
        "withdraw",
        "giveaway",
        "swap",
        "shift",
        "reminders",
        "quiet",
        "calendar",
        "swappick",
        "swapyes",
        "swapno",
    ),
    N_("Pickups"): ("pickup", "pickups", "collected"),
    N_("Decisions"): ("propose", "poll", "vote", "polls", "outcome"),
    N_("Group"): (
        "setup",
        "join",
        "invite",
        "leave",
        "roster",
        "trust",
        "untrust",
        "trusts",
        "remove",
        "link",
        "settings",
        "set",
        "network",
        "web",
    ),
    N_("You"): ("start", "help", "language", "cancel", "mydata", "forget"),
}
_BY_NAME = {c.name: c for c in _TABLE}
COMMANDS = {
    name: replace(_BY_NAME.pop(name), topic=topic)
    for topic, names in TOPICS.items()
    for name in names
}
assert not _BY_NAME, f"commands without a topic: {list(_BY_NAME)}"
