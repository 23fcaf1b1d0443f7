"""Reading articles and fact sheets from disk: the checks every input passes first.

A refused input gets one sentence that says what is wrong and what to do, before any
work is done and long before anything reaches the store.
"""

from __future__ import annotations

import json
from pathlib import Path

from kg.errors import FactSheetError, InputError
from kg.extract.report import Extraction, mistyped_references, parse_report, spans_outside

# A long news article is some 20,000 words (about 150 kB); 5 MB is thirty books' worth,
# which is a wrong file rather than an article.
MAX_ARTICLE_BYTES = 5 * 1024 * 1024
MAX_FACTS_BYTES = 20 * 1024 * 1024


def read_article(path: Path, *, max_bytes: int = MAX_ARTICLE_BYTES) -> str:
    """The article's text, exactly as Python reads it (offsets index this string)."""
    data = _read_bytes(path, max_bytes, "article")
    return decode_article(data, source=str(path))


def decode_article(data: bytes, *, source: str = "the article") -> str:
    if b"\x00" in data[:65536]:
        raise InputError(f"{source} is binary, not text: give a UTF-8 text or HTML file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source} is not UTF-8 (byte {exc.start} is invalid): "
            "convert it first, e.g. `iconv -f latin1 -t utf-8`"
        ) from None
    return check_text(text, source=source)


def check_text(text: str, *, source: str = "the article") -> str:
    """The checks an article's text passes however it arrives (a file, a JSON request)."""
    if "\x00" in text:
        raise InputError(f"{source} is binary, not text (it holds NUL characters)")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        # JSON can carry what UTF-8 cannot: an unpaired surrogate escape such as "\ud800".
        raise InputError(
            f"{source} is not valid Unicode (character {exc.start} is an unpaired surrogate): "
            "send UTF-8 text"
        ) from None
    if text.startswith("\ufeff"):
        # A byte-order mark would shift every offset by one against what editors show.
        raise InputError(f"{source} starts with a byte-order mark: save it as UTF-8 without BOM")
    if not text.strip():
        raise InputError(f"{source} is empty: there is nothing to extract or store")
    return text


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in text)


def read_facts(path: Path, text: str) -> Extraction:
    """A fact sheet, checked against the article it describes."""
    data = _read_bytes(path, MAX_FACTS_BYTES, "fact sheet")
    try:
        json.loads(data)
    except ValueError as exc:
        raise FactSheetError(f"fact sheet {path} is not JSON: {exc}") from None
    except RecursionError:
        raise FactSheetError(
            f"fact sheet {path} nests its JSON too deeply to be a report"
        ) from None
    report = parse_report(data, source=f"fact sheet {path}")
    problems = mistyped_references(report) + spans_outside(report, text)
    if problems:
        raise FactSheetError(
            f"fact sheet {path} does not fit its article:\n  " + "\n  ".join(problems)
        )
    return report


def _read_bytes(path: Path, max_bytes: int, what: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{what} {path} is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit: "
                "is it really one article?"
            )
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"{what} {path} does not exist") from None
    except IsADirectoryError:
        raise InputError(f"{what} {path} is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{what} {path} cannot be read: permission denied") from None
    except OSError as exc:
        raise InputError(f"{what} {path} cannot be read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise InputError(f"{what} {path} is over the {max_bytes / 1e6:.0f} MB limit")
    return data
