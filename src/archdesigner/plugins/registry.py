"""One registry for every kind of plugin contribution: rules, exporters, importers, kinds.

A :class:`Registry` knows, for one group, how an id must look (:class:`IdRule`), how to check
that an object is usable (its protocol check) and how to say that an id is taken. Its
:meth:`Registry.load` discovers the contributions (entry points and plugin folders, see
:func:`archdesigner.plugins.discover`, which also checks each plugin's declared plugin API
version), refuses bad and duplicate ones with a one-line :class:`PluginError` each, and returns
the accepted objects with their source (``built-in`` or the plugin's name) in discovery
order: built-ins first. Whether a contribution runs isolated follows from its source
(:attr:`Registered.builtin`): plugin rules run on their own copy of the design, under a time
limit (:mod:`archdesigner.lint.isolation`). Nothing here raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from archdesigner.plugins import BUILTIN, ENTRY_POINT_GROUPS, Contribution, PluginError, discover

T = TypeVar("T")


@dataclass(frozen=True)
class IdRule:
    """What an id of one group looks like, and the message for one that does not."""

    pattern: re.Pattern[str]
    message: str  # formatted with ``id`` (the offending value)

    def problem(self, ident: object) -> str:
        """Why ``ident`` is not a valid id, or ``""`` when it is."""
        if isinstance(ident, str) and self.pattern.match(ident):
            return ""
        return self.message.format(id=ident)


@dataclass(frozen=True)
class Registered(Generic[T]):
    """An accepted contribution and where it comes from."""

    obj: T
    source: str

    @property
    def builtin(self) -> bool:
        return self.source == BUILTIN


@dataclass(frozen=True)
class Registry(Generic[T]):
    """The registration rules of one group (``kind`` is a key of ``ENTRY_POINT_GROUPS``).

    ``check(obj, source)`` says why ``obj`` cannot be registered (``""`` when it can; it uses
    the group's :class:`IdRule`); ``ident(obj)`` gives the id of a checked object (default:
    its ``id``); ``duplicate`` is the message for a second contribution with a taken id,
    formatted with ``id``, ``owner`` and ``noun`` (the kind in the singular). The same object
    contributed twice (through two routes) is kept once, silently.
    """

    kind: str
    check: Callable[[Any, str], str]
    ident: Callable[[Any], str] = lambda obj: str(obj.id)
    duplicate: str = "{noun} id {id!r} is already registered by {owner}; this one is skipped"

    @property
    def group(self) -> str:
        return ENTRY_POINT_GROUPS[self.kind]

    def load(
        self,
        plugin_dirs: Sequence[str | Path] = (),
        *,
        include_user_dir: bool = True,
        include_entry_points: bool = True,
        other: Callable[[Contribution], str | None] | None = None,
    ) -> tuple[list[Registered[T]], list[PluginError]]:
        """Every accepted contribution, built-ins first, and the problems met on the way.

        ``other`` handles contributions that are not of the group's main type (the compose
        importer's image rules travel with the importers): it returns ``None`` for an object
        it does not handle, ``""`` when it took the object, or a problem."""
        found = discover(
            self.kind,
            plugin_dirs,
            include_user_dir=include_user_dir,
            include_entry_points=include_entry_points,
        )
        errors = list(found.errors)
        accepted: dict[str, Registered[T]] = {}
        for c in found.contributions:
            if other is not None:
                handled = other(c)
                if handled is not None:
                    if handled:
                        errors.append(PluginError(c.plugin, self.group, handled))
                    continue
            problem = self.check(c.obj, c.plugin)
            ident = "" if problem else self.ident(c.obj)
            if not problem and ident in accepted:
                if accepted[ident].obj is c.obj:
                    continue
                problem = self.duplicate.format(
                    id=ident, owner=accepted[ident].source, noun=self.kind.removesuffix("s")
                )
            if problem:
                errors.append(PluginError(c.plugin, self.group, problem))
                continue
            accepted[ident] = Registered(c.obj, c.plugin)
        return list(accepted.values()), errors


__all__ = ["IdRule", "Registered", "Registry"]
