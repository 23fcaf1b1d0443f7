"""Counted and measured figures: "more than 60,000 people", "$45 million", "12 percent".

A figure is read from the tokens (digits, number words, scale words and suffixes), then
what it counts is read to its right (a currency, a percent sign, a unit of measure, or a
noun phrase found through the parse) and its qualifier to its left ("at least", "up to").
Rules live here; word lists live in data/quantities.json.

Choices a reader of the output should know:

- A range ("between 200 and 300 families", "200-300 families") gets `min_value` and
  `max_value`; `value` is the lower bound with the qualifier `at_least` unless the text
  qualifies the range itself ("up to 200-300"): the figure a reader can quote from the
  text and a true statement about it, where a midpoint would be a number nobody wrote.
  "from 200 to 300" is read as a change, two figures, not as a range.
- Money: `unit` and `counted` are the ISO 4217 code; a bare "$" is US dollars.
  Percentages: `unit` and `counted` are "percent" (or "percentage points").
  Measures and durations: `unit` is the unit word as written; `counted` is the unit word
  and its "of" phrase ("liters of drinking water").
  Counts: `counted` is the head noun with the modifiers the text gives it ("National Guard
  troops"); `unit` is None.
- Durations with a figure ("two weeks") are kept: a reader counts them. Dates, times of
  day, years, ages, ordinals, vote tallies, labels ("Boeing 737", "Route 66"), phone
  numbers and vague plurals ("thousands") are not quantities.
- A bare figure with nothing counted is dropped, unless it is the other side of a
  comparison in the same sentence ("90 ships ..., up from 35"), whose counted it takes.
- `counted_of_start`/`counted_of_end` mark the named entity the counted things belong to
  ("2,000 National Guard troops", "1,200 members of the Guard"), for the pipeline to turn
  into `counted_of` once entities have ids.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Token

from kg.extract.numbers import SCALE_SUFFIXES, SCALES, TENS, UNITS, numeral_value, words_value
from kg.extract.report import Qualifier, Quantity

_DATA = Path(__file__).resolve().parent / "data" / "quantities.json"

# Entities whose inside a figure is a name, not a count ("Boeing 737", "Apollo 11").
_LABEL_ENTITY_TYPES = frozenset({"ORG", "PRODUCT", "EVENT", "LAW", "WORK_OF_ART", "FAC"})
# Entities the counted things can belong to ("National Guard troops").
_OWNER_ENTITY_TYPES = frozenset({"ORG", "NORP", "GPE", "PERSON", "FAC", "LOC"})
_MODIFIER_POS = frozenset({"ADJ", "NOUN", "PROPN"})
_MODIFIER_TAGS = frozenset({"VBN", "VBG", "JJ", "JJR", "JJS", "NN", "NNS", "NNP", "NNPS", "HYPH"})
_CURRENCY_GLUED = re.compile(r"^(?P<cur>[a-z.]*[$€£¥₹₦₽₩₺₪₴₱₫฿])(?P<num>[\d.,]+[a-z]*)$")
_LETTER_GLUED = re.compile(r"^(?P<cur>[a-z]{1,3}\.?)(?P<num>\d[\d.,]*[a-z]*)$")
_AGE_AFTER = re.compile(
    r"^\s*-?\s*(?:year|month|week|day)s?\s*-\s*olds?\b|^\s+(?:years?|months?)\s+(?:old|of age)\b"
)
_MAX_COUNTED_TOKENS = 6


@dataclass(frozen=True)
class QuantityLexicon:
    """The word lists of data/quantities.json, as tuples of lower-case tokens."""

    qualifiers_before: dict[tuple[str, ...], Qualifier]
    qualifiers_needing_parse: frozenset[str]
    qualifiers_after: dict[tuple[str, ...], Qualifier]
    currency_symbols: dict[str, str]
    currency_words: dict[tuple[str, ...], str]
    scaled_currency_words: dict[tuple[str, ...], str]
    cents_words: frozenset[str]
    percent_words: dict[tuple[str, ...], str]
    measure_units: frozenset[tuple[str, ...]]
    time_units: frozenset[str]
    one_idioms: frozenset[str]
    skip_heads: frozenset[str]
    time_suffixes: frozenset[str]
    tally_nouns: frozenset[str]
    tally_verbs: frozenset[str]
    months: frozenset[str]
    label_markers: frozenset[str]
    change_markers: frozenset[str]
    total_nouns: frozenset[str]
    fraction_words: frozenset[str]
    time_reference_after: frozenset[str]
    currency_letter_prefixes: dict[str, str]
    contextual_currency_words: dict[str, dict[str, str]]
    source_descriptors: tuple[tuple[str, ...], ...]
    subject_verbs: frozenset[str]
    subject_verb_particles: dict[str, str]
    elided_markers: frozenset[str]
    duration_modifiers: frozenset[str]
    unit_fractions: dict[tuple[str, ...], float]


def _phrase(text: str) -> tuple[str, ...]:
    # Split as spaCy does for the multi-word entries: "per cent" -> ("per", "cent").
    return tuple(text.split())


@lru_cache(maxsize=1)
def lexicon() -> QuantityLexicon:
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    return QuantityLexicon(
        qualifiers_before={_phrase(k): v for k, v in raw["qualifiers_before"].items()},
        qualifiers_needing_parse=frozenset(raw["qualifiers_needing_parse"]),
        qualifiers_after={_phrase(k): v for k, v in raw["qualifiers_after"].items()},
        currency_symbols=dict(raw["currency_symbols"]),
        currency_words={_phrase(k): v for k, v in raw["currency_words"].items()},
        scaled_currency_words={_phrase(k): v for k, v in raw["scaled_currency_words"].items()},
        cents_words=frozenset(raw["cents_words"]),
        percent_words={_phrase(k): v for k, v in raw["percent_words"].items()},
        measure_units=frozenset(_phrase(u) for u in raw["measure_units"]),
        time_units=frozenset(raw["time_units"]),
        one_idioms=frozenset(raw["one_idioms"]),
        skip_heads=frozenset(raw["skip_heads"]),
        time_suffixes=frozenset(raw["time_suffixes"]),
        tally_nouns=frozenset(raw["tally_nouns"]),
        tally_verbs=frozenset(raw["tally_verbs"]),
        months=frozenset(raw["months"]),
        label_markers=frozenset(raw["label_markers"]),
        change_markers=frozenset(raw["change_markers"]),
        total_nouns=frozenset(raw["total_nouns"]),
        fraction_words=frozenset(raw["fraction_words"]),
        time_reference_after=frozenset(raw["time_reference_after"]),
        currency_letter_prefixes=dict(raw["currency_letter_prefixes"]),
        contextual_currency_words=dict(raw["contextual_currency_words"]),
        source_descriptors=tuple(_phrase(p) for p in raw["source_descriptors"]),
        subject_verbs=frozenset(raw["subject_verbs"]),
        subject_verb_particles=dict(raw["subject_verb_particles"]),
        elided_markers=frozenset(raw["elided_markers"]),
        duration_modifiers=frozenset(raw["duration_modifiers"]),
        unit_fractions={_phrase(k): float(v) for k, v in raw["unit_fractions"].items()},
    )


@dataclass(frozen=True)
class _Figure:
    """A figure in the token stream: [start, end) with any currency prefix in front."""

    start: int
    num_start: int
    end: int
    value: float
    currency: str | None
    multiplier: float  # the scale the text gave ("million" -> 1e6), 1 if none
    digits: bool
    words: tuple[str, ...]


@dataclass
class _Found:
    """A quantity before it gets its id: token bounds plus the report fields."""

    fig: _Figure
    start: int  # token index of the span's first token
    end: int  # token index one past the span's last token
    value: float
    qualifier: Qualifier = "exact"
    unit: str | None = None
    counted: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    owner: tuple[int, int] | None = None  # character span of the counted things' owner
    extra: dict[str, object] = field(default_factory=dict)


def find_quantities(doc: Doc) -> list[Quantity]:
    """Every counted or measured figure of the document, in text order, ids "q1", "q2", ...

    Offsets are character offsets into `doc.text`. A range carries `min_value` and
    `max_value`; see the module docstring for what `value`, `unit` and `counted` hold.
    """
    lex = lexicon()
    found: list[_Found] = []
    bare: list[_Found] = []
    i = 0
    n = len(doc)
    while i < n:
        fraction = _unit_fraction(doc, i, lex)
        if fraction is not None:
            found.append(fraction)
            i = fraction.end
            continue
        fig = _read_figure(doc, i, lex)
        if fig is None:
            i += 1
            continue
        item, next_i = _build(doc, fig, lex)
        if item is not None:
            (found if item.counted or item.unit else bare).append(item)
        i = max(next_i, i + 1)
    found.extend(_fill_comparisons(doc, bare, found, lex))
    found.sort(key=lambda f: f.start)
    _qualify_headline(doc, found)
    out: list[Quantity] = []
    for k, f in enumerate(found, start=1):
        owner_start, owner_end = f.owner if f.owner is not None else (None, None)
        out.append(
            Quantity.model_validate(
                dict(
                    f.extra,
                    counted_of_start=owner_start,
                    counted_of_end=owner_end,
                    id=f"q{k}",
                    value=f.value,
                    qualifier=f.qualifier,
                    unit=f.unit,
                    counted=f.counted,
                    min_value=f.min_value,
                    max_value=f.max_value,
                    start=doc[f.start].idx,
                    end=_end_char(doc, f.end),
                )
            )
        )
    return out


def _qualify_headline(doc: Doc, found: list[_Found]) -> None:
    """A headline drops the body's "about": "to cut 900 jobs" over "cut about 900 jobs".

    A figure in the first line that the body repeats (same value, same counted) with a
    qualifier takes that qualifier.
    """
    title_end = doc.text.find("\n")
    if title_end < 0:
        return
    for f in found:
        if doc[f.start].idx >= title_end or f.qualifier != "exact":
            continue
        for g in found:
            if (
                doc[g.start].idx > title_end
                and g.value == f.value
                and g.qualifier != "exact"
                and (g.counted or "").lower() == (f.counted or "").lower()
            ):
                f.qualifier = g.qualifier
                break


def _end_char(doc: Doc, end: int) -> int:
    last = doc[end - 1]
    # "$150m." closing a sentence: the period is the sentence's, not the figure's.
    trim = 1 if last.text.endswith(".") and last.lower_[:-1] in SCALE_SUFFIXES else 0
    return last.idx + len(last.text) - trim


# --- reading a figure -------------------------------------------------------------------


def _numeral(text: str) -> float | None:
    # A leading zero ("0134", "07") marks a code or a phone number, not a count.
    if len(text) > 1 and text[0] == "0" and text[1] != ".":
        return None
    return numeral_value(text)


def _starts_number(doc: Doc, i: int) -> bool:
    if i >= len(doc):
        return False
    w = doc[i].lower_
    return _numeral(w) is not None or w in UNITS or w in TENS or w in ("a", "an", "half")


def _read_figure(doc: Doc, i: int, lex: QuantityLexicon) -> _Figure | None:
    """The figure starting at token i, if one does; None otherwise."""
    n = len(doc)
    low = doc[i].lower_
    currency: str | None = None
    j = i
    if low in lex.currency_symbols and _starts_number(doc, i + 1):
        currency, j = lex.currency_symbols[low], i + 1
    elif (
        low in ("us", "u.s.")
        and i + 2 < n
        and doc[i + 1].text == "$"
        and _starts_number(doc, i + 2)
    ):
        currency, j = "USD", i + 2
    words: list[str] = []
    glued = _CURRENCY_GLUED.match(doc[j].lower_) if currency is None else None
    letter = _letter_currency(doc, j, lex) if currency is None and not glued else None
    if glued and glued.group("cur") in lex.currency_symbols:
        if numeral_value(glued.group("num")) is None:
            return None
        currency = lex.currency_symbols[glued.group("cur")]
        words.append(glued.group("num"))
        k = j + 1
    elif letter is not None:
        currency, num = letter
        words.append(num)
        k = j + 1
    else:
        k = j
    while k < n:
        nxt = doc[k + 1].lower_ if k + 1 < n else ""
        w = doc[k].lower_
        if len(words) == 1 and w.endswith(".") and w[:-1] in SCALE_SUFFIXES:
            w = w[:-1]  # "$150m." at the end of a sentence
        if not _continues(words, w, nxt, currency is not None):
            break
        words.append(w)
        k += 1
    while words and words[-1] in ("-", "and", "a", "an", "half"):
        words.pop()
        k -= 1
    if not words or all(w in ("a", "an", "half") for w in words):
        return None
    if words[0] in SCALES and words[0] != "hundred" and not currency:
        # A bare "million" or "thousands" is not a figure; "a million" is.
        return None
    value = _value_of(words)
    if value is None:
        return None
    digits = _numeral(words[0]) is not None
    multiplier = 1.0
    for pos, w in enumerate(words):
        if w in SCALES and w != "hundred":
            multiplier *= SCALES[w]
        elif pos == 1 and w in SCALE_SUFFIXES:
            multiplier *= SCALE_SUFFIXES[w]
    glued_num = re.match(r"^[\d.,]+([a-z]+)$", words[0])
    if glued_num and glued_num.group(1) in SCALE_SUFFIXES:
        multiplier *= SCALE_SUFFIXES[glued_num.group(1)]
    return _Figure(i, j, k, value, currency, multiplier, digits, tuple(words))


def _unit_fraction(doc: Doc, i: int, lex: QuantityLexicon) -> _Found | None:
    """ "a quarter of a percentage point", "half a mile": a fraction of one unit."""
    if doc[i].lower_ not in ("a", "an", "one", "half", "three", "three-quarters"):
        return None
    for phrase, value in lex.unit_fractions.items():
        k = i + len(phrase)
        if tuple(t.lower_ for t in doc[i:k]) != phrase:
            continue
        pct = _match(doc, k, lex.percent_words)
        measure = None if pct else _unit_at(doc, k, lex, False)
        if pct is None and (measure is None or measure[0] in lex.time_units):
            return None
        unit, end = pct or measure  # type: ignore[misc]
        fig = _Figure(i, i, k, value, None, 1.0, False, phrase)
        found = _Found(fig, i, end, value, "exact", unit, unit)
        q = _qualifier_before(doc, i, lex, False)
        if q is not None:
            found.qualifier, found.start = q
        return found
    return None


def _letter_currency(doc: Doc, j: int, lex: QuantityLexicon) -> tuple[str, str] | None:
    """ "R4.2 billion", "Rs500": a currency written as letters glued to the figure.

    A one-letter prefix is money only when capitalised and scaled ("R350 million"), since
    "R2" or "a4" are labels.
    """
    m = _LETTER_GLUED.match(doc[j].lower_)
    if m is None or m.group("cur") not in lex.currency_letter_prefixes:
        return None
    num = m.group("num")
    if numeral_value(num) is None:
        return None
    if len(m.group("cur").rstrip(".")) == 1:
        nxt = doc[j + 1].lower_ if j + 1 < len(doc) else ""
        suffix = re.match(r"^[\d.,]+([a-z]+)$", num)
        scaled = (
            nxt in SCALES
            or nxt in SCALE_SUFFIXES
            or (suffix is not None and suffix.group(1) in SCALE_SUFFIXES)
        )
        if not doc[j].text[0].isupper() or not scaled:
            return None
    return lex.currency_letter_prefixes[m.group("cur")], num


_ARTICLES = ("a", "an")


def _continues(words: list[str], w: str, nxt: str, money: bool) -> bool:
    """Whether token `w` extends the figure read so far (`words`); `nxt` is the token after."""
    scale_next = nxt in SCALES or nxt == "dozen"
    if not words:
        return (
            _numeral(w) is not None
            or w in UNITS
            or w in TENS
            or w in SCALES
            or (w in _ARTICLES and scale_next)
            or (w == "half" and (scale_next or nxt in _ARTICLES))
        )
    prev = words[-1]
    # Split scale suffixes ("$45m" is "$", "45", "m"); "m" alone is a metre unless money.
    suffix = (
        w in SCALE_SUFFIXES
        and len(words) == 1
        and _numeral(prev) is not None
        and (money or (len(w) > 1 and w not in ("mn", "mm")))
    )
    return (
        suffix
        or w in SCALES
        or w == "dozen"
        or (prev == "half" and w in _ARTICLES)
        or (w in UNITS and prev in (*TENS, "hundred", "-", "and"))
        or (w in TENS and prev in ("hundred", "and"))
        or (w == "-" and prev in TENS and nxt in UNITS)
        or (w == "and" and prev in SCALES and (nxt in UNITS or nxt in TENS))
    )


def _value_of(words: list[str]) -> float | None:
    """Like words_value, with split scale suffixes ("45", "m") folded back onto the digits."""
    if len(words) >= 2 and words[1] in SCALE_SUFFIXES and _numeral(words[0]) is not None:
        merged = numeral_value(words[0] + words[1])
        if merged is None:
            return None
        rest = words[2:]
        if not rest:
            return merged
        tail = words_value(rest)
        return merged * tail if tail is not None else None
    return words_value(words)


# --- what a figure counts ---------------------------------------------------------------


_FIRST_WORD_INDEX: dict[int, dict[str, list[tuple[str, ...]]]] = {}


def _starting_with(phrases: Iterable[tuple[str, ...]], word: str) -> list[tuple[str, ...]]:
    """The phrases whose first word is `word`, from an index built once per phrase table
    (a scan of every unit and qualifier at every figure was a third of extraction time)."""
    index = _FIRST_WORD_INDEX.get(id(phrases))
    if index is None:
        index = {}
        for phrase in phrases:
            if phrase:
                index.setdefault(phrase[0], []).append(phrase)
        _FIRST_WORD_INDEX[id(phrases)] = index
    return index.get(word, [])


def _match(doc: Doc, i: int, table: dict[tuple[str, ...], str]) -> tuple[str, int] | None:
    """The longest phrase of `table` that starts at token i, with the index after it."""
    best: tuple[str, int] | None = None
    if i >= len(doc):
        return None
    for phrase in _starting_with(table, doc[i].lower_):
        value = table[phrase]
        end = i + len(phrase)
        if (
            end <= len(doc)
            and tuple(t.lower_ for t in doc[i:end]) == phrase
            and (best is None or end > best[1])
        ):
            best = (value, end)
    return best


def _unit_at(doc: Doc, i: int, lex: QuantityLexicon, digits: bool) -> tuple[str, int] | None:
    best: tuple[str, int] | None = None
    starting = _starting_with(lex.measure_units, doc[i].lower_) if i < len(doc) else []
    for phrase in starting:
        end = i + len(phrase)
        if end <= len(doc) and tuple(t.lower_ for t in doc[i:end]) == phrase:
            # One-letter units ("10 m", "5 l") only after digits.
            if len(phrase) == 1 and len(phrase[0]) == 1 and not digits:
                continue
            if best is None or end > best[1]:
                best = (doc[i:end].text.lower(), end)
    if best is None and i < len(doc) and doc[i].lower_ in lex.time_units:
        best = (doc[i].lower_, i + 1)
    return best


def _is_tally(doc: Doc, first: _Figure, second: _Figure, lex: QuantityLexicon) -> bool:
    if not (first.digits and second.digits):
        return False
    after = doc[second.end].lower_ if second.end < len(doc) else ""
    if after in lex.tally_nouns:
        return True
    before = doc[max(0, first.start - 4) : first.start]
    return any(t.lemma_.lower() in lex.tally_verbs for t in before)


def _counted_head(doc: Doc, fig: _Figure, k: int) -> int | None:
    """The index of the noun the figure counts, from the parse or, failing that, linearly."""
    run = range(fig.num_start, fig.end)
    anchors = [doc[x] for x in run if doc[x].head.i not in run or doc[x].head.i == doc[x].i]
    anchor = anchors[-1] if anchors else doc[fig.end - 1]
    head = anchor.head
    if (
        k <= head.i <= k + _MAX_COUNTED_TOKENS
        and head.pos_ in ("NOUN", "PROPN")
        and head.ent_type_ not in ("DATE", "TIME")
        and all(
            _modifier_ok(doc[x])
            # "mail-in and special ballots", "fully certified controllers"
            or doc[x].dep_ in ("cc", "advmod")
            and k <= doc[x].head.i < head.i
            for x in range(k, head.i)
        )
    ):
        return head.i
    last: int | None = None
    x = k
    while x < len(doc) and x < k + _MAX_COUNTED_TOKENS and _modifier_ok(doc[x]):
        if doc[x].pos_ in ("NOUN", "PROPN") and doc[x].text != "-":
            last = x
        elif last is not None:
            break
        x += 1
    return last


def _modifier_ok(t: Token) -> bool:
    if t.ent_type_ in ("DATE", "TIME") or t.is_punct and t.text != "-":
        return False
    if t.text == "-":
        return True
    doc = t.doc
    glued_before = t.i > 0 and doc[t.i - 1].text == "-" and not doc[t.i - 1].whitespace_
    glued_after = t.i + 1 < len(doc) and doc[t.i + 1].text == "-" and not t.whitespace_
    if (glued_before or glued_after) and t.is_alpha:
        return True  # part of a hyphenated modifier: "after-school", "well-armed"
    return t.pos_ in _MODIFIER_POS or t.tag_ in _MODIFIER_TAGS and t.pos_ != "AUX"


def _owner_in(doc: Doc, start_char: int, end_char: int) -> tuple[int, int] | None:
    for ent in doc.ents:
        if (
            ent.start_char >= start_char
            and ent.end_char <= end_char
            and ent.label_ in _OWNER_ENTITY_TYPES
        ):
            span = ent[1:] if ent[0].lower_ == "the" and len(ent) > 1 else ent
            return span.start_char, span.end_char
    return None


def _of_phrase_end(doc: Doc, i: int) -> int | None:
    """After "of" at token i, the index past its object noun ("of drinking water")."""
    if i >= len(doc) or doc[i].lower_ != "of":
        return None
    objs = [c for c in doc[i].children if c.dep_ == "pobj"]
    if objs and objs[0].i - i <= _MAX_COUNTED_TOKENS:
        return objs[0].i + 1
    x = i + 1
    last = None
    while x < len(doc) and x <= i + _MAX_COUNTED_TOKENS and _modifier_ok(doc[x]):
        if doc[x].pos_ in ("NOUN", "PROPN"):
            last = x
        x += 1
    return last + 1 if last is not None else None


def _build(doc: Doc, fig: _Figure, lex: QuantityLexicon) -> tuple[_Found | None, int]:
    """The quantity a figure makes, or None if it is a date, label or tally; and where to go on."""
    n = len(doc)
    if _not_a_count(doc, fig, lex):
        return None, fig.end
    k = fig.end
    second: _Figure | None = None
    conn = doc[k].lower_ if k < n else ""
    before = doc[fig.start - 1].lower_ if fig.start > 0 else ""
    if conn in ("-", "–", "—", "to") or (conn == "and" and before == "between"):
        cand = _read_figure(doc, k + 1, lex)
        if cand is not None and not _not_a_count(doc, cand, lex):
            if conn != "to" and conn != "and" and _is_tally(doc, fig, cand, lex):
                return None, cand.end
            if not (conn == "to" and before == "from"):
                second = cand
    last_fig = second or fig
    value = fig.value
    if second is not None and fig.multiplier == 1 and second.multiplier > 1:
        value *= second.multiplier
    k = last_fig.end
    # "three or more consecutive days": the qualifier sits between figure and counted.
    mid = _match(doc, k, lex.qualifiers_after)  # type: ignore[arg-type]
    mid_qualifier: Qualifier | None = None
    if mid is not None and doc[k].lower_ == "or" and mid[1] < n and doc[mid[1]].is_alpha:
        mid_qualifier, k = mid[0], mid[1]  # type: ignore[assignment]
    currency = fig.currency or (second.currency if second else None)
    unit: str | None = None
    counted: str | None = None
    owner: tuple[int, int] | None = None
    end = k
    resume: int | None = None  # where reading goes on, if not after the span
    extra: dict[str, object] = {}
    duration = False
    if currency is None:
        word = _match(doc, k, lex.currency_words)
        scaled = _match(doc, k, lex.scaled_currency_words)
        if word:
            currency, end = word
        elif scaled and last_fig.multiplier >= 1000:
            currency, end = scaled
        elif k < n and doc[k].lower_ in lex.cents_words:
            currency, end = "USD", k + 1
            value /= 100
        elif k < n and (code := _contextual_currency(doc, k, lex)) is not None:
            currency, end = code, k + 1
    if currency is not None:
        unit = counted = currency
    else:
        pct = _match(doc, k, lex.percent_words)
        hyphen = 1 if k < n and doc[k].text == "-" else 0
        measure = _unit_at(doc, k + hyphen, lex, fig.digits)
        if (
            measure is None
            and not hyphen
            and k + 1 < n
            and doc[k].lower_ in lex.duration_modifiers
            and doc[k + 1].lower_ in lex.time_units
        ):
            measure = (doc[k + 1].lower_, k + 2)  # "ten working days"
        if pct:
            unit = counted = pct[0]
            end = pct[1]
        elif measure:
            unit, end = measure
            duration = unit in lex.time_units
            if hyphen and (
                duration or _AGE_AFTER.match(doc.text[doc[k - 1].idx + len(doc[k - 1]) :])
            ):
                return None, end  # "a 10-day truce", "a 45-year-old": a modifier, not a count
            if duration and end < n and doc[end].lower_ in lex.time_reference_after:
                return None, end + 1  # "three days later", "two years ago": when, not how long
            counted = unit if end - k < 2 or hyphen else doc[k:end].text
            if (
                end + 1 < n
                and doc[end].text == "-"
                and not doc[end - 1].whitespace_
                and not doc[end].whitespace_
                and (compound := _unit_at(doc, end + 1, lex, True)) is not None
            ):
                unit = counted = doc[k + hyphen : compound[1]].text.lower()  # "acre-feet"
                end = compound[1]
            of_end = _of_phrase_end(doc, end)
            if of_end is not None and not duration:
                counted = f"{unit} {doc[end:of_end].text}"
                end = of_end
        elif (partitive := _partitive(doc, fig, k)) is not None:
            counted, end = doc[partitive[0] : partitive[1]].text, partitive[1]
            resume = k  # "four of the city's 27 libraries": the 27 is a figure of its own
        else:
            head = _counted_head(doc, last_fig, k)
            if head is not None:
                head_word = doc[head].lower_
                if head_word in lex.skip_heads or head_word in lex.tally_nouns and second:
                    return None, head + 1
                if fig.words == ("one",) and (head_word in lex.one_idioms or head > k):
                    return None, head + 1
                if _names_a_model(doc, fig, k, head):
                    return None, head + 1
                if _describes_a_source(doc, head + 1, lex):
                    return None, head + 1  # "two officials familiar with the talks"
                if fig.words == ("one",) and [t.lower_ for t in doc[head + 1 : head + 3]] in (
                    ["to", "another"],
                    ["after", "another"],
                ):
                    return None, head + 1  # "from one hotel to another": no count
                counted = doc[k : head + 1].text
                end = head + 1
                owner = _owner_in(doc, doc[k].idx, doc[head].idx)
                if owner is None:
                    of_end = _of_phrase_end(doc, head + 1)
                    if of_end is not None:
                        owner = _owner_in(
                            doc, doc[head + 1].idx, doc[of_end - 1].idx + len(doc[of_end - 1])
                        )
    if fig.words == ("one",) and counted is None:
        return None, k
    if _year_like(fig) and (
        counted is None or duration or doc[fig.num_start].ent_type_ == "DATE" or unit is not None
    ):
        return None, k
    start = fig.start
    qualifier: Qualifier = "exact"
    q = _qualifier_before(doc, start, lex, duration)
    if q is not None:
        qualifier, start = q
    post = _match(doc, end, lex.qualifiers_after)  # type: ignore[arg-type]
    if post is not None and q is None:
        qualifier, end = post[0], post[1]  # type: ignore[assignment]
    if mid_qualifier is not None and q is None:
        qualifier = mid_qualifier
    found = _Found(fig, start, end, value, qualifier, unit, counted, owner=owner, extra=extra)
    if second is not None:
        lo, hi = sorted((value, second.value))
        if before == "between" and start == fig.start:
            found.start = fig.start - 1
        found.min_value, found.max_value = lo, hi
        found.value = lo
        if q is None:
            found.qualifier = "at_least"
    return found, end if resume is None else resume


def _describes_a_source(doc: Doc, i: int, lex: QuantityLexicon) -> bool:
    """Whether the words from token i describe an unnamed source ("familiar with")."""
    for skip in (0, 1):  # "people directly familiar with"
        if skip and (i >= len(doc) or doc[i].tag_ != "RB"):
            break
        words = tuple(t.lower_ for t in doc[i + skip : i + skip + 6])
        if any(words[: len(p)] == p for p in lex.source_descriptors):
            return True
    return False


def _contextual_currency(doc: Doc, k: int, lex: QuantityLexicon) -> str | None:
    """ "1.8 billion pesos": a currency name several countries share takes the code of the
    country the article names most often; None when it names none of them."""
    word = doc[k].lower_
    table = lex.contextual_currency_words.get(word) or lex.contextual_currency_words.get(
        word[:-1] if word.endswith("s") else word
    )
    if not table:
        return None
    counts: dict[str, int] = {}
    for t in doc:
        code = table.get(t.lower_)
        if code is not None:
            counts[code] = counts.get(code, 0) + 1
    return max(counts, key=lambda c: counts[c]) if counts else None


def _partitive(doc: Doc, fig: _Figure, k: int) -> tuple[int, int] | None:
    """ "three of the victims": the noun after "of the" is counted (never for "one of").

    Returns the token range of that noun phrase (after the determiner).
    """
    if fig.value < 2 or k + 2 >= len(doc) or doc[k].lower_ != "of":
        return None
    start = _after_determiner(doc, k + 1)
    if start is None:
        return None
    x = start
    while x < len(doc) and doc[x].like_num:
        x += 1  # "three of the city's four metro lines"
    start = x
    last: int | None = None
    while x < len(doc) and x < start + _MAX_COUNTED_TOKENS and _modifier_ok(doc[x]):
        if doc[x].pos_ in ("NOUN", "PROPN"):
            last = x
        elif last is not None:
            break
        x += 1
    if last is None or doc[last].tag_ not in ("NNS", "NNPS"):
        return None
    return start, last + 1


def _after_determiner(doc: Doc, i: int) -> int | None:
    """After "of", the index past its determiner: "the", "its", or a possessive ("the
    city's", "Ontario's", "the company’s"); None if there is none."""
    if i >= len(doc):
        return None
    for x in range(i, min(i + 4, len(doc))):
        if doc[x].tag_ == "POS" or doc[x].lower_ in ("'s", "’s"):
            if x > i and all(not t.is_punct and not t.like_num for t in doc[i:x]):
                return x + 1
            return None
    if doc[i].lower_ in ("the", "its", "their", "his", "her", "our", "these", "those"):
        return i + 1
    return None


def _names_a_model(doc: Doc, fig: _Figure, k: int, head: int) -> bool:
    """ "the 737 MAX", "its 787 Dreamliner fleet": a figure before a singular noun is a name.

    A count above one takes a plural noun; "4,000 National Guard" (an organisation) is the
    exception that is still a count.
    """
    h = doc[head]
    if fig.value == 1 or h.tag_ not in ("NN", "NNP"):
        return False
    prev = doc[fig.start - 1] if fig.start > 0 else None
    named = prev is not None and (prev.tag_ in ("DT", "PRP$", "POS") or prev.pos_ == "PROPN")
    if h.pos_ == "NOUN" and h.is_lower and not named:
        return False  # "14 water-dropping aircraft", "300 staff": a noun with no plural form
    return not any(doc[x].ent_type_ in ("ORG", "NORP") for x in range(k, head + 1))


def _not_a_count(doc: Doc, fig: _Figure, lex: QuantityLexicon) -> bool:
    """Dates, times of day, ages, labels and codes: figures a reader does not count."""
    n = len(doc)
    first = doc[fig.num_start]
    prev = doc[fig.start - 1] if fig.start > 0 else None
    nxt = doc[fig.end] if fig.end < n else None
    if prev is not None and prev.lower_ in lex.months and fig.value <= 31:
        return True
    if nxt is not None and (nxt.lower_ in lex.months or nxt.lower_ in lex.time_suffixes):
        return True
    if (
        nxt is not None
        and nxt.lower_ == "of"
        and fig.end + 1 < n
        and doc[fig.end + 1].lower_ in lex.months
    ):
        return True
    if fig.currency is None and fig.digits:
        if prev is not None and prev.lower_ in lex.label_markers:
            return True
        if first.ent_iob_ == "I" and first.ent_type_ in _LABEL_ENTITY_TYPES:
            return True
    if prev is not None and prev.lower_ in ("aged", "age", "ages"):
        return True
    ahead = [t.lower_ for t in doc[fig.end : fig.end + 2]]
    if ahead and (
        ahead[0] in lex.fraction_words
        or ahead[:1] == ["-"]
        and ahead[1:]
        and ahead[1] in lex.fraction_words
    ):
        return True  # "two-thirds of voters"
    if prev is not None and prev.lower_ in ("in", "out") and fig.start >= 2:
        before = doc[fig.start - 2].lower_
        if before in ("one", "1") or before.isdigit():
            return True  # "one in five adults": a ratio, not a count of adults
    # A few tokens of text after the figure; `doc.text` would rebuild the whole article.
    last = doc[fig.end - 1]
    tail = doc[fig.end - 1 : fig.end + 8].text[len(last.text) :][:24]
    if _AGE_AFTER.match(tail):
        return True
    if fig.words == ("one",):
        if prev is not None and prev.lower_ in (
            "the",
            "no",
            "any",
            "every",
            "each",
            "this",
            "that",
        ):
            return True
        if nxt is not None and nxt.lower_ in ("of", "another", "or", "by"):
            return True
    return False


def _year_like(fig: _Figure) -> bool:
    return (
        fig.currency is None
        and len(fig.words) == 1
        and re.fullmatch(r"1[5-9]\d\d|20\d\d|2100", fig.words[0]) is not None
    )


def _qualifier_before(
    doc: Doc, start: int, lex: QuantityLexicon, duration: bool
) -> tuple[Qualifier, int] | None:
    best: tuple[Qualifier, int] | None = None
    for phrase, qual in lex.qualifiers_before.items():
        s = start - len(phrase)
        if s < 0 or tuple(t.lower_ for t in doc[s:start]) != phrase:
            continue
        if len(phrase) == 1 and phrase[0] in lex.qualifiers_needing_parse:
            tok = doc[s]
            # "a raise over four years", "worried about 300 jobs": a preposition, not a bound.
            if tok.dep_ == "prep" and (duration or phrase[0] in ("about", "around")):
                continue
        if best is None or s < best[1]:
            best = (qual, s)
    return best


def _fill_comparisons(
    doc: Doc, bare: list[_Found], found: list[_Found], lex: QuantityLexicon
) -> list[_Found]:
    """Bare figures that the sentence ties to something counted take that counted.

    "up from 35" after "90 container ships", "from 5 to 7 percent", "7 of 10 hospitals",
    and "the death toll rose to 34" (the subject is a total).
    """
    out: list[_Found] = []
    known = sorted(found, key=lambda f: f.start)
    for b in sorted(bare, key=lambda f: f.start):
        if _year_like(b.fig) or b.fig.words == ("one",):
            continue
        sent = doc[b.fig.num_start].sent
        prev = doc[b.fig.start - 1].lower_ if b.fig.start > 0 else ""
        nxt = doc[b.fig.end].lower_ if b.fig.end < len(doc) else ""
        partner: _Found | None = None
        if nxt in ("to", "of"):
            after = b.fig.end + 1
            if (
                nxt == "of"
                and after < len(doc)
                and doc[after].lower_ in ("the", "its", "their", "his", "her", "our")
            ):
                after += 1
            partner = next((f for f in known if f.fig.start == after), None)
        pronoun = (
            nxt == "of"
            and b.fig.end + 1 < len(doc)
            and doc[b.fig.end + 1].lower_ in ("them", "those", "these")
        )
        if partner is None and (
            prev in lex.change_markers or prev in lex.elided_markers or pronoun
        ):
            # "a further 30,000", "at least 400 of them": what an earlier figure counted
            first = sent.start
            if pronoun and first > 0:
                first = doc[first - 1].sent.start
            earlier = [f for f in known if f.end <= b.fig.start and f.start >= first]
            partner = earlier[-1] if earlier else None
        if partner is not None and partner.counted:
            filled = replace(b, unit=partner.unit, counted=partner.counted, owner=None)
        else:
            total = _total_subject(doc, b.fig, lex) or _subject_of_people(doc, b.fig, lex)
            if total is None:
                continue
            filled = replace(b, counted=total)
        out.append(filled)
        known = sorted([*known, filled], key=lambda f: f.start)
    return out


def _total_subject(doc: Doc, fig: _Figure, lex: QuantityLexicon) -> str | None:
    """ "the death toll rose to 34": the subject, when it names a total, is what 34 counts."""
    tok = doc[fig.end - 1]
    verb = tok.head
    if tok.dep_ == "pobj" and verb.lower_ in ("to", "at", "of"):
        verb = verb.head
    elif tok.dep_ not in ("dobj", "attr", "npadvmod"):
        return None
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    # "the crowd was put at 5,000", and "police put the crowd at 5,000"
    roles = ("nsubj", "nsubjpass", "dobj") if tok.head.lower_ == "at" else ("nsubj", "nsubjpass")
    for child in verb.children:
        if child.dep_ in roles and child.lemma_.lower() in lex.total_nouns:
            mods = [c for c in child.lefts if c.dep_ in ("compound", "amod")]
            first = mods[0].i if mods else child.i
            of_end = _of_phrase_end(doc, child.i + 1)  # "the number of dead"
            return doc[first : of_end or child.i + 1].text
    return None


def _subject_of_people(doc: Doc, fig: _Figure, lex: QuantityLexicon) -> str | None:
    """ "more than 5,000 attended", "40 took part": a bare figure that is the subject of a
    verb only people do counts people."""
    tok = doc[fig.end - 1]
    if tok.dep_ not in ("nsubj", "nsubjpass") or tok.head.pos_ not in ("VERB", "AUX"):
        return None
    verb = tok.head
    lemma = verb.lemma_.lower()
    if lemma not in lex.subject_verbs:
        return None
    particle = lex.subject_verb_particles.get(lemma)
    if particle is not None and not any(c.lower_ == particle for c in verb.children):
        return None
    return "people"
