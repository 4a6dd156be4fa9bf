"""Finding other components' names in configuration files and sources (docs/import.md).

Independent of compose: :func:`scan_sources` takes the components' names and aliases and the
files or folders that belong to each component, and returns the links those files show, each
with its evidence (file, line, matched text). The compose importer calls it with build contexts,
mounted files and folders named like a service; the Kubernetes importer with manifests' config.

One pass over each file: every name and alias is in one compiled pattern; only the few places it
matches are looked at more closely (is it a URL host, a ``host:port``, a proxy directive, a host
value in a config, a string literal equal to the name?). Mentions in prose, comments, keys and
identifiers are not evidence.
"""

from __future__ import annotations

import fnmatch
import os
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from archdesigner.importers.spring import guarded_routes, is_config_file
from archdesigner.importers.wiring import database_in, hosty_key

#: Evidence kinds, in the order the report lists them (docs/import.md, "Evidence kinds").
EVIDENCE_KINDS = ("proxy", "url", "host_port", "config", "literal")

#: Folders never read: tests, docs, dependencies, build output, generated code.
SKIP_DIRS = frozenset(
    {
        "test", "tests", "__tests__", "testdata", "test-data", "spec", "specs", "e2e",
        "integration-tests", "uitest", "uitests", "doc", "docs", "documentation",
        "node_modules", "bower_components", "vendor", "vendors", "third_party", "thirdparty",
        "external", "dist", "build", "target", "bin", "obj", "out", "generated", "gen",
        "__pycache__", "venv", "env", "site-packages", "coverage", "lib", "libs", "migrations",
        "k8s", "kubernetes", "helm", "charts",
    }
)  # fmt: skip
#: Folder name endings that mark tests (``OrderService.UnitTests``, ``api-tests``).
SKIP_DIR_SUFFIXES = (".tests", ".unittests", ".integrationtests", "tests", "-test", "_test")
#: File endings never read: documentation, lock files, binaries, minified and generated code.
SKIP_SUFFIXES = (
    ".md", ".markdown", ".rst", ".adoc", ".txt", ".lock", ".sum", ".png", ".jpg", ".jpeg",
    ".gif", ".ico", ".svg", ".webp", ".bmp", ".pdf", ".zip", ".gz", ".tgz", ".bz2", ".xz",
    ".7z", ".jar", ".war", ".class", ".dll", ".exe", ".so", ".dylib", ".a", ".o", ".pyc",
    ".woff", ".woff2", ".ttf", ".eot", ".otf", ".mp3", ".mp4", ".avi", ".mov", ".wav",
    ".min.js", ".min.css", ".map", ".css", ".scss", ".less", ".snap", ".pb.go", "_pb2.py",
    ".g.cs", ".designer.cs", ".pem", ".crt", ".key", ".p12", ".pfx", ".db", ".sqlite",
    ".csv", ".tsv", ".parquet", ".svg", ".jmx", ".resx", ".sln", ".csproj", ".http",
)  # fmt: skip
SKIP_FILES = frozenset(
    {
        "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "go.sum", "poetry.lock",
        "pipfile.lock", "cargo.lock", "composer.lock", "gemfile.lock", "packages.lock.json",
        "license", "licence", "notice", "authors", "changelog", "codeowners",
    }
)  # fmt: skip
MAX_FILE_BYTES = 1_000_000

#: Words that start a proxy directive (nginx, HAProxy, Caddy, Envoy, Apache, Traefik).
PROXY_WORDS = frozenset(
    {
        "proxy_pass", "grpc_pass", "fastcgi_pass", "uwsgi_pass", "server", "upstream",
        "reverse_proxy", "backend", "proxypass", "proxypassreverse", "default_backend",
        "use_backend",
    }
)  # fmt: skip
#: Keys of connection strings whose value is a host (``Server=sqlserver;Database=x``).
CONN_KEYS = frozenset({"server", "data source", "host", "address", "addr", "hostname"})

_NAME_CHARS = r"A-Za-z0-9_\-"
_BOUNDARY_AFTER_SET = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")
_BOUNDARY_BEFORE = _BOUNDARY_AFTER_SET | {"."}
_COMMENT = re.compile(r"\s*(#|//|/\*|\*|--|<!--|;|rem\s)", re.IGNORECASE)
_KEY_BEFORE = re.compile(r"""([A-Za-z0-9_. -]{1,60}?)["']?\s*(?::|=|=>)\s*["']?$""")
_CONN_BEFORE = re.compile(r"(?:^|[;\"'\s])([A-Za-z ]{2,20})=$")
_USERINFO = re.compile(r"://[^\s/@'\"]*@$")
_PORT_AFTER = re.compile(r":\d{1,5}(?!\d)")
_PROXY_BEFORE = re.compile(
    r"(?:^|[\s{;])(?:" + "|".join(sorted(PROXY_WORDS)) + r")\s+(?:[a-z][a-z0-9+.-]*://)?$",
    re.IGNORECASE,
)
_TAG_BEFORE = re.compile(r"<([A-Za-z0-9_.:-]+)>$")


