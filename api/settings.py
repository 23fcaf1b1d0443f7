"""The API's settings are `kg.settings.Settings`, the one object the command line reads too.

Every `CLAIMGRAPH_*` variable is declared and documented there (and tabled in the README);
this module only keeps the import path that routes, benchmarks and tests already use.
"""

from __future__ import annotations

from kg.settings import ENV_PREFIX, Settings

__all__ = ["ENV_PREFIX", "Settings"]
