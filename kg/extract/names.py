"""Personal names: the gender a first name strongly suggests, from an offline name dictionary.

Uses `gender-guesser` (a dictionary of first names by country) when installed; "mostly" and
androgynous names, and names it does not know, give no gender, so they never rule a reading out.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _detector() -> Any:
    try:
        import gender_guesser.detector as gd
    except ImportError:  # pragma: no cover - depends on the installation
        return None
    return gd.Detector(case_sensitive=False)


@lru_cache(maxsize=4096)
def first_name_gender(first: str) -> str | None:
    """ "male" or "female" when the first name is strongly one; None when unknown or mixed."""
    detector = _detector()
    if detector is None or not first[:1].isupper() or not first.replace("-", "").isalpha():
        return None
    guess = str(detector.get_gender(first))
    if guess in ("male", "female"):
        return guess
    if "-" in first:  # "Jean-Luc": the first part decides
        return first_name_gender(first.split("-")[0])
    return None


@lru_cache(maxsize=4096)
def weak_first_name_gender(first: str) -> str | None:
    """The gender a first name mostly has ("mostly_male" names too); None when unknown."""
    strong = first_name_gender(first)
    if strong is not None:
        return strong
    detector = _detector()
    if detector is None or not first[:1].isupper() or not first.replace("-", "").isalpha():
        return None
    guess = str(detector.get_gender(first.split("-")[0]))
    return guess[len("mostly_") :] if guess.startswith("mostly_") else None


@lru_cache(maxsize=4096)
def is_first_name(word: str) -> bool:
    """A word the name dictionary knows as a first name, of any gender."""
    detector = _detector()
    if detector is None or not word[:1].isupper() or not word.isalpha():
        return False
    return str(detector.get_gender(word)) != "unknown"