@dataclass(frozen=True)
class Evidence:
    """Why a link was inferred: the kind of evidence, ``file:line`` and the matched text."""

    kind: str  # one of EVIDENCE_KINDS
    file: str  # relative to the scanned root, with '/' separators
    line: int
    text: str
    database: str = ""  # the database on the named server the line names (database_in)
    #: an http(s) URL naming the host alone, without a port ("http://vets-service/"): how a
    #: client that looks services up in a registry addresses one
    by_name: bool = False
    #: where the caller's sources declare such a client (``file:line`` of Spring's
    #: ``@LoadBalanced``), for a ``by_name`` URL: its requests spread over the instances
    balanced: str = ""
    #: where a circuit breaker guards the call this line makes (``file:line`` of a Spring
    #: Cloud Gateway route's CircuitBreaker filter, :mod:`archdesigner.importers.spring`)
    breaker: str = ""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def as_dict(self) -> dict[str, str | int]:
        return {"kind": self.kind, "file": self.file, "line": self.line, "text": self.text}


@dataclass(frozen=True)
class FoundLink:
    source: str  # the component the file belongs to
    target: str  # the component the file names
    evidence: Evidence


@dataclass
class ScanResult:
    links: list[FoundLink] = field(default_factory=list)
    files: int = 0  # files read
    skipped: int = 0  # files skipped (ignored, too large, binary, outside the root)
    shared: list[str] = field(default_factory=list)  # files that belong to several components
    seconds: float = 0.0


_Trie = dict[str, "_Trie"]

# --- one pattern for every name -------------------------------------------------------------


def _trie_regex(words: Iterable[str]) -> str:
    """A regular expression matching exactly ``words``, factored as a trie (fast to match)."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_body(trie)


def _trie_body(node: _Trie) -> str:
    branches = [re.escape(ch) + _trie_body(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


class NameMatcher:
    """Finds the names of components (service names and aliases) used as host names in text.

    ``names`` maps each name or alias (any case) to its component.
    """

    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = {n.lower(): c for n, c in names.items() if n}
        body = _trie_regex(sorted(self.names, key=len, reverse=True))
        # no look-behind and no IGNORECASE: the text is lower-cased once, boundaries are checked
        # by hand, so the engine can skip ahead on the names' first characters
        self.pattern = re.compile(body if body else r"(?!x)x")

    def scan_text(self, text: str, file: str) -> list[tuple[str, Evidence]]:
        """``(component, evidence)`` for each place in ``text`` that uses a name as a host."""
        out: list[tuple[str, Evidence]] = []
        low = text.lower()
        last_line_start, line_no = 0, 1
        for m in self.pattern.finditer(low):
            s, e = m.span()
            if (s and low[s - 1] in _BOUNDARY_BEFORE) or low[e : e + 1] in _BOUNDARY_AFTER_SET:
                continue
            start = text.rfind("\n", 0, s) + 1
            line_no += text.count("\n", last_line_start, start)
            last_line_start = start
            end = text.find("\n", e)
            line = text[start : end if end >= 0 else len(text)]
            kind = classify(line, s - start, e - start)
            if kind:
                component = self.names[m.group(0)]
                database = database_in(line, m.group(0))
                by_name = kind == "url" and _by_name(line[: s - start], line[e - start :])
                ev = Evidence(kind, file, line_no, _short(line.strip()), database, by_name)
                out.append((component, ev))
        return out


_HTTP_BEFORE = re.compile(r"https?://$", re.IGNORECASE)


def _by_name(before: str, after: str) -> bool:
    """The host of an http(s) URL, written without a port (see :attr:`Evidence.by_name`)."""
    return bool(_HTTP_BEFORE.search(before)) and not _PORT_AFTER.match(after)


#: Spring Cloud's annotation of a RestTemplate / WebClient bean whose requests go to a
#: service looked up by name in the registry, spread over its instances (client-side).
_LOAD_BALANCED = re.compile(r"^[ \t]*(?:@[\w.]+[ \t]+)*@LoadBalanced\b", re.MULTILINE)


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _first_word(line: str) -> str:
    word = line.strip().split(None, 1)[0] if line.strip() else ""
    return word.strip("-\"'").rstrip(":").lower()


def classify(line: str, start: int, end: int) -> str:
    """The evidence kind of a name found at ``line[start:end]``, "" when it is no evidence."""
    if _COMMENT.match(line):
        return ""
    before, after = line[:start], line[end:]
    url = before.endswith("://") or bool(_USERINFO.search(before))
    host_port = bool(_PORT_AFTER.match(after)) and not after.startswith("://")
    if (url or host_port or _is_value(before, after)) and (
        _first_word(line) in PROXY_WORDS or _PROXY_BEFORE.search(before)
    ):
        return "proxy"
    if url:
        return "url"
    if host_port:
        return "host_port"
    conn = _CONN_BEFORE.search(before)
    if conn is not None and conn.group(1).strip().lower() in CONN_KEYS:
        return "config"
    key = _key_of(before)
    if key is not None and hosty_key(key) and _is_value(before, after):
        return "config"
    quote = before[-1:] if before[-1:] in ("'", '"', "`") else ""
    if quote and after.startswith(quote) and not re.match(r"""["'`]\s*:(?!/)""", after):
        return "literal"
    return ""


