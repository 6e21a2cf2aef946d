"""minga's outgoing messages in Matrix's shape: m.notice with HTML (its marks as <strong>
and <code>), reactions for buttons.

Matrix has no buttons. Each of a message's buttons becomes a reaction the bot puts on
it, named in a one-line legend with the command that does the same, so a press is one
click in Element and every action can also be typed.
"""

import json
import re
from functools import cache

from adapters.text import escaped, split
from bot.messages import ANSWER, Button, Style, marks_of

# A homeserver refuses an event over 64 KiB, counted in UTF-8 after JSON's escapes; each
# character of a message is in it twice (the plain body and the HTML). Text takes at most
# this much of it, which leaves room for the legend and the event's own fields.
LIMIT = 44_000
# A mark's tags are not counted in that: a message shows at most this many (2,000 bytes at
# most, twice in an edit), and one with more is shown plain.
MARKS = 100
TAGS: dict[Style, str] = {"strong": "strong", "code": "code"}

# A command that means the same everywhere gets its own picture; the rest are numbered.
NAMED = {
    "claim": "✋",
    "take": "🤲",
    "handed": "✅",
    "join": "👋",
    "pickup": "📦",
    "start": "💬",
    "swapyes": "👍",
    "swapno": "👎",
}
NUMBERED = (
    [f"{n}\ufe0f\u20e3" for n in range(1, 10)] + ["🔟"] + [chr(0x1F1E6 + n) for n in range(26)]
)  # 1️⃣ … 9️⃣, 🔟, then the letters 🇦 … 🇿


def reactions(buttons: tuple[Button, ...]) -> list[tuple[str, Button]]:
    """The reaction that stands for each button; the same buttons always get the same ones."""
    names = [b.data.split(" ", 1)[0] for b in buttons]
    named = all(n in NAMED for n in names) and len(set(names)) == len(names)
    return [
        (NAMED[n] if named else NUMBERED[i], b)
        for i, (n, b) in enumerate(zip(names, buttons, strict=True))
    ][: len(NUMBERED)]


@cache
def event_bytes(char: str) -> int:
    """What one character of a message adds to its event: plain and as HTML, in JSON."""
    html = "<br>" if char == "\n" else escaped(char)
    return sum(
        len(json.dumps(s, ensure_ascii=False).encode("utf-8", "surrogatepass")) - 2
        for s in (char, html)
    )


def event_cost(text: str) -> int:
    return sum(map(event_bytes, text))


def parts(text: str, share: int = 1) -> list[str]:
    """A text in messages that each fit an event; `share`: the text is in it that many
    times over (a native poll repeats its question, an edit its new content)."""
    return split(text, LIMIT // share, event_cost)


COMMAND = re.compile(r"(?<![^\s(\"'“])/(?=[a-z]\w*\b)")


def with_prefix(text: str, prefix: str) -> str:
    """The core writes commands as /help; in Matrix they are typed with the room's prefix.
    Only a word that starts with the slash is one: not a date, a path or a link. The text
    keeps its marks, each on the same words."""
    shown, at = "", 0
    for slash in COMMAND.finditer(text):
        shown += text[at : slash.start()] + prefix
        at = slash.end()
    return shown + text[at:]


def legend(pairs: list[tuple[str, Button]], prefix: str) -> str:
    """One line: each reaction, what it does, and the command that does the same."""
    shown = []
    for emoji, button in pairs:
        typed = (
            button.data[len(ANSWER) :]
            if button.data.startswith(ANSWER)
            else prefix + (button.typed or button.data)
        )
        shown.append(f"{emoji} {button.label} ({typed})")
    return " · ".join(shown)


def _lines(text: str) -> str:
    return escaped(text).replace("\n", "<br>")


def formatted(text: str) -> str:
    """The text in HTML: escaped, its line ends <br>, its marks (up to MARKS) in tags."""
    marks = marks_of(text)
    if len(marks) > MARKS:
        return _lines(text)
    shown, at = [], 0
    for mark in marks:
        tag = TAGS[mark.style]
        shown.append(_lines(text[at : mark.start]))
        shown.append(f"<{tag}>{_lines(text[mark.start : mark.end])}</{tag}>")
        at = mark.end
    return "".join(shown) + _lines(text[at:])


def content(text: str, pairs: list[tuple[str, Button]], prefix: str) -> dict[str, str]:
    """An m.notice with a plain body and the same in HTML; the legend, if any, last."""
    lines = text[: len(text.rstrip("\n"))]
    body = f"{lines}\n\n{legend(pairs, prefix)}" if pairs else lines
    html = formatted(lines)
    if pairs:
        html += f"<br><br><em>{escaped(legend(pairs, prefix))}</em>"
    return {
        "msgtype": "m.notice",
        "body": body,
        "format": "org.matrix.custom.html",
        "formatted_body": html,
    }


def replacing(event_id: str, new: dict[str, str]) -> dict[str, object]:
    """An edit of an earlier message: clients that know m.replace show only the new text."""
    return {
        **new,
        "body": f"* {new['body']}",
        "formatted_body": f"* {new['formatted_body']}",
        "m.new_content": new,
        "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
    }


def reaction(event_id: str, emoji: str) -> dict[str, object]:
    return {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": emoji}}


POLL_START = "org.matrix.msc3381.poll.start"  # Element reads these prefixes; so does minga
POLL_END = "org.matrix.msc3381.poll.end"
POLL_RESPONSES = ("org.matrix.msc3381.poll.response", "m.poll.response")
TEXT = "org.matrix.msc1767.text"


def is_poll(buttons: tuple[Button, ...]) -> bool:
    """A one-choice poll the group wants shown as Matrix's own: every button an answer."""
    return len(buttons) >= 2 and all(b.answer for b in buttons)


def poll_start(text: str, buttons: tuple[Button, ...]) -> dict[str, object]:
    """A Matrix poll; each answer's id is its button's place, counted from 1."""
    fallback = "\n".join([text, *(f"{n}. {b.label}" for n, b in enumerate(buttons, 1))])
    return {
        POLL_START: {
            "kind": "org.matrix.msc3381.poll.disclosed",
            "max_selections": 1,
            "question": {TEXT: text, "body": text},
            "answers": [{"id": str(n), TEXT: b.label} for n, b in enumerate(buttons, 1)],
        },
        TEXT: fallback,
        "body": fallback,
    }


def poll_end(event_id: str, text: str) -> dict[str, object]:
    return {
        "m.relates_to": {"rel_type": "m.reference", "event_id": event_id},
        POLL_END: {},
        TEXT: text,
        "body": text,
    }
