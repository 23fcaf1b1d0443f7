"""Reading figures as news writes them: "2,000", "1.5", "3bn", "twenty-five", "half a million".

Kept apart from quantities.py so that dates, events and tests can parse a figure without
the rest of the quantity rules. Everything here is a pure function of strings.
"""

from __future__ import annotations

import math
import re

UNITS: dict[str, int] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
# "hundred" multiplies what precedes it within a group; the others close a group.
SCALES: dict[str, int] = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    # South Asian scales, as Indian and Pakistani papers write sums ("Rs 500 crore").
    "lakh": 100_000,
    "lakhs": 100_000,
    "crore": 10_000_000,
    "crores": 10_000_000,
}
# Abbreviated scales as the financial press writes them ("$45m", "€3bn", "5k").
SCALE_SUFFIXES: dict[str, int] = {
    "k": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "mln": 1_000_000,
    "mio": 1_000_000,
    "b": 1_000_000_000,
    "bn": 1_000_000_000,
    "bln": 1_000_000_000,
    "tn": 1_000_000_000_000,
    "trn": 1_000_000_000_000,
}
DOZEN = 12

# A digit figure: thousands separated by commas (only in groups of three, so "7,2" is not
# seventy-two), an optional decimal part, and an optional scale suffix.
_NUMERAL = re.compile(r"^(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?P<suf>[a-z]*)$")


def numeral_value(text: str) -> float | None:
    """The value of a digit token ("2,000", "1.5", "3bn"), or None if it is not one.

    A suffix that is not a scale ("1st", "10km") gives None: ordinals are not counts, and
    glued units are the caller's business (it splits them before asking).
    """
    m = _NUMERAL.match(text.lower())
    if not m:
        return None
    value = float(m.group("num").replace(",", ""))
    suffix = m.group("suf")
    scale = SCALE_SUFFIXES.get(suffix) if suffix else 1
    if not scale or not math.isfinite(value * scale):
        return None  # beyond a float: no count anyone reports
    return value * scale


def is_number_word(word: str) -> bool:
    w = word.lower()
    return w in UNITS or w in TENS or w in SCALES or w == "dozen"


def words_value(words: list[str]) -> float | None:
    """The value of a run of number words and digits: "two hundred and fifty", "1.2 million".

    Hyphens and "and" are allowed between parts; "a"/"an" count as one before a scale
    ("a million", "a dozen"), and "half" halves what follows ("half a million"). Returns
    None for anything that does not read as one number, so the caller can fall back.
    """
    parts = [w.lower() for w in words if w not in ("-", "and")]
    if not parts:
        return None
    half = False
    if parts[0] == "half":
        half = True
        parts = parts[1:]
        if parts and parts[0] in ("a", "an"):
            parts = parts[1:]
        if not parts:
            return None
    total = 0.0
    group = 0.0
    group_started = False
    for i, w in enumerate(parts):
        if w in ("a", "an"):
            if i + 1 < len(parts) and (parts[i + 1] in SCALES or parts[i + 1] == "dozen"):
                group, group_started = 1.0, True
                continue
            return None
        n = numeral_value(w)
        if n is not None:
            if group_started:
                return None
            group, group_started = n, True
        elif w in UNITS:
            if group_started and group % 10 != 0:
                return None
            group, group_started = group + UNITS[w], True
        elif w in TENS:
            if group_started and group % 100 != 0:
                return None
            group, group_started = group + TENS[w], True
        elif w == "dozen":
            group = (group if group_started else 1.0) * DOZEN
            group_started = True
        elif w == "hundred":
            group = (group if group_started else 1.0) * 100
            group_started = True
        elif w in SCALES:
            total += (group if group_started else 1.0) * SCALES[w]
            group, group_started = 0.0, False
        else:
            return None
    value = total + group
    return value / 2 if half else value
