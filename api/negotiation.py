"""Content negotiation: which serialisation an Accept header asks for, with q-values.

RFC 9110 §12.5.1: the most specific range that matches a media type gives its quality;
q=0 means "not acceptable". Among equally good choices the client's order wins, then ours
(so the first format listed for a result kind is the default for `*/*` or no Accept).
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.store.formats import Format


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float
    position: int

    def specificity(self, media_type: str) -> int:
        """-1 if this range does not match `media_type`, else 0 (*/*), 1 (t/*) or 2 (exact)."""
        t, _, s = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != t:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == s else -1


def parse_accept(header: str | None) -> list[_Range]:
    ranges = []
    for position, item in enumerate((header or "*/*").split(",")):
        parts = [p.strip() for p in item.split(";")]
        mtype = parts[0].lower()
        if not mtype:
            continue
        if mtype == "*":
            mtype = "*/*"
        t, _, s = mtype.partition("/")
        q = 1.0
        for param in parts[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(_Range(t, s or "*", q, position))
    return ranges or [_Range("*", "*", 1.0, 0)]


def choose(header: str | None, offered: tuple[Format, ...]) -> Format | None:
    """The best format in `offered` for this Accept header, or None (answer 406)."""
    ranges = parse_accept(header)
    best: tuple[float, int, int, int] | None = None
    chosen = None
    for rank, fmt in enumerate(offered):
        for media_type in (fmt.media_type, *fmt.aliases):
            # An alias is chosen only by name: `text/*` must not pick XML through `text/xml`.
            least = 0 if media_type == fmt.media_type else 2
            matching = [(r.specificity(media_type), r) for r in ranges]
            matching = [(s, r) for s, r in matching if s >= least]
            if not matching:
                continue
            spec, r = max(matching, key=lambda m: (m[0], -m[1].position))
            if r.q <= 0:
                continue
            # Higher q, then a more specific range, then the client's order, then ours.
            score = (r.q, spec, -r.position, -rank)
            if best is None or score > best:
                best, chosen = score, fmt
    return chosen
