"""Reading design files: never a traceback, never a half-loaded design."""

from __future__ import annotations

import gc
import json
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from archdesigner.io.errors import DesignError, Problem
from archdesigner.io.migrations import MigrationError, migrate
from archdesigner.model.design import (
    FORMAT,
    FORMAT_VERSION,
    Design,
    compact,
    loading,
    reference_problems,
)

#: Files above this size are refused before parsing. A 20,000-node design is about 10 MB.
MAX_FILE_BYTES = 32 * 1024 * 1024


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pauses the cyclic garbage collector around bulk object construction (2-4x faster)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_$-]+")


def json_path(loc: tuple[int | str, ...]) -> str:
    """``("nodes", 3, "replicas")`` -> ``nodes[3].replicas``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(str(part)):
            out += ("." if out else "") + str(part)
        else:  # a key with spaces, dots or line breaks: quoted, so the error stays one line
            out += f"[{json.dumps(str(part))}]"
    return out or "(top level)"


def _describe(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    msg = str(err.get("msg", "invalid value"))
    if kind == "extra_forbidden":
        return "unknown field (only 'properties' objects may hold extra fields)"
    if kind == "missing":
        return "required field is missing"
    value = err.get("input")
    if kind not in ("model_type", "dict_type", "list_type") and not isinstance(value, dict | list):
        shown = json.dumps(value, ensure_ascii=False) if _jsonable(value) else repr(value)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        return f"{msg[0].lower() + msg[1:]}, got {shown}"
    return msg[0].lower() + msg[1:]


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def problems_from_validation(exc: ValidationError) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        out.append(Problem(json_path(loc), _describe(dict(err))))
    return out


def design_from_data(data: Any, file: str | Path | None = None) -> Design:
    """Validates already-parsed JSON into a Design, raising :class:`DesignError`."""
    if not isinstance(data, dict):
        raise DesignError(file, [Problem("(top level)", "expected a JSON object")])
    fmt = data.get("format")
    if fmt != FORMAT:
        what = "missing" if fmt is None else f"{json.dumps(fmt)[:60]}"
        raise DesignError(
            file,
            [Problem("format", f'expected "{FORMAT}" (is this a design file?), got {what}')],
        )
    try:
        data = migrate(data)
    except MigrationError as exc:
        raise DesignError(file, [Problem("version", str(exc))]) from None
    try:
        with gc_paused(), loading():
            design = Design.model_validate(data, context={"skip_reference_check": True})
    except ValidationError as exc:
        raise DesignError(file, problems_from_validation(exc)) from None
    except RecursionError:
        raise DesignError(file, [Problem("", "the document is nested too deeply")]) from None
    return _checked(design, file)


def _checked(design: Design, file: str | Path | None, compacted: bool = True) -> Design:
    """A validated design once its links and groups name what exists, compacted
    (:func:`archdesigner.model.design.compact`) unless ``compacted`` is false; a
    DesignError otherwise."""
    refs = reference_problems(design)
    if refs:
        raise DesignError(file, [Problem(p.path, p.message) for p in refs])
    if compacted:
        compact(design)
    return design


class _NonFinite(ValueError):
    pass


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NonFinite(text)
    return value


def _no_constant(name: str) -> Any:
    raise _NonFinite(name)


#: A JSON string (skipped) or a token the reader refuses: NaN, +/-Infinity, a number that
#: overflows a float, a \u escape of a lone surrogate.
_TOKEN_RE = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)')
_SURROGATE_RE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _line_col(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"line {line} column {offset - text.rfind(chr(10), 0, offset)}"


def _non_finite_place(text: str) -> tuple[str, str]:
    """Where the first NaN, Infinity or overflowing number is, outside strings."""
    for m in _TOKEN_RE.finditer(text):
        if m.group(1):
            return _line_col(text, m.start(1)), m.group(1)
        if m.group(2) and not math.isfinite(float(m.group(2))):
            return _line_col(text, m.start(2)), m.group(2)[:24]
    return "(unknown place)", "a number"


def _lone_surrogate_place(text: str) -> str | None:
    """Where a \\u escape leaves half a UTF-16 pair (not valid Unicode), if anywhere."""
    if "\\u" not in text:
        return None
    for m in _SURROGATE_RE.finditer(text):
        start = run = m.start()
        while run > 0 and text[run - 1] == "\\":
            run -= 1
        if (start - run) % 2 == 0:  # the backslash is not itself escaped
            return _line_col(text, start)
    return None


def parse_json(text: str, file: str | Path | None = None) -> Any:
    """Strict JSON: finite numbers only, strings valid Unicode; errors give line and column."""
    try:
        data = json.loads(text, parse_float=_finite_float, parse_constant=_no_constant)
    except _NonFinite:
        where, token = _non_finite_place(text)
        raise DesignError(
            file, [Problem(where, f"{token} is not a finite number; design numbers must be")]
        ) from None
    except json.JSONDecodeError as exc:
        raise DesignError(
            file,
            [Problem(f"line {exc.lineno} column {exc.colno}", f"not valid JSON: {exc.msg}")],
        ) from None
    except RecursionError:
        raise DesignError(file, [Problem("", "the JSON is nested too deeply to read")]) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise DesignError(file, [Problem("", f"not valid JSON: {exc}")]) from None
    lone = _lone_surrogate_place(text)
    if lone is not None:
        raise DesignError(
            file, [Problem(lone, "a \\u escape of half a surrogate pair is not valid Unicode")]
        )
    return data


def _finite(value: Any) -> bool:
    """True when no float in ``value`` (free-form JSON: dicts, lists, scalars) is NaN or
    infinite."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True


