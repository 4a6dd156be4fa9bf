"""Format migrations: each step turns the raw JSON of version N into version N + 1.

Files load through a versioned step: check the version, migrate the raw data in memory, then
validate. A file is rewritten in the new version only when the user saves it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archdesigner.model.design import FORMAT_VERSION

Migration = Callable[[dict[str, Any]], dict[str, Any]]

#: version N -> the function that lifts a version-N document to version N + 1.
MIGRATIONS: dict[int, Migration] = {}


class MigrationError(ValueError):
    pass


def migrate(data: dict[str, Any], current: int | None = None) -> dict[str, Any]:
    """Lifts ``data`` to ``current`` (the program's version) one step at a time."""
    target = FORMAT_VERSION if current is None else current
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        return data  # validation reports the wrong type with its path
    if version > target:
        raise MigrationError(
            f"the file is format version {version}, but this archdesigner reads version "
            f"{target} at most; update archdesigner to open it"
        )
    while version < target:
        step = MIGRATIONS.get(version)
        if step is None:
            raise MigrationError(f"no migration from format version {version} to {version + 1}")
        data = step(dict(data))
        version += 1
        data["version"] = version
    return data
