"""Relative and absolute date expressions, resolved against the article's publication day.

News reports the past, so a bare weekday ("on Friday") is the most recent such day on or
before publication; "next Friday" and "this coming Friday" look forward, "last Friday"
looks strictly back. A day without a year takes the publication year, moved back a year
when that would put it more than about six months after publication.

Vague periods ("last week", "last year", "in recent days", "June 2025") resolve to None:
a report carries days, and inventing one would be false precision. "The following day"
needs an anchor (the date last mentioned), which `find_dates` passes along.
"""

from __future__ import annotations

import datetime as dt
import re

from spacy.tokens import Doc

from kg.extract.numbers import UNITS, numeral_value

WEEKDAYS: dict[str, int] = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
MONTHS: dict[str, int] = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
# Parts of the day and fillers that do not change which day is meant.
_FILLER = re.compile(
    r"\b(?:on|the|of|in|at|early|late|earlier|later|this|that|by|until|since|"
    r"morning|afternoon|evening|night|overnight|noon|midday)\b"
)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s*(\d{4})?\b")
_MONTH_DAY_YEAR = re.compile(r"\b([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s*(\d{4}))?")
_AGO = re.compile(r"\b(\w+)\s+(day|week)s?\s+ago\b")
_HALF_YEAR = dt.timedelta(days=183)

_RELATIVE_DAYS: dict[str, int] = {
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "yesterday": -1,
    "last night": -1,
    "tomorrow": 1,
    "the day before yesterday": -2,
    "the day after tomorrow": 2,
}
_ANCHORED_DAYS: dict[str, int] = {
    "the following day": 1,
    "the next day": 1,
    "the day after": 1,
    "a day later": 1,
    "the previous day": -1,
    "the day before": -1,
    "a day earlier": -1,
    "the following week": 7,
    "a week later": 7,
    "a week earlier": -7,
}


def resolve_date(
    expression: str, published: dt.date | None, anchor: dt.date | None = None
) -> dt.date | None:
    """The calendar day an expression names, or None when it names none or is too vague.

    `anchor` is the day the text last spoke of, for "the following day"; it defaults to
    the publication day.

    >>> resolve_date("on Friday", dt.date(2025, 6, 9))
    datetime.date(2025, 6, 6)
    """
    text = " ".join(expression.lower().replace("\u2019", "'").split())
    m = _ISO.search(text)
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    for phrase, offset in sorted(_RELATIVE_DAYS.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"\b{phrase}\b", text):
            return published + dt.timedelta(days=offset) if published else None
    for phrase, offset in _ANCHORED_DAYS.items():
        if phrase in text:
            base = anchor or published
            return base + dt.timedelta(days=offset) if base else None
    m = _AGO.search(text)
    if m and published:
        n = _small_number(m.group(1))
        if n is not None:
            return published - dt.timedelta(days=n * (7 if m.group(2) == "week" else 1))
    absolute = _absolute(text, published)
    if absolute is not None or _mentions_month(text):
        return absolute
    return _weekday(text, published)


def _small_number(word: str) -> int | None:
    if word in ("a", "an", "one"):
        return 1
    if word in UNITS:
        return UNITS[word]
    v = numeral_value(word)
    return int(v) if v is not None and v == int(v) else None


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _mentions_month(text: str) -> bool:
    return any(re.search(rf"\b{name}\b", text) for name in MONTHS if name != "may")


def _absolute(text: str, published: dt.date | None) -> dt.date | None:
    for pattern, day_first in ((_DAY_MONTH_YEAR, True), (_MONTH_DAY_YEAR, False)):
        for m in pattern.finditer(text):
            day_s, month_s = (m.group(1), m.group(2)) if day_first else (m.group(2), m.group(1))
            month = MONTHS.get(month_s.rstrip("."))
            if month is None:
                continue
            if m.group(3):
                return _make(int(m.group(3)), month, int(day_s))
            if published is None:
                return None
            guess = _make(published.year, month, int(day_s))
            if guess is not None and guess - published > _HALF_YEAR:
                guess = _make(published.year - 1, month, int(day_s))
            return guess
    return None


def _weekday(text: str, published: dt.date | None) -> dt.date | None:
    words = _FILLER.sub(" ", text).split()
    days = [w for w in words if w in WEEKDAYS]
    if len(days) != 1 or published is None:
        return None
    target = WEEKDAYS[days[0]]
    back = (published.weekday() - target) % 7
    if "next" in words or "coming" in words:
        return published + dt.timedelta(days=(target - published.weekday()) % 7 or 7)
    if "last" in words or "past" in words or "previous" in words:
        return published - dt.timedelta(days=back or 7)
    if len(words) > 1:
        return None  # "every Friday", "Fridays": not one day
    return published - dt.timedelta(days=back)


def find_dates(doc: Doc, published: dt.date | None) -> list[tuple[int, int, dt.date]]:
    """The DATE entities that name a day, as (start, end, day) with character offsets.

    Each resolved day becomes the anchor for the next "the following day".
    """
    out: list[tuple[int, int, dt.date]] = []
    anchor = published
    for ent in doc.ents:
        if ent.label_ != "DATE":
            continue
        day = resolve_date(ent.text, published, anchor)
        if day is None:
            continue
        out.append((ent.start_char, ent.end_char, day))
        anchor = day
    return out
