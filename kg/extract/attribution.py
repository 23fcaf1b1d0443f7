"""Attributed statements: who said what, found from quotation marks and the dependency parse.

A claim is a reporting cue (a verb from the lexicon, or "according to"), a speaker (a token whose
entity kg.extract.pipeline resolves) and a content span. Direct quotes are read from the
quotation marks first, so the speaker clause around a quote never yields a second claim; then
every remaining reporting verb gives indirect speech from its clausal complement, its object
("called the move …"), its prepositional object ("warned of …") or fronted content ("X happened,
officials said"); "according to X" attributes the rest of its sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from kg.extract.lexicon import Lexicon, load_lexicon

_OPEN = "\u201c"
_CLOSE = "\u201d"
_QUOTE_CHARS = '"\u201c\u201d'
# Subordinators of a clause that says when or why ("said *before he died*"): see _adverbial.
_ADVERBIAL_MARKS = frozenset(
    {"as", "while", "after", "before", "because", "although", "though", "since", "unless", "until"}
)
# Words that open another clause after a quotation ("…," while 73 percent said; "…," and
# said): the verb after them is not the quotation's (PolNeAR train: 12 of 13 are not).
_CLAUSE_LINKS = frozenset({"and", "but", "while", "whereas", "though", "although", "because"})
_TRAIL = " \t\n.,;:\u2014\u2013-"
_SUBJECTS = ("nsubj",)
_LISTENER_VERBS = {"tell", "inform", "remind", "assure", "warn", "urge", "brief", "notify"}
_CLAUSE_OPENERS = frozenset({"which", "who", "that", "and", "but"})
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
_DOC_NOUNS = {"statement", "report", "study", "document", "letter", "filing", "survey", "memo"}


@dataclass
class RawClaim:
    """A claim before its speaker is resolved to an entity (offsets are characters)."""

    speaker: Token | None
    cue: str
    cue_start: int
    cue_end: int
    start: int
    end: int
    type: str
    medium: str | None = None
    confidence: float = 0.9
    parts: tuple[tuple[int, int], ...] = ()
    # Signed with a dash and a name under the quotation: the layout names the speaker, more
    # surely than any reading of the sentences inside it.
    signed: bool = False
    # Read from a quotation and the reporting verb with a subject beside it: the rules'
    # surest reading, kept even where the model found nothing (merge_claims).
    beside_verb: bool = False


def quote_spans(text: str) -> list[tuple[int, int]]:
    """The inner spans of quotations, curly or straight, that close within their paragraph
    (or that the next paragraph reopens, as a quotation over several paragraphs does)."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        open_at: int | None = None
        for i in range(para.start(), para.end()):
            ch = text[i]
            if ch == _OPEN or (ch == '"' and open_at is None):
                open_at = i
            elif (ch == _CLOSE or ch == '"') and open_at is not None:
                if i > open_at + 1:
                    spans.append((open_at + 1, i))
                open_at = None
        # a quotation running over paragraphs leaves each one open and reopens the next
        nxt = text[para.end() :].lstrip("\n")
        if open_at is not None and nxt[:1] in (_OPEN, '"') and para.end() > open_at + 1:
            spans.append((open_at + 1, para.end()))
    return spans


def _balanced(s: str) -> bool:
    return s.count(_OPEN) == s.count(_CLOSE) and s.count('"') % 2 == 0


