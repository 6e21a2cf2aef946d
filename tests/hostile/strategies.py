"""Command lines as people write them (every one-line form, right and wrong), with hostile
text in every slot."""

from hypothesis import strategies as st

from bot.commands import COMMANDS
from tests.hostile.texts import any_text, hostile, numberish, word


def slot(*usual: str) -> st.SearchStrategy[str]:
    """A slot of a form: mostly something usual, often something hostile."""
    return st.one_of(st.sampled_from(usual), st.sampled_from(usual), word(), hostile(3))


def opt(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.just(""), strategy)


def form(pattern: str, **slots: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.fixed_dictionaries(slots).map(
        lambda values: " ".join(pattern.format(**values).split(" "))
    )


REF = {
    p: st.one_of(st.sampled_from([f"{p}{n}" for n in range(1, 6)]), numberish()) for p in "RSPOB"
}
DAY = slot("sat", "sun", "mon", "friday", "sábado", "tomorrow")
RANGE = slot("10:00-13:00", "13:00-14:00", "9.00-9.15", "23:00-23:59")
WHEN = slot("friday", "friday 18:00", "tomorrow", "asap", "mañana", "in 2 hours", "none")
CATEGORY = slot("food", "ride", "errand", "housing", "medical")
AREA = slot("Eastside", "Westside", "Ea\u200bst\u200dside", "\u202eedistsaE")
WHAT = st.one_of(hostile(), slot("bread", "2 boxes", "10 loaves of bread"))
NUMBER = st.one_of(slot("1", "2", "3", "12"), numberish())
COMMAND_IN_PROPOSAL = slot(
    "trust @eli",
    "remove @ana",
    "set direct_changes proposals",
    "set vouches_needed 1",
    "set timezone Mars/Base",
    "shift cancel S1 all",
    "leave",
    "join",
    "forget yes",
    "set categories a,b",
    "untrust @ben",
    "propose x do trust @eli",
)
FLAGS = st.lists(
    slot(
        "secret",
        "hidden",
        "trusted",
        "write-in",
        "quorum 0%",
        "quorum 100%",
        "days 0",
        "days 1",
        "days 9999",
        "max 2",
        "max 0",
        "points 5",
    ),
    max_size=4,
).map(", ".join)
SETTING = slot(
    "language",
    "timezone",
    "vouches_needed",
    "categories",
    "bump_hours",
    "direct_changes",
    "retention_days",
    "poll_days",
    "pickup_names",
    "native_polls",
    "quorum",
)

FORMS = st.one_of(
    form(
        "/request {c} {a} {u} by {w}: {x}",
        c=CATEGORY,
        a=AREA,
        u=opt(slot("urgent")),
        w=WHEN,
        x=WHAT,
    ),
    form(
        "/offer {c} {a} {until}: {x}",
        c=CATEGORY,
        a=AREA,
        until=opt(WHEN.map(lambda w: f"until {w}")),
        x=WHAT,
    ),
    form(
        '/shift add "{n}" {d} {r} {weekly} places {p} roles {roles}',
        n=WHAT,
        d=DAY,
        r=RANGE,
        weekly=opt(slot("weekly")),
        p=NUMBER,
        roles=slot("cook:1,server:2", "cook:0", "a:1,a:1", "x" * 40 + ":1", "driver:99999"),
    ),
    form(
        "/shift {action} {s} {rest}",
        action=slot("move", "cancel", "add", "drop"),
        s=REF["S"],
        rest=opt(st.one_of(DAY, slot("all"), hostile(3))),
    ),
    form(
        '/pickups {action} {d} {r} every {m} boxes {b} at "{place}"',
        action=slot("open", "close", "today"),
        d=DAY,
        r=RANGE,
        m=NUMBER,
        b=NUMBER,
        place=WHAT,
    ),
    form(
        "/propose {title} {do} {flags}",
        title=WHAT,
        do=opt(COMMAND_IN_PROPOSAL.map(lambda c: f"do {c}")),
        flags=opt(FLAGS.map(lambda f: f"; {f}")),
    ),
    form(
        "/poll {kind} {title}: {options} {flags}",
        kind=slot("consent", "choice", "time", "dot", "ranked", "proposal"),
        title=WHAT,
        options=st.lists(st.one_of(WHAT, slot("soup", "a", "A", "sat 10:00")), max_size=25).map(
            " | ".join
        ),
        flags=opt(FLAGS.map(lambda f: f"; {f}")),
    ),
    form(
        "/vote {p} {ballot}",
        p=REF["P"],
        ballot=st.one_of(
            slot("agree", "block", "1", "1,2", "3 2 1", "+tacos", "yes no", "0 5 0", "4"), hostile()
        ),
    ),
    form(
        "/set {key} {value}",
        key=SETTING,
        value=st.one_of(
            slot("1", "auto", "proposals", "Europe/Madrid", "a, b", "es", "on"), hostile()
        ),
    ),
    form("/reminders {x}", x=slot("24,2", "off", "on", "0", "1,2,3,4,5,6", "999")),
    form("/quiet {x}", x=slot("22-8", "off", "0-0", "25-3", "8-22")),
    form("/signup {s} {more}", s=REF["S"], more=opt(slot("cook", "server", "3 weeks", "99"))),
    form("/swap {s} {other}", s=REF["S"], other=st.one_of(REF["S"], slot("@ben", "@zed"))),
    form(
        "/{c} {ref}",
        c=st.sampled_from(("claim", "unclaim", "done", "reopen", "cancel")),
        ref=REF["R"],
    ),
    form("/{c} {ref} {x}", c=st.sampled_from(("thanks", "msg")), ref=REF["R"], x=WHAT),
    form(
        "/{c} {ref}",
        c=st.sampled_from(("take", "close")),
        ref=st.one_of(REF["O"], REF["S"], REF["P"]),
    ),
    form("/{c} {ref}", c=st.sampled_from(("withdraw", "giveaway")), ref=REF["S"]),
    form("/collected {ref}", ref=REF["B"]),
    form(
        "/{c} {who}",
        c=st.sampled_from(("trust", "untrust", "remove")),
        who=slot("@eli", "@ana", "@zed", "@olga", "Eli", "@"),
    ),
    form("/outcome {p} {x}", p=REF["P"], x=WHAT),
    form(
        "/{c} {a} {b}",
        c=st.sampled_from(("swappick", "swapyes", "swapno", "handed")),
        a=NUMBER,
        b=opt(NUMBER),
    ),
)

# Any command by name, followed by anything.
ANY_COMMAND = st.tuples(
    st.sampled_from(sorted(COMMANDS)), st.sampled_from(("/", "/", "!")), any_text()
).map(lambda t: f"{t[1]}{t[0]} {t[2]}")

LINES = st.one_of(FORMS, FORMS, ANY_COMMAND, any_text())
