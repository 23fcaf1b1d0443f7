"""Personal names: the gender a first name strongly suggests, from an offline name dictionary.

Uses `gender-guesser` (a dictionary of first names by country) when installed; "mostly" and
androgynous names, and names it does not know, give no gender, so they never rule a reading out.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


class _Genders:
    """gender-guesser's answer for every first name it knows (no country given), looked up
    as its Detector(case_sensitive=False).get_gender does, from a precomputed table."""

    def __init__(self, table: dict[str, str]) -> None:
        self._table = table

    def get_gender(self, name: str) -> str:
        return self._table.get(name.lower(), "unknown")


def _all_genders() -> dict[str, str]:
    import gender_guesser.detector as gd

    detector = gd.Detector(case_sensitive=False)
    return {name: str(detector.get_gender(name)) for name in detector.names}


@lru_cache(maxsize=1)
def _detector() -> Any:
    try:
        import gender_guesser  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the installation
        return None
    from kg.extract.startup import cached_table

    # Parsing the name dictionary takes a second; the table loads in milliseconds.
    return _Genders(
        cached_table("first-names", _all_genders, packages=("gender-guesser",), code=(__file__,))
    )


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
