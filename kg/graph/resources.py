"""Where the ontology and the shapes live, in a checkout and in an installed wheel.

The wheel carries them under kg/_data (see pyproject.toml); an editable install
or a checkout reads them from the repository's own ontology/ and shapes/.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # kg/


def _data_dir(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"claimgraph's {name}/ directory is missing from this installation")


def ontology_path() -> Path:
    """The ontology in Turtle."""
    return _data_dir("ontology") / "claimgraph.ttl"


def shapes_paths() -> list[Path]:
    """Every SHACL shapes file, in a stable order."""
    return sorted(_data_dir("shapes").glob("*.ttl"))