def _key_of(before: str) -> str | None:
    m = _KEY_BEFORE.search(before)
    if m is not None:
        return m.group(1).strip().strip("\"'")
    tag = _TAG_BEFORE.search(before)
    return tag.group(1) if tag is not None else None


def _is_value(before: str, after: str) -> bool:
    """The name is the whole value (not part of a longer word, path or sentence)."""
    rest = after.lstrip("\"'`")
    return (
        not rest.strip()
        or rest[:1] in (",", ";", "}", "]", ")", "<", ":", "/")
        or (rest[:1] == " " and rest.strip()[:1] in ("#", "/", ";"))
    )


# --- which files belong to which component -------------------------------------------------


def _ignore_patterns(folder: Path) -> list[str]:
    out: list[str] = []
    for name in (".gitignore", ".dockerignore"):
        try:
            text = (folder / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for raw in text.splitlines():
            line = raw.strip()
            if line and not line.startswith(("#", "!")):
                out.append(line.strip("/").removeprefix("**/"))
    return out


def _ignored(rel: str, name: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(rel, p) for p in patterns)


def skip_dir(name: str) -> bool:
    low = name.lower()
    return low.startswith(".") or low in SKIP_DIRS or low.endswith(SKIP_DIR_SUFFIXES)


def skip_file(name: str) -> bool:
    low = name.lower()
    return low in SKIP_FILES or low.endswith(SKIP_SUFFIXES) or low.startswith(".")


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def walk_files(start: Path, root: Path, patterns: Sequence[str] = ()) -> Iterable[str]:
    """Files under ``start`` (or ``start`` itself) worth reading; never leaves ``root``."""
    try:
        real = start.resolve()
    except OSError:
        return
    if not _inside(real, root):
        return
    if real.is_file():
        if not skip_file(real.name):
            yield str(real)
        return
    pats = [*patterns, *_ignore_patterns(real)]
    top, root_text = str(real), str(root) + os.sep
    for folder, dirs, files in os.walk(top):
        rel_base = os.path.relpath(folder, top)
        dirs[:] = [
            d for d in dirs
            if not skip_dir(d) and not os.path.islink(os.path.join(folder, d))
            and not (pats and _ignored(os.path.normpath(os.path.join(rel_base, d)), d, pats))
        ]  # fmt: skip
        for name in files:
            if skip_file(name):
                continue
            if pats and _ignored(os.path.normpath(os.path.join(rel_base, name)), name, pats):
                continue
            path = os.path.join(folder, name)
            if os.path.islink(path) and not os.path.realpath(path).startswith(root_text):
                continue
            yield path


def assign_files(owners: Mapping[str, Sequence[Path]], root: Path) -> dict[str, list[str]]:
    """Each file -> the components it belongs to: those whose root holding it is deepest."""
    best: dict[str, tuple[int, list[str]]] = {}
    root = root.resolve()
    for component, starts in owners.items():
        for start in starts:
            try:
                depth = len(start.resolve().parts)
            except OSError:
                continue
            for path in walk_files(start, root):
                have = best.get(path)
                if have is None or depth > have[0]:
                    best[path] = (depth, [component])
                elif depth == have[0] and component not in have[1]:
                    have[1].append(component)
    return {path: comps for path, (_, comps) in best.items()}


def read_text_file(path: str | Path) -> str | None:
    """The text of a file worth scanning; ``None`` for binaries and files over 1 MB."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_FILE_BYTES or b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


def scan_sources(
    owners: Mapping[str, Sequence[Path]],
    names: Mapping[str, str],
    root: Path,
) -> ScanResult:
    """The links that the files of each component show.

    ``owners``: component -> files or folders that belong to it; ``names``: every name or alias
    (service name, container name, host name, network alias) -> component; ``root``: the project
    folder (never left; evidence paths are relative to it). A file that belongs to several
    components is evidence for one of them only on lines that also name that component.
    """
    began = time.perf_counter()
    root = root.resolve()
    result = ScanResult()
    matcher = NameMatcher(names)
    aliases: dict[str, list[str]] = {}
    for alias, comp in matcher.names.items():
        aliases.setdefault(comp, []).append(alias)
    prefix = str(root) + os.sep
    balancing: dict[str, str] = {}  # component -> where its sources declare @LoadBalanced
    for path, comps in sorted(assign_files(owners, root).items()):
        text = read_text_file(path)
        if text is None:
            result.skipped += 1
            continue
        result.files += 1
        rel = path[len(prefix) :] if path.startswith(prefix) else os.path.basename(path)
        rel = rel.replace(os.sep, "/")
        if len(comps) > 1:
            result.shared.append(rel)
        if "@LoadBalanced" in text:
            m = _LOAD_BALANCED.search(text)
            if m is not None:
                where = f"{rel}:{text.count(chr(10), 0, m.start()) + 1}"
                for comp in comps:
                    balancing.setdefault(comp, where)
        guarded = guarded_routes(text) if is_config_file(os.path.basename(path)) else {}
        for target, ev in matcher.scan_text(text, rel):
            if ev.line in guarded:
                ev = replace(ev, breaker=f"{rel}:{guarded[ev.line]}")
            for comp in comps:
                if comp == target:
                    continue
                if len(comps) > 1 and not _names_any(ev.text, aliases.get(comp, [])):
                    continue
                result.links.append(FoundLink(comp, target, ev))
    if balancing:  # a component's URLs by name go through its balanced client
        result.links = [
            FoundLink(f.source, f.target, replace(f.evidence, balanced=balancing[f.source]))
            if f.evidence.by_name and f.source in balancing
            else f
            for f in result.links
        ]
    result.seconds = time.perf_counter() - began
    return result


def _names_any(line: str, aliases: Sequence[str]) -> bool:
    low = line.lower()
    return any(re.search(rf"(?<![{_NAME_CHARS}]){re.escape(a)}(?![{_NAME_CHARS}])", low)
               for a in aliases)  # fmt: skip


# --- folders named like a component ---------------------------------------------------------

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
#: Affixes that do not change whose folder it is (``order-service`` -> ``order``).
AFFIXES = frozenset({"service", "svc", "srv", "server", "app", "ms"})


def folder_tokens(name: str) -> list[str]:
    parts = re.split(r"[-_.\s]+", _CAMEL.sub("-", name))
    return [p.lower() for p in parts if p]


def _core(tokens: list[str]) -> list[str]:
    start, end = 0, len(tokens)
    while end > start and tokens[end - 1] in AFFIXES:
        end -= 1
    while start < end and tokens[start] in AFFIXES:
        start += 1
    return tokens[start:end]


def folder_matches(folder: str, component: str) -> bool:
    """``src/OrderService``, ``order_service``, ``spring-petclinic-order-service`` belong to
    ``order-service`` (case, ``-``, ``_`` and ``-service``/``svc-`` style affixes ignored)."""
    f, c = folder_tokens(folder), folder_tokens(component)
    for ft, ct in ((f, c), (_core(f), _core(c))):
        want = "".join(ct)
        if not want:
            continue
        if any("".join(ft[k:]) == want for k in range(len(ft))):
            return True
    return False


def folders_named_like(
    root: Path, components: Iterable[str], max_depth: int = 4
) -> dict[str, list[Path]]:
    """Folders under ``root`` (down to ``max_depth``) named like each component."""
    comps = list(components)
    found: dict[str, list[Path]] = {}
    root = root.resolve()
    base_depth = len(root.parts)
    for folder, dirs, _files in os.walk(root):
        here = Path(folder)
        if len(here.parts) - base_depth >= max_depth:
            dirs[:] = []
        dirs[:] = [d for d in dirs if not skip_dir(d) and not os.path.islink(here / d)]
        for d in dirs:
            for comp in comps:
                if folder_matches(d, comp):
                    found.setdefault(comp, []).append(here / d)
    return found
