"""Cold start: `claimgraph --help` and a one-sentence `claimgraph extract`, against a peer.

Usage (from the project's root):

    .venv/bin/python bench/startup.py [--peer REV] [--runs 7] [--out startup.json]

The peer is a git revision (default `main`) checked out into a temporary worktree; both
sides run with this checkout's `.venv`, each command in a fresh process ("cold": nothing
imported, the OS file cache warm), the two sides alternating, after one untimed run of each
that also builds our precomputed tables (kg.extract.startup) in a temporary cache directory.
Wall-clock medians; the ratio is ours over the peer's. The time of our first extract with an
empty table cache is reported too, and whether each side imported torch. Both sides' extract
output must be the same.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SENTENCE = "Mayor Ann Lee said on Monday that the city would hire 120 new teachers.\n"
LAUNCH = "import sys; from kg.cli import app; sys.argv[0] = 'claimgraph'; app()"
TORCH = (
    "import sys; from kg.cli import app; sys.argv[0] = 'claimgraph'\n"
    "try:\n    app()\nexcept SystemExit:\n    pass\n"
    "import kg\n"
    "print('kg from', kg.__file__, file=sys.stderr)\n"
    "print('torch imported:', 'torch' in sys.modules, file=sys.stderr)"
)


def run(code: str, args: list[str], path: Path, env: dict[str, str]) -> tuple[float, str, str]:
    started = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=path.parent,  # not a checkout: `-c` puts the working directory first on sys.path
        env={**env, "PYTHONPATH": str(path)},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if r.returncode != 0:
        raise SystemExit(f"{path}: {' '.join(args)} failed:\n{r.stderr}")
    return seconds, r.stdout, r.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--peer", default="main", help="git revision to compare against")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", type=Path, help="write the figures here as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cg-startup-") as tmp_dir:
        tmp = Path(tmp_dir)
        peer = tmp / "peer"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(peer), args.peer],
            check=True,
        )
        try:
            return measure(args, tmp, peer)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(peer)], check=False
            )


def measure(args: argparse.Namespace, tmp: Path, peer: Path) -> int:
    article = tmp / "one.txt"
    article.write_text(SENTENCE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMGRAPH_")}
    env["CLAIMGRAPH_CACHE_DIR"] = str(tmp / "cache")
    env["CLAIMGRAPH_STORE"] = str(tmp / "store")
    sides = {"ours": ROOT, "peer": peer}
    commands = {"help": ["--help"], "extract": ["extract", str(article)]}

    first_extract, ours_out, _ = run(LAUNCH, commands["extract"], ROOT, env)  # empty cache
    outputs = {"ours": ours_out}
    for side, path in sides.items():  # untimed: warm the OS file cache, build the tables
        run(LAUNCH, commands["help"], path, env)
        outputs[side] = run(LAUNCH, commands["extract"], path, env)[1]
    if outputs["ours"] != outputs["peer"]:
        raise SystemExit(f"the extract output differs:\n{outputs['ours']}\n{outputs['peer']}")

    times: dict[str, dict[str, list[float]]] = {c: {s: [] for s in sides} for c in commands}
    for _ in range(args.runs):
        for command, argv in commands.items():
            for side, path in sides.items():
                times[command][side].append(run(LAUNCH, argv, path, env)[0])
    torch = {
        side: "; ".join(run(TORCH, commands["extract"], path, env)[2].strip().splitlines()[-2:])
        for side, path in sides.items()
    }

    report: dict[str, object] = {
        "peer": args.peer,
        "runs": args.runs,
        "cpus": os.cpu_count(),
        "first_extract_empty_cache_s": round(first_extract, 3),
        "torch": torch,
    }
    print(f"peer {args.peer}, {args.runs} runs each, medians of wall-clock seconds")
    print(f"{'command':<10} {'ours':>7} {'peer':>7} {'ratio':>6}")
    for command in commands:
        ours = statistics.median(times[command]["ours"])
        theirs = statistics.median(times[command]["peer"])
        report[command] = {
            "ours_s": round(ours, 3),
            "peer_s": round(theirs, 3),
            "ratio": round(ours / theirs, 3),
            "all_s": {s: [round(t, 3) for t in v] for s, v in times[command].items()},
        }
        print(f"{command:<10} {ours:7.2f} {theirs:7.2f} {ours / theirs:6.2f}")
    print(f"our first extract, tables not yet cached: {first_extract:.2f} s")
    for side, line in torch.items():
        print(f"{side}: {line}")
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
