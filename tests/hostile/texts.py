"""What a hostile or unlucky person can type: any Unicode, markup aimed at the renderers,
numbers that only look like numbers, and texts far too long. Strategies, no tests."""

from hypothesis import strategies as st

# Numbers that are not ASCII digits, or are too big: where a number is asked for.
ODD_NUMBERS = (
    "\u00b2",
    "\u00b3",
    "\u00b9",
    "\u2460",
    "\u0661\u0662",
    "\U0001d7d7",
    "\u2167",
    "\u00bd",
    "\uff11",
    "\u0966",
    "99999999999999999999999",
    "0",
    "-1",
    "+5",
    "1e9",
    "0x1f",
    "007",
    "4294967296",
)

# Pieces that have broken, or could break, a parser or a renderer.
TRICKY = (
    # bidirectional controls, invisible format characters, joiners
    "\u202e",
    "\u202d",
    "\u202a",
    "\u202c",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u00ad",
    # combining marks, emoji sequences, flags, keycaps, variation selectors
    "e\u0301",
    "\u0336",
    "\u20e3",
    "1\ufe0f\u20e3",
    "\U0001f469\u200d\U0001f469\u200d\U0001f467",
    "\U0001f3f3\ufe0f\u200d\U0001f308",
    "\U0001f1fb\U0001f1ea",
    "\U0001f44d\U0001f3fd",
    "\ufe0f",
    # lone surrogates (platform JSON can carry them), NUL and other controls
    "\ud800",
    "\udfff",
    "\udbff\udc00",
    "\x00",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\x0b",
    "\x0c",
    "\u2028",
    "\u2029",
    "\r\n",
    "\r",
    "\t",
    # numbers that are not ASCII digits, or are too big
    *ODD_NUMBERS,
    "9" * 30,
    # markup aimed at Telegram HTML, Matrix HTML and Markdown
    "<b>",
    "</b>",
    "<i>x</i>",
    '<a href="https://example.org">',
    "</a>",
    "<script>",
    "<br>",
    "<br/>",
    "</",
    "<",
    ">",
    "&",
    "&amp;",
    "&lt;",
    "&#0;",
    "&#x1F600;",
    "&nbsp;",
    "<tg-spoiler>",
    "<pre>",
    "<code>",
    '"',
    "'",
    "`",
    "```",
    "*",
    "**",
    "_",
    "__",
    "~",
    "[x](https://example.org)",
    "[",
    "]",
    "(",
    ")",
    "\\",
    "|",
    ";",
    ":",
    ",",
    "%",
    "#",
    # words minga reads: references, handles, keywords of its forms
    "@ana",
    "@eli",
    "@",
    "R1",
    "R2",
    "S1",
    "P1",
    "P2",
    "O1",
    "B1",
    "R²",
    "S³",
    "P¹",
    "R①",
    "do",
    "set",
    "trust",
    "remove",
    "leave",
    "by",
    "until",
    "at",
    "every",
    "boxes",
    "places",
    "roles",
    "weekly",
    "quorum 0%",
    "days 0",
    "secret",
    "hidden",
    "trusted",
    "write-in",
    "max 99",
    "points 999",
    "all",
    "cancel",
    "move",
    "add",
    "open",
    "yes",
    "no",
    "asap",
    "friday",
    "tomorrow",
    "sat",
    "mon",
    "10:00-13:00",
    "25:99-26:00",
    "13:00-10:00",
    "24,2",
    "22-8",
    "off",
    "on",
    "food",
    "ride",
    "Eastside",
    "Ea\u200bst\u200dside",
    "İ",
    "ß",
    "\ufb01",
    "Σ",
    "ǅ",
)

# Any code point at all, surrogates and controls included.
ANY_CHAR = st.characters(exclude_categories=())
RARE_CHAR = st.characters(min_codepoint=0x80, exclude_categories=())


def pieces() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(TRICKY),
        numberish(),
        st.text(ANY_CHAR, min_size=1, max_size=8),
        st.text(RARE_CHAR, min_size=1, max_size=4),
        st.text("abcxyz0123456789 ", min_size=1, max_size=8),
    )


def hostile(max_pieces: int = 12) -> st.SearchStrategy[str]:
    """A short text of hostile pieces, with spaces often between them."""
    return st.lists(
        st.tuples(pieces(), st.sampled_from(("", " ", " ", "  ", "\n"))), max_size=max_pieces
    ).map(lambda ps: "".join(p + s for p, s in ps))


def huge() -> st.SearchStrategy[str]:
    """Up to 100 KB: one piece, or a short hostile text, repeated."""
    return st.tuples(
        st.one_of(st.sampled_from(TRICKY), hostile(4).filter(bool)), st.integers(4_000, 100_000)
    ).map(lambda pair: (pair[0] * (pair[1] // max(1, len(pair[0])) + 1))[: pair[1]])


def any_text() -> st.SearchStrategy[str]:
    """Mostly short hostile texts, sometimes any text, now and then a huge one."""
    return st.one_of(hostile(), hostile(), st.text(ANY_CHAR, max_size=50), huge())


NUMBERS = (
    *ODD_NUMBERS,
    "1",
    "2",
    "3",
    "17",
    "1_000",
    "1.5",
    " 1",
    "\u200b1",
)


def numberish() -> st.SearchStrategy[str]:
    """Something that looks like a number, or like a reference (R17, S3, P1, B2)."""
    digits = st.one_of(
        st.sampled_from(NUMBERS),
        st.text(st.characters(categories=("Nd", "No", "Nl")), min_size=1, max_size=4),
        st.integers(-10, 10**25).map(str),
    )
    return st.tuples(
        st.sampled_from(("", "", "R", "S", "P", "O", "B", "r", "s", "p", "#")), digits
    ).map("".join)


def word() -> st.SearchStrategy[str]:
    """One word-like thing: a hostile piece without spaces, a number, or a keyword."""
    return st.one_of(
        st.sampled_from(TRICKY), numberish(), st.text(ANY_CHAR, min_size=1, max_size=6)
    ).map(lambda w: "".join(w.split()) or "x")
