"""PolNeAR (../shared/polnear) read for training and measuring the attribution model.

Reads brat standoff files the way ../shared/eval/polnear.py scores them (the first
annotator's file by name is gold), parses the texts with the project's own spaCy pipeline
and caches the parses as DocBin files, so that training and error analysis parse once.
This module reads ../shared: it is a development tool, never imported by the package.
"""

from __future__ import annotations

import glob
import hashlib
import inspect
import os
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc, DocBin

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "polnear"
CACHE = Path(os.environ.get("CLAIMGRAPH_POLNEAR_CACHE", Path.home() / ".cache" / "claimgraph"))

Pieces = list[tuple[int, int]]
QUOTES = '"\u201c\u201d'  # a gold content holding one of these is a direct quote


def overlap(a: Pieces, b: Pieces) -> float:
    """The overlap of two sets of spans over the shorter one: ../shared/eval/polnear.py's."""
    inter = sum(max(0, min(x2, y2) - max(x1, y1)) for x1, x2 in a for y1, y2 in b)
    return inter / max(1, min(sum(e - s for s, e in a), sum(e - s for s, e in b)))


@dataclass
class Attribution:
    """One gold attribution: character pieces of its source, cue and content (any may be empty)."""

    source: Pieces
    cue: Pieces
    content: Pieces
    content_text: str


def parse_ann(path: str) -> list[Attribution]:
    spans: dict[str, tuple[str, Pieces, str]] = {}
    events: list[dict[str, str]] = []
    for line in Path(path).read_text(encoding="utf8").split("\n"):
        parts = line.split("\t")
        if parts[0].startswith("T") and len(parts) > 1:
            label, *offsets = parts[1].split(" ")
            pieces = [
                (int(a), int(b)) for a, b in (s.split() for s in " ".join(offsets).split(";"))
            ]
            spans[parts[0]] = (label, pieces, parts[2] if len(parts) > 2 else "")
        elif parts[0].startswith("E") and len(parts) > 1:
            events.append(dict(kv.split(":", 1) for kv in parts[1].split() if ":" in kv))
    out = []
    for e in events:
        got = {k: spans[e[k]] for k in ("Source", "Cue", "Content") if k in e and e[k] in spans}
        out.append(
            Attribution(
                source=got["Source"][1] if "Source" in got else [],
                cue=got["Cue"][1] if "Cue" in got else [],
                content=got["Content"][1] if "Content" in got else [],
                content_text=got["Content"][2] if "Content" in got else "",
            )
        )
    return out


def articles(split: str) -> list[tuple[str, str, list[Attribution]]]:
    """(name, text, gold attributions) of every annotated article of a split, by name."""
    root = SHARED / split
    out = []
    for path in sorted(glob.glob(str(root / "text" / "*.txt"))):
        name = os.path.basename(path)[:-4]
        anns = sorted(glob.glob(str(root / "attributions" / f"{name}_*.ann")))
        if not anns:
            continue
        text = Path(path).read_text(encoding="utf-8")
        out.append((name, text, parse_ann(anns[0])))
    return out


def parsed(split: str, n_process: int = 2) -> list[tuple[str, Doc, list[Attribution]]]:
    """The split's articles parsed by the project's pipeline, cached per split."""
    from kg.extract.pipeline import line_breaks, load_model

    nlp = load_model()
    items = articles(split)
    # the parse depends on the model and on the project's sentence rules: a change to either
    # is a new cache, never a stale parse under new code
    rules = inspect.getsource(line_breaks)
    key = f"{nlp.meta['name']} {nlp.meta['version']} {nlp.pipe_names} {rules}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    cache = CACHE / f"polnear-{split}-{digest}.spacy"
    if cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if len(docs) == len(items):
            return [(n, d, g) for (n, _, g), d in zip(items, docs, strict=True)]
    docs = list(nlp.pipe((t for _, t, _ in items), batch_size=8, n_process=n_process))
    cache.parent.mkdir(parents=True, exist_ok=True)
    DocBin(store_user_data=False, docs=docs).to_disk(cache)
    return [(n, d, g) for (n, _, g), d in zip(items, docs, strict=True)]
