"""Every `CLAIMGRAPH_*` environment variable, declared once: its type, default and meaning.

The command line and the API read the same `Settings` (pydantic-settings, as the FastAPI
full-stack template's `core/config.py` does), so a variable is added, renamed or documented
here and nowhere else; the README's table is `settings_table()`'s output, and a test keeps
the two equal.

A value is checked the way it always was: Python's own `int()` and `float()` read numbers
(pydantic's own parsing would take `1.0` as a row cap), and a bad value names the variable, e.g.
`CLAIMGRAPH_ROW_CAP='ten' is not a valid row_cap`. An empty variable counts as unset.

`Settings.read(name)` checks one variable alone: a command that needs only the store is not
stopped by a bad value of a variable only the server reads.

With a SPARQL server, the API's queries go there with the same deadline, row cap and
refusals (SERVICE, LOAD, updates) as on the embedded store. The fact-check sync runs in the
background (`api.factcheck_sync`), one at a time; the server makes no other outbound request,
and API keys come from the variables the sources name, not from here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

# Where claimgraph keeps things unless told otherwise.
DEFAULT_BASE_IRI = "https://claimgraph.org/id/"
DEFAULT_STORE = Path(".claimgraph") / "store"

ENV_PREFIX = "CLAIMGRAPH_"


class Settings(BaseSettings):
    """What claimgraph reads from the environment; `Settings.from_env()` for the whole set."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_ignore_empty=True, frozen=True, extra="forbid"
    )

    store: Path = Field(
        DEFAULT_STORE,
        description="the store directory (`--store`; the server opens it read-write); with a "
        "SPARQL server, where the server keeps its own files (the fact-check embedding cache)",
    )
    base_iri: str = Field(
        DEFAULT_BASE_IRI, description="base of the IRIs the graph mints (`--base-iri`)"
    )
    cache_dir: Path | None = Field(
        None,
        description="the extractor's precomputed tables (unset: `$XDG_CACHE_HOME/claimgraph`, "
        "else `~/.cache/claimgraph`)",
    )
    sparql_endpoint: str | None = Field(
        None,
        description="a SPARQL 1.1 server's query URL: the graph lives there (`--sparql-endpoint`)",
    )
    update_endpoint: str | None = Field(
        None, description="that server's update URL (unset: the query URL; `--update-endpoint`)"
    )
    graph_store: str | None = Field(
        None,
        description="that server's Graph Store Protocol URL, for whole-graph reads "
        "(`--graph-store`)",
    )
    sparql_user: str | None = Field(
        None, description="account on that server, Basic or Digest as it asks (`--sparql-user`)"
    )
    sparql_password: str | None = Field(None, repr=False, description="its password")
    sparql_timeout: float = Field(
        60.0,
        description="seconds the command line waits for that server's answer "
        "(`--sparql-timeout`); the API waits its query deadline, at least 60",
    )
    query_timeout: float = Field(
        10.0,
        description="seconds an API query may take, queueing included (`claimgraph serve "
        "--query-timeout` overrides it)",
    )
    row_cap: int = Field(10_000, description="most rows (or triples) an API result may have")
    max_request_bytes: int = Field(
        1_048_576, description="largest query request body (or query string) the API reads"
    )
    write_token: str | None = Field(
        None, repr=False, description="bearer token for the API's writes (unset: writes off)"
    )
    cors_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="comma-separated origins the API allows by CORS (`*`: any)"
    )
    query_workers: int = Field(2, description="API query worker processes (concurrent queries)")
    factcheck_sync_minutes: float = Field(
        0.0,
        description="minutes between the server's syncs of the fact-check sources that "
        "`claimgraph factcheck source add` configured (0: never); the first at start-up",
    )

    @field_validator("sparql_timeout", "query_timeout", "factcheck_sync_minutes", mode="before")
    @classmethod
    def _float(cls, value: Any, info: ValidationInfo) -> Any:
        return _from_text(float, value, info)

    @field_validator("row_cap", "max_request_bytes", "query_workers", mode="before")
    @classmethod
    def _int(cls, value: Any, info: ValidationInfo) -> Any:
        return _from_text(int, value, info)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(o.strip() for o in value.split(",") if o.strip())
        return value

    @model_validator(mode="after")
    def _in_range(self) -> Self:
        if self.query_timeout <= 0:
            raise ValueError("query_timeout must be a positive number of seconds")
        if self.row_cap < 1 or self.max_request_bytes < 1 or self.query_workers < 1:
            raise ValueError("row_cap, max_request_bytes and query_workers must be at least 1")
        if not 0 <= self.factcheck_sync_minutes < float("inf"):
            raise ValueError("factcheck_sync_minutes must be 0 (off) or a positive number")
        return self

    @classmethod
    def env_var(cls, name: str) -> str:
        """The environment variable of the setting `name` (a KeyError if there is none), so
        that the command line's options name a variable through its field."""
        if name not in cls.model_fields:
            raise KeyError(f"no setting {name!r}")
        return ENV_PREFIX + name.upper()

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Settings from the environment, then the overrides that are not None (a command's
        options); a bad value is a ValueError of one line that names its variable."""
        given = {k: v for k, v in overrides.items() if v is not None}
        try:
            return cls(**given)
        except ValidationError as exc:
            raise ValueError(_plain(exc)) from None

    @classmethod
    def read(cls, name: str) -> Any:
        """The one setting `name`, from its variable or its default, checked alone."""
        raw = os.environ.get(cls.env_var(name))
        given: dict[str, Any] = {name: raw} if raw else {}
        try:
            return getattr(_Given(**given), name)
        except ValidationError as exc:
            raise ValueError(_plain(exc)) from None


class _Given(Settings):
    """The same fields and checks over the values given to it, without the environment: what
    `Settings.read` validates one variable's text with."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def default_store_path() -> Path:
    """`$CLAIMGRAPH_STORE`, else `.claimgraph/store` under the working directory."""
    path: Path = Settings.read("store")
    return path


def _from_text(kind: type[int] | type[float], value: Any, info: ValidationInfo) -> Any:
    """A variable's text read as Python reads a number, or a ValueError naming the variable."""
    if not isinstance(value, str):
        return value
    name = info.field_name or ""
    try:
        return kind(value)
    except ValueError:
        raise ValueError(f"{Settings.env_var(name)}={value!r} is not a valid {name}") from None


def _plain(exc: ValidationError) -> str:
    """pydantic's report as the sentences claimgraph's own checks wrote, one per problem."""
    lines = []
    for error in exc.errors():
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, ValueError):
            lines.append(str(cause))
        else:
            where = ".".join(str(part) for part in error["loc"])
            lines.append(f"{where}: {error['msg']}")
    return "; ".join(lines)


def settings_table() -> str:
    """The README's table of variables, made from the fields so that the two cannot differ."""
    rows = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        rows.append(
            f"| `{Settings.env_var(name)}` | {_shown(field.default)} | {field.description} |"
        )
    return "\n".join(rows)


def _shown(default: object) -> str:
    if default is None:
        return "unset"
    if default == ():
        return "empty"
    if isinstance(default, float):
        return f"`{default:g}`"
    return f"`{default}`"
