"""Baselines: adopt the linter on a system that already has findings (``--baseline FILE``).

The first run writes the fingerprints of the current unsuppressed findings to FILE; later
runs drop the findings whose fingerprint FILE lists, so only new ones are reported and fail
the build. Fingerprints depend on the rule, the subject and the finding's key, never on
positions or messages, so moving cards or rewording a message keeps a finding in the
baseline. Design files are named relative to the baseline file's folder, so the baseline
works from any working directory and in CI.

The file is JSON: ``{"format": "archdesigner.lint-baseline", "version": 1, "files":
{"path/of/design.arch.json": {"FINGERPRINT": "RULE subject", ...}}}`` (the values are for
people reading a diff of the baseline; only the keys count).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archdesigner.lint.output import FileResult

FORMAT = "archdesigner.lint-baseline"
VERSION = 1


class BaselineError(ValueError):
    """The baseline file cannot be read or written; the message names it."""


def _key(base: Path, design: str) -> str:
    """The design file's name relative to the baseline's folder, with forward slashes."""
    folder = base.resolve().parent
    return Path(os.path.relpath(Path(design).resolve(), folder)).as_posix()


def write_baseline(base: Path, results: list[FileResult]) -> int:
    """Writes the unsuppressed findings of ``results`` to ``base``; returns their count."""
    from archdesigner.io.save import atomic_write_text

    files: dict[str, dict[str, str]] = {}
    count = 0
    for r in results:
        entries = {f.fingerprint: f"{f.rule_id} {f.subject}" for f in r.report.active}
        files[_key(base, r.path)] = dict(sorted(entries.items()))
        count += len(entries)
    doc = {"format": FORMAT, "version": VERSION, "files": dict(sorted(files.items()))}
    try:
        atomic_write_text(base, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise BaselineError(f"{base}: cannot write the baseline: {exc.strerror}") from None
    return count


def read_baseline(base: Path) -> dict[str, set[str]]:
    """Design file key -> fingerprints in the baseline ``base``."""
    try:
        doc: Any = json.loads(base.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{base}: cannot read the baseline: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{base}: not a baseline file (not JSON: {exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BaselineError(f"{base}: not a baseline file (format is not {FORMAT!r})")
    if doc.get("version") != VERSION:
        raise BaselineError(f"{base}: baseline version {doc.get('version')!r} is not {VERSION}")
    files = doc.get("files")
    if not isinstance(files, dict) or not all(isinstance(v, dict) for v in files.values()):
        raise BaselineError(f"{base}: files: expected an object of objects")
    return {str(k): {str(fp) for fp in v} for k, v in files.items()}


def apply_baseline(base: Path, known: dict[str, set[str]], results: list[FileResult]) -> None:
    """Drops from each result the unsuppressed findings the baseline lists, counting them
    in ``result.baselined``."""
    for r in results:
        prints = known.get(_key(base, r.path), set())
        if not prints:
            continue
        kept = [f for f in r.report.findings if f.suppressed or f.fingerprint not in prints]
        r.baselined = len(r.report.findings) - len(kept)
        r.report.findings = kept


__all__ = ["BaselineError", "apply_baseline", "read_baseline", "write_baseline"]