def _free_form_finite(design: Design) -> bool:
    """True when the free-form fields (``properties``, ``lint.options``) hold finite numbers
    only. The typed number fields refuse NaN and infinity themselves."""
    if design.properties and not _finite(design.properties):
        return False
    if design.lint.options and not _finite(design.lint.options):
        return False
    for items in (design.nodes, design.links, design.groups):
        for item in items:
            if item.properties and not _finite(item.properties):
                return False
    return True


def _validated_json(text: str) -> Design | None:
    """The design validated straight from its JSON text, without building the document as
    Python objects first (faster, and the parser shares repeated strings such as kinds and
    protocols). None for anything but a valid document of the current format version: the
    caller then takes the step-by-step path (parse, migrate, validate), which words every
    problem the way the user sees it. Its parser accepts some text the strict reader refuses
    (NaN, numbers that overflow a float, half surrogate pairs): those go that way too."""
    if "\\u" in text and _lone_surrogate_place(text) is not None:
        return None
    try:
        # an ASCII str is read in place; any other is encoded once (the parser would
        # otherwise keep a UTF-8 copy attached to the text for as long as the text lives)
        raw = text if text.isascii() else text.encode("utf-8")
        with gc_paused(), loading():
            design = Design.model_validate_json(raw, context={"skip_reference_check": True})
    except Exception:  # the step-by-step path says what is wrong
        return None
    if design.version != FORMAT_VERSION or not _free_form_finite(design):
        return None
    return design


def loads_design(text: str, file: str | Path | None = None, *, compacted: bool = True) -> Design:
    """The design in ``text`` (a DesignError naming ``file`` and the place when it is not a
    valid design). ``compacted=False`` skips the compaction that only saves memory (for a
    design read just to check it)."""
    design = _validated_json(text)
    if design is None:
        return design_from_data(parse_json(text, file), file)
    return _checked(design, file, compacted)


def read_text(path: Path) -> str:
    """Reads a design file as UTF-8 text, with the size and encoding checks."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DesignError(
                path,
                [
                    Problem(
                        "",
                        f"file is {size / 1e6:.0f} MB; design files are limited to "
                        f"{MAX_FILE_BYTES // (1024 * 1024)} MiB",
                    )
                ],
            )
        raw = path.read_bytes()
    except DesignError:
        raise
    except IsADirectoryError:
        raise DesignError(path, [Problem("", "is a directory, not a design file")]) from None
    except FileNotFoundError:
        raise DesignError(path, [Problem("", "no such file")]) from None
    except OSError as exc:
        raise DesignError(path, [Problem("", f"cannot read: {exc.strerror or exc}")]) from None
    if b"\x00" in raw[:8192]:
        raise DesignError(path, [Problem("", "binary data, not a JSON design file")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DesignError(
            path, [Problem(f"line {line}", f"not UTF-8 text (byte {exc.start})")]
        ) from None


def load_design(path: str | Path) -> Design:
    """Loads and validates a design file. Raises :class:`DesignError` with a clear message."""
    p = Path(path)
    return loads_design(read_text(p), p)
