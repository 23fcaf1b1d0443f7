"""Where attribution goes wrong on PolNeAR: a breakdown of the misses and false alarms.

    claimgraph extract ../shared/polnear/dev/text --out /tmp/dev --workers 2
    python bench/attribution_errors.py ../shared/polnear/dev /tmp/dev

Reads the reports of `claimgraph extract` and the gold of ../shared/polnear (this script
is a development tool: it reads ../shared, the package never does). Matching is the
scorer's (../shared/eval/polnear.py): contents overlap by half of the shorter span, each
gold attribution matched once; a match is end-to-end right when a mention of the claimant
overlaps the gold source. Every gold attribution lands in one row, and so does every
prediction that matches none.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.polnear_corpus import QUOTES, Attribution, overlap, parse_ann  # noqa: E402

Pieces = list[tuple[int, int]]


def breakdown(split: Path, reports: Path) -> collections.Counter[str]:
    rows: collections.Counter[str] = collections.Counter()
    for path in sorted((split / "text").glob("*.txt")):
        anns = sorted((split / "attributions").glob(f"{path.stem}_*.ann"))
        if not anns:
            continue
        gold: list[Attribution] = [a for a in parse_ann(str(anns[0])) if a.content]
        try:
            report = json.loads((reports / f"{path.stem}.json").read_text(encoding="utf-8"))
        except OSError:
            report = {}
        entities = {e["id"]: e for e in report.get("entities", [])}
        preds = []
        for c in report.get("claims", []):
            e = entities.get(c["claimant"], {})
            if e.get("type") == "Publisher":
                continue
            mentions = [(m["start"], m["end"]) for m in e.get("mentions", [])]
            cue = [(c.get("cue_start", 0), c.get("cue_end", 0))]
            preds.append(([(c["start"], c["end"])], mentions, cue))
        used: dict[int, tuple[Pieces, Pieces, Pieces]] = {}
        for content, mentions, cue in preds:
            best, at = 0.0, None
            for i, g in enumerate(gold):
                if i not in used and (o := overlap(content, g.content)) > best:
                    best, at = o, i
            if at is not None and best >= 0.5:
                used[at] = (content, mentions, cue)
                continue
            if any(overlap(content, g.content) >= 0.5 for g in gold):
                rows["false alarm: a second claim for one attribution"] += 1
            elif any(overlap(cue, g.cue) > 0 for g in gold if g.cue):
                rows["false alarm: right cue, content off (< half overlap)"] += 1
            else:
                rows["false alarm: no attribution there"] += 1
        for i, g in enumerate(gold):
            direct = any(q in g.content_text for q in QUOTES)
            kind = "direct" if direct else "indirect"
            if i in used:
                _, mentions, _ = used[i]
                if g.source and overlap(mentions, g.source) > 0:
                    rows[f"{kind}: found, speaker right"] += 1
                elif not g.source:
                    rows[f"{kind}: found, gold has no source"] += 1
                else:
                    rows[f"{kind}: found, speaker wrong"] += 1
                continue
            near = [p for p in preds if g.cue and overlap(p[2], g.cue) > 0]
            if near:
                rows[f"{kind}: missed, cue found but content off"] += 1
            else:
                rows[f"{kind}: missed, no cue found"] += 1
    return rows


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("split", type=Path)
    ap.add_argument("reports", type=Path)
    args = ap.parse_args(argv)
    rows = breakdown(args.split, args.reports)
    width = max(len(k) for k in rows)
    for key in sorted(rows):
        print(f"{key:<{width}}  {rows[key]:>5}")


if __name__ == "__main__":
    main(sys.argv[1:])