def _close_quote(text: str, start: int, end: int) -> int:
    """Extend content that opens a quotation to the mark that closes it ('the vote "reckless"')."""
    inner = text[start:end]
    if _balanced(inner):
        return end
    for k in range(end, min(len(text), end + 3)):
        if text[k] in (_CLOSE, '"'):
            return k + 1
        if text[k] not in ".,!?":
            break
    return end


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Content without surrounding spaces, commas, a final stop, or a stray quotation mark."""
    end = _close_quote(text, start, end)
    for _ in range(2):
        while start < end and text[start] in " \t\n,:":
            start += 1
        while end > start and text[end - 1] in _TRAIL:
            end -= 1
        inner = text[start:end]
        if inner[:1] in (_OPEN, '"') and not _balanced(inner):
            start += 1
        inner = text[start:end]
        if inner[-1:] in (_CLOSE, '"') and not _balanced(inner):
            end -= 1
        if text[end - 1 : end] in (_CLOSE, '"'):
            break
    return start, end


def _is_reporting(tok: Token, lex: Lexicon) -> bool:
    return tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in lex.reporting_verbs


def relative_antecedent(rel: Token) -> Token:
    """What a relative pronoun stands for: "the union and two groups, which argued" → union."""
    noun = rel.head.head
    while noun.dep_ == "conj" and noun.head is not noun:
        noun = noun.head
    return noun


def _reported_participle_head(verb: Token) -> Token | None:
    """The verb whose speaker a trailing reporting participle shares.

    "X said the cuts were overdue, estimating that …": the parser hangs "estimating" on the
    reported clause, whose subject ("the cuts") cannot estimate; the speaker is X.
    """
    if verb.dep_ != "advcl" or verb.tag_ != "VBG":
        return None
    clause = verb.head
    if clause.dep_ == "relcl":
        # "X struck down a deal that would have …, ruling that …": the participle belongs to
        # the main clause, not to the relative clause it follows
        up = clause.head
        while up.pos_ not in ("VERB", "AUX") and up.head is not up:
            up = up.head
        return up if up.pos_ in ("VERB", "AUX") else None
    if clause.dep_ != "ccomp" or clause.head is clause:
        return None
    reporter = clause.head
    if reporter.lemma_.lower() not in load_lexicon().reporting_verbs:
        return None
    return reporter


def subject_of(verb: Token, *, as_written: bool = False) -> Token | None:
    """The speaker token of a reporting verb, inherited along conjunctions and participles.

    A relative pronoun ("the senator, who said …") stands for its noun; `as_written` keeps
    the pronoun itself, which the pipeline resolves to the noun and records as a mention of
    the speaker, as PolNeAR marks the source ("who")."""
    seen = 0
    while verb is not None and seen < 4:
        reporter = _reported_participle_head(verb)
        if reporter is not None:
            verb = reporter
            seen += 1
            continue
        subjects = [c for c in verb.children if c.dep_ in _SUBJECTS]
        if subjects:
            # a fronted clause may be mis-parsed as a second subject: the nearest one speaks
            subject = min(subjects, key=lambda c: abs(c.i - verb.i))
            if subject.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
                return subject if as_written else relative_antecedent(subject)
            return subject
        if any(c.dep_ == "nsubjpass" for c in verb.children):
            return None
        if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head is not verb:
            head = verb.head
            # "X said A had been done and warned of B": the conjunct reporting verb shares
            # the speaker of the reporting verb whose complement it was parsed into
            if (
                verb.dep_ == "conj"
                and head.dep_ == "ccomp"
                and any(c.dep_ == "nsubjpass" for c in head.children)
            ):
                head = head.head
            verb = head
            seen += 1
            continue
        return None
    return None


def _medium(verb: Token, lex: Lexicon) -> str | None:
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ == "on":
            obj = " ".join(t.text for t in prep.subtree if t is not prep)
            name = lex.platforms.get(obj.lower()) or lex.platforms.get(
                re.sub(r"^(the|his|her|their|its)\s+", "", obj.lower())
            )
            if name:
                return name
    return None


def _sent_bounds(tok: Token) -> tuple[int, int]:
    sent: Span = tok.sent
    return sent.start, sent.end


def _char_range(doc: Doc, first: int, last: int) -> tuple[int, int]:
    return doc[first].idx, doc[last].idx + len(doc[last])


def _inside(quotes: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    for qs, qe in quotes:
        if qs - 1 <= start and end <= qe + 1:
            return qs, qe
    return None


def _fronted(doc: Doc, verb: Token, speaker: Token) -> tuple[int, int] | None:
    """Content before the reporting clause: "X happened, officials said" or ", said X"."""
    clause_left = min(speaker.left_edge.i, verb.i)
    j = clause_left - 1
    while j >= 0 and doc[j].text in _QUOTE_CHARS:
        j -= 1
    if j < 0 or doc[j].text not in (",", "\u2014", "--"):
        return None
    # "…, which, Tompkins said, is usually full": a parenthetical report inside a clause
    # reports what follows it; what precedes it is no statement of its own
    if j > 0 and doc[j - 1].lower_ in _CLAUSE_OPENERS:
        return None
    # the tokens between the speaker clause and the verb must be the clause itself
    first, _ = _sent_bounds(verb)
    if first >= j and first > 0 and doc[first - 1].text not in (".", "!", "?", "\n"):
        # the parser sometimes starts a sentence at the comma: the content is the clause before
        first = doc[first - 1].sent.start
    if first >= j or "\n" in doc[first:j].text:
        return None
    while first < j and (doc[first].is_punct or doc[first].is_space):
        first += 1
    if first >= j:
        return None
    # "In a decree published on Monday, X declared …", "Speaking to students, X responded":
    # a fronted phrase is not a statement; a statement has a finite verb
    if not any(t.tag_ in _FINITE for t in doc[first:j]):
        return None
    return _char_range(doc, first, j - 1)


def _clause_content(verb: Token, lex: Lexicon) -> tuple[int, int] | None:
    """Token range of what a reporting verb reports, to its right."""
    doc = verb.doc
    lemma = verb.lemma_.lower()
    comps = [c for c in verb.children if c.dep_ == "ccomp" and c.i > verb.i and not _adverbial(c)]
    if lemma in ("promise", "pledge", "vow", "threaten", "urge", "demand", "predict"):
        comps += [c for c in verb.children if c.dep_ == "xcomp" and c.i > verb.i]
    if comps:
        first = min(c.left_edge.i for c in comps)
        last = max(c.right_edge.i for c in comps)
        # "said the offer, a raise, was …": the parser may take the clause's subject for an
        # object of the verb; a listener ("told reporters that …") is not content
        for c in verb.children:
            if c.dep_ == "dobj" and verb.i < c.i < first and lemma not in _LISTENER_VERBS:
                first = c.left_edge.i
        # "said X had happened and warned of Y": a second reporting verb ends the content
        for c in comps:
            for t in c.subtree:
                if (
                    t.dep_ == "conj"
                    and t.head.i >= first
                    and t.lemma_.lower() in lex.reporting_verbs
                    and not any(x.dep_ in ("nsubj", "nsubjpass") for x in t.children)
                ) or (
                    t.lemma_.lower() in lex.reporting_verbs
                    and (_reported_participle_head(t) or t).i == verb.i
                ):
                    last = min(last, t.left_edge.i - 1)
        while last > first and (doc[last].dep_ == "cc" or doc[last].is_punct):
            last -= 1
        # "said X and that Y": a second content clause hung on the verb
        for c in verb.children:
            if c.dep_ == "conj" and c.i > last and c.left_edge.lower_ == "that":
                last = max(last, c.right_edge.i)
        while first < last and (doc[first].dep_ == "mark" or doc[first].is_punct):
            first += 1
        return first, last
    preps = lex.prep_content_verbs.get(lemma, frozenset())
    if lemma in lex.object_content_verbs or preps:
        parts = [
            c
            for c in verb.rights
            if c.dep_ in ("dobj", "oprd", "xcomp", "attr", "acomp")
            or (c.dep_ == "prep" and c.lower_ in preps)
        ]
        if lemma not in lex.object_content_verbs:
            parts = [c for c in parts if c.dep_ == "prep"]
        if not parts:
            return None
        first = min(c.left_edge.i for c in parts)
        last = max(c.right_edge.i for c in parts)
        extra = [c for c in verb.rights if c.dep_ in ("oprd", "xcomp", "advcl") and c.i > last]
        if parts and any(p.dep_ == "dobj" for p in parts):
            for c in extra:
                if c.dep_ != "advcl":
                    last = max(last, c.right_edge.i)
        return first, last
    return None


def _adverbial(clause: Token) -> bool:
    """A clause that says when or why ("said *before he died*", "said *as he left*"), which
    the parser sometimes hangs on the verb as its complement: no content (on PolNeAR train,
    9 of 191 such clauses of a reporting verb are)."""
    return any(c.dep_ == "mark" and c.lower_ in _ADVERBIAL_MARKS for c in clause.children)


def _has_proposition(verb: Token, lex: Lexicon) -> bool:
    """A verb that usually reports a stance ("welcomed the plan") reports a statement here.

    A content clause does ("denied that …"), so does an infinitive with no object ("promised to
    freeze fares"), and so does an object described by a clause after a verb of information
    ("described water points that had run dry").
    """
    children = list(verb.children)
    if any(c.dep_ == "ccomp" for c in children):
        return True
    if any(c.dep_ == "xcomp" and c.i > verb.i for c in children) and not any(
        c.dep_ == "dobj" for c in children
    ):
        return True
    if verb.lemma_.lower() in lex.information_verbs:
        for c in children:
            if c.dep_ == "dobj" and any(
                x.dep_ in ("relcl", "acl", "ccomp") for x in c.subtree if x is not c
            ):
                return True
    return False


def _direct_quotes(
    doc: Doc, lex: Lexicon, quotes: list[tuple[int, int]], used: set[int]
) -> list[RawClaim]:
    text = doc.text
    claims: list[RawClaim] = []
    last: RawClaim | None = None
    last_clause_end = -1
    for qs, qe in quotes:
        inner = text[qs:qe].strip()
        if len(inner.split()) < 3:
            continue
        verb: Token | None = None
        after = doc.char_span(qe + 1, min(len(text), qe + 160), alignment_mode="expand")
        if after is not None and (inner[-1] in ",?!\u2014\u2013-" or text[qe + 1 : qe + 2] == ","):
            sent_end = after[0].sent.end
            for tok in after[: min(len(after), 10)]:
                if tok.i >= sent_end or tok.text in _QUOTE_CHARS or tok.lower_ in _CLAUSE_LINKS:
                    break
                if _is_reporting(tok, lex) and subject_of(tok) is not None:
                    verb = tok
                    break
        if verb is None and qs >= 2:
            before = doc.char_span(max(0, qs - 60), qs - 1, alignment_mode="contract")
            if before is not None and len(before) >= 2:
                punct = before[-1]
                k = len(before) - 2
                while k > 0 and before[k].pos_ == "ADV":
                    k -= 1  # "…," Trump said, adding later, "…": a second statement, its own cue
                cand = before[k]
                if punct.text in (",", ":") and _is_reporting(cand, lex):
                    verb = cand
        if verb is None:
            verb = _colon_verb(doc, lex, qs)
        start, end = _trim(text, qs, qe)
        if end <= start:
            continue
        if verb is None:
            # a quotation that continues the previous speaker's, right after its clause
            if last is not None and text[last_clause_end : qs - 1].strip() == "":
                claims.append(
                    RawClaim(
                        last.speaker,
                        last.cue,
                        last.cue_start,
                        last.cue_end,
                        start,
                        end,
                        "direct_quote",
                        last.medium,
                        0.8,
                    )
                )
            continue
        speaker = subject_of(verb, as_written=True)
        used.add(verb.i)
        claim = RawClaim(
            speaker,
            verb.text,
            verb.idx,
            verb.idx + len(verb),
            start,
            end,
            "direct_quote",
            _medium(verb, lex),
            0.95,
            beside_verb=speaker is not None,
        )
        claims.append(claim)
        last = claim
        sent = verb.sent
        last_clause_end = sent.end_char if sent.end_char > qe else qe + 1
    return claims


def _colon_verb(doc: Doc, lex: Lexicon, qs: int) -> Token | None:
    """The reporting verb of a clause that ends in a colon right before a quotation, the
    quotation often opening the next paragraph ("X told the jury:\n\n"You will hear …")."""
    text = doc.text
    k = qs - 1
    while k >= 0 and (text[k].isspace() or text[k] in _QUOTE_CHARS):
        k -= 1
    if k < 1 or text[k] != ":" or text[k + 1 : qs].count("\n") > 2:
        return None
    colon = doc.char_span(k, k + 1)
    if colon is None:
        return None
    tok = colon[0]
    sent = tok.sent
    if any(not t.is_space for t in doc[tok.i + 1 : sent.end]):
        return None
    for cand in reversed(doc[sent.start : tok.i]):
        if cand.text in _QUOTE_CHARS:
            return None
        if _is_reporting(cand, lex) and cand.dep_ == "ROOT" and subject_of(cand) is not None:
            return cand
    return None


def _according_to(doc: Doc, quotes: list[tuple[int, int]]) -> list[RawClaim]:
    claims: list[RawClaim] = []
    text = doc.text
    for tok in doc:
        if tok.lower_ != "according" or tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
            continue
        to = doc[tok.i + 1]
        objs = [c for c in to.children if c.dep_ == "pobj"]
        if not objs:
            continue
        source = objs[0]
        src_end = to.right_edge.i
        s_start, s_end = _sent_bounds(tok)
        first = s_start
        while first < tok.i and (doc[first].is_punct or doc[first].text in _QUOTE_CHARS):
            first += 1
        if first == tok.i:
            j = src_end + 1
            while j < s_end and doc[j].is_punct:
                j += 1
            if j >= s_end:
                continue
            start, end = _char_range(doc, j, s_end - 1)
        elif doc[tok.i - 1].text == ",":
            start, end = _char_range(doc, first, tok.i - 2)
        else:
            continue
        start, end = _trim(text, start, end)
        if end <= start:
            continue
        ctype = "direct_quote" if _inside(quotes, start, end) else "according_to"
        claims.append(
            RawClaim(
                source, "according to", tok.idx, to.idx + len(to), start, end, ctype, None, 0.9
            )
        )
    return claims


def find_claims(doc: Doc, lex: Lexicon) -> list[RawClaim]:
    """Every attributed statement in the document, in text order."""
    text = doc.text  # spaCy rebuilds it on every access: read it once
    quotes = quote_spans(text)
    used: set[int] = set()
    claims = _direct_quotes(doc, lex, quotes, used)
    # words reported inside someone's quotation are part of what that speaker said
    quoted = [(c.start, c.end) for c in claims]
    claims += _according_to(doc, quotes)
    for tok in doc:
        if tok.i in used or not _is_reporting(tok, lex) or tok.lower_ == "according":
            continue
        if any(qs <= tok.idx < qe for qs, qe in quoted):
            continue
        if tok.dep_ in ("amod", "compound") or tok.tag_ == "VBN" and tok.dep_ == "acl":
            continue
        speaker = subject_of(tok, as_written=True)
        if speaker is None:
            continue
        lemma = tok.lemma_.lower()
        span = _clause_content(tok, lex)
        weak = lemma in lex.weak_object_verbs and not _has_proposition(tok, lex)
        ctype = "indirect"
        if span is not None:
            start, end = _char_range(doc, *span)
        else:
            fronted = _fronted(doc, tok, subject_of(tok) or speaker)
            if fronted is None:
                continue
            start, end = fronted
            weak = False
        start, end = _trim(text, start, end)
        if end <= start or len(text[start:end].split()) < 2:
            continue
        if weak:
            continue
        quote = _inside(quotes, start, end)
        if quote is not None and (quote[1] - quote[0]) <= (end - start) + 2:
            ctype = "direct_quote"
        claims.append(
            RawClaim(
                speaker,
                tok.text,
                tok.idx,
                tok.idx + len(tok),
                start,
                end,
                ctype,
                _medium(tok, lex),
                0.85 if span is not None else 0.75,
            )
        )
    headlines = _headline_ranges(doc)
    claims = [c for c in claims if not any(hs <= c.cue_start < he for hs, he in headlines)]
    claims.sort(key=lambda c: (c.start, c.end))
    return claims


def _headline_ranges(doc: Doc) -> list[tuple[int, int]]:
    """Lines without final punctuation (headlines, captions): they repeat the body's claims."""
    ranges = []
    for line in re.finditer(r"[^\n]+", doc.text):
        body = line.group().rstrip()
        if body and body[-1] not in '.!?"\u201d:;)' and len(body.split()) <= 20:
            ranges.append((line.start(), line.end()))
    return ranges


def speaker_phrase(tok: Token) -> tuple[int, int]:
    """The token range of a speaker's noun phrase, without clauses or appositions after it."""
    left = tok.left_edge.i
    right = tok.i
    for c in tok.rights:
        if c.dep_ in ("compound", "amod", "nummod"):
            right = max(right, c.right_edge.i)
    return left, right + 1


def document_source(tok: Token) -> Token | None:
    """The author of a document that "said" something ("a statement from the ministry")."""
    if tok.lemma_.lower() not in _DOC_NOUNS:
        return None
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ in ("from", "by", "of"):
            for obj in prep.children:
                if obj.dep_ == "pobj":
                    return obj
    return None


def learned_claims(doc: Doc, lex: Lexicon, quotes: list[tuple[int, int]]) -> list[RawClaim]:
    """The claims of the learned attribution step (kg.extract.attributor), as raw claims whose
    speakers kg.extract.pipeline resolves like the rules' own; one whose source the model
    did not find has none (the rules may know it, see merge_claims). `quotes` are the
    document's quotation spans (quote_spans), found once by the caller."""
    from kg.extract.attributor import attributions

    text = doc.text
    headlines = _headline_ranges(doc)
    claims: list[RawClaim] = []
    for a in attributions(doc):
        cue = doc[a.cue]
        if not a.signed and any(hs <= cue.idx < he for hs, he in headlines):
            continue  # a signature's line has no final stop, yet is no headline
        cue_start, cue_end = cue.idx, cue.idx + len(cue)
        cue_text = cue.text
        if a.signed:  # the dash alone, not a closing mark the tokenizer glued to it (`”―`)
            cue_text = cue.text.lstrip(_QUOTE_CHARS)
            cue_start = cue_end - len(cue_text)
        if cue.lower_ == "according" and cue.i + 1 < len(doc) and doc[cue.i + 1].lower_ == "to":
            cue_text, cue_end = "according to", doc[cue.i + 1].idx + 2
        first = _content_start(doc, cue, a.start, a.end)
        clause = doc[first].head
        if clause.i != cue.i and clause.head.i == cue.i and _adverbial(clause) and not a.signed:
            continue  # "said *before he died*": when, not what
        last = doc[a.end - 1]
        start, end = _trim(text, doc[first].idx, last.idx + len(last))
        start, end = _unquote(text, start, end)
        if end <= start:
            continue
        quote = _inside(quotes, start, end)
        kind = "direct_quote" if quote is not None else "indirect"
        if cue_text == "according to":
            kind = "according_to"
        claims.append(
            RawClaim(
                speaker=None if a.source is None else doc[a.source],
                cue=cue_text,
                cue_start=cue_start,
                cue_end=cue_end,
                start=start,
                end=end,
                type=kind,
                medium=_medium(cue, lex),
                confidence=round(a.score, 3),
                signed=a.signed,
            )
        )
    return claims


def _content_start(doc: Doc, cue: Token, start: int, end: int) -> int:
    """Content without the word that ties it to the cue: "said *that* …", "warned *of* …"."""
    first = doc[start]
    if end - start > 1 and first.dep_ == "mark" and first.lower_ in ("that", "whether", "if"):
        return start + 1 if first.lower_ == "that" else start
    if end - start > 1 and first.dep_ == "prep" and first.head.i == cue.i:
        return start + 1
    return start


def _unquote(text: str, start: int, end: int) -> tuple[int, int]:
    """A content that is exactly one quotation is its words, without the marks or the comma
    the quotation closes on ("…," she said)."""
    inner = text[start:end]
    if len(inner) > 2 and inner[0] in (_OPEN, '"') and inner[-1] in (_CLOSE, '"'):
        body = inner[1:-1]
        if not any(q in body for q in _QUOTE_CHARS):
            return _trim(text, start + 1, end - 1)
    return start, end


def merge_claims(rules: list[RawClaim], learned: list[RawClaim]) -> list[RawClaim]:
    """The model decides which attributions there are; where the rules found the same one
    (their contents overlap by half of the shorter), the rules' reading of it is kept, since
    they split interrupted quotations ("X," she said, "Y": two claims of one cue) and know
    the platforms. Of rule claims from other cues only the closest is kept: one
    attribution, one claim. A signed quotation (`"…" ― Jane Doe`) is taken as the model
    read it, and the rules' claims inside it are dropped.

    A rule claim of the cue the model found confirms it too, whatever its content: the model
    may see that "warned" is a cue yet miss its source, where the rules know it. Rule claims
    the model does not confirm are dropped: on real news they were the rules' false alarms
    (bench/ATTRIBUTION.md)."""
    out: list[RawClaim] = []
    taken: set[int] = set()
    for claim in learned:
        if claim.signed:  # the rules read the sentences inside a signed quotation
            taken.update(k for k, r in enumerate(rules) if _overlap(claim, r) > 0)
            out.append(claim)
            continue
        # A rule claim whose speaker lies inside the model's content is another attribution,
        # nested in this one ("“You say you accept responsibility,” Merkley said"): it never
        # stands for this one (its speaker would be "You"), and is dropped like the rules'
        # other unconfirmed claims (standing beside it, they cost 0.01 F1 on dev).
        same = [
            k
            for k, r in enumerate(rules)
            if k not in taken
            and (_overlap(claim, r) >= 0.5 or r.cue_start == claim.cue_start)
            and not (
                r.speaker is not None
                and claim.start <= r.speaker.idx < claim.end
                and r.cue_start != claim.cue_start
            )
        ]
        if not same:
            out.append(claim)
            continue
        best = max(same, key=lambda k: _overlap(claim, rules[k]))
        halves = [best, *_other_half(rules, best, taken)]
        taken.update(halves)
        read = _joined([rules[k] for k in halves])
        if _speaks_inside(read) and claim.speaker is not None and not _speaks_inside(claim):
            # "“… We will achieve justice …,” Chief Jordan said": the parse took a word of
            # the quotation for the subject; the model's source is outside it
            read = replace(read, speaker=claim.speaker)
        out.append(read)
        # the rules split what the model read as one content ("said X and warned of Y")
        for k in same:
            apart = all(_overlap(rules[k], rules[h]) == 0 for h in halves)
            if k not in taken and apart and rules[k].cue_start != rules[best].cue_start:
                taken.add(k)
                out.append(rules[k])
    # A quotation of three words or more beside a reporting verb with a subject ("…," Trump
    # said) is kept where the model found nothing there: of those the model did confirm on
    # PolNeAR dev, 289 in 300 had the right content and speaker; most it missed are
    # questions and exclamations ("“Who would have believed …?” Trump said").
    out += [
        r
        for k, r in enumerate(rules)
        if k not in taken and r.beside_verb and all(_overlap(r, c) == 0 for c in out)
    ]
    out.sort(key=lambda c: (c.start, c.end))
    return out


def _speaks_inside(claim: RawClaim) -> bool:
    """Whether the claim's speaker is a word of its own content (of a part, where the
    content is a quotation its speaker interrupts)."""
    if claim.speaker is None:
        return False
    at = claim.speaker.idx
    return any(s <= at < e for s, e in claim.parts or ((claim.start, claim.end),))


def _joined(pieces: list[RawClaim]) -> RawClaim:
    """One claim of an interrupted quotation's pieces, spanning them all."""
    if len(pieces) == 1:
        return pieces[0]
    pieces = sorted(pieces, key=lambda c: c.start)
    return replace(
        pieces[0],
        start=pieces[0].start,
        end=pieces[-1].end,
        parts=tuple((c.start, c.end) for c in pieces),
    )


def _other_half(rules: list[RawClaim], k: int, taken: set[int]) -> list[int]:
    """The other part of an interrupted quotation ("X," she said, "Y"): a direct quote of the
    same cue on the other side of it."""
    one = rules[k]
    if one.type != "direct_quote":
        return []
    return [
        j
        for j, r in enumerate(rules)
        if j != k
        and j not in taken
        and r.type == "direct_quote"
        and r.cue_start == one.cue_start
        and (r.end <= r.cue_start) != (one.end <= one.cue_start)
    ]


def _overlap(a: RawClaim, b: RawClaim) -> float:
    inter = max(0, min(a.end, b.end) - max(a.start, b.start))
    return inter / max(1, min(a.end - a.start, b.end - b.start))
