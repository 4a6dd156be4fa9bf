"""Packaging: the wheel and sdist, the desktop integration files, the CI integrations, and
(opt-in, ARCHDESIGNER_TEST_BUNDLE=1) the PyInstaller bundle.

The slow tests build the wheel, install it into a fresh virtual environment outside the source
tree and run the installed command; `pre-commit try-repo` runs the published hook.
"""

from __future__ import annotations

import configparser
import contextlib
import fnmatch
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

import archdesigner
from archdesigner.cli import build_parser
from archdesigner.io import dumps_design, load_design

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
LINUX = PACKAGING / "linux"
APP_ID = "dev.archdesigner.ArchDesigner"
MIME_NS = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
EXAMPLES = sorted((ROOT / "resources" / "examples").glob("*.arch.json"))
# the web shop has error findings on purpose; its fixed variant has none
BAD_EXAMPLE = ROOT / "resources" / "examples" / "web-shop.arch.json"
CLEAN_EXAMPLE = ROOT / "resources" / "examples" / "fixed" / "web-shop-fixed.arch.json"


def _run(
    cmd: Sequence[str | Path], *, timeout: float = 300, **kw: Any
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, timeout=timeout, **kw
    )


def _desktop_entry() -> configparser.SectionProxy:
    cp = configparser.ConfigParser(interpolation=None, strict=True)
    cp.optionxform = str  # type: ignore[assignment,method-assign]
    cp.read(LINUX / f"{APP_ID}.desktop", encoding="utf-8")
    return cp["Desktop Entry"]


def _mime_type() -> ET.Element:
    root = ET.parse(LINUX / f"{APP_ID}-mime.xml").getroot()
    types = root.findall("m:mime-type", MIME_NS)
    assert len(types) == 1
    return types[0]


# --- desktop integration -----------------------------------------------------------------


def test_desktop_entry_opens_designs_from_the_file_manager() -> None:
    entry = _desktop_entry()
    mime = _mime_type().get("type")
    assert entry["Type"] == "Application"
    # %f: one file per start (the app shows one design per window), so the desktop starts a
    # window for each selected design; `archdesigner FILE` opens the app on it
    assert shlex.split(entry["Exec"]) == ["archdesigner", "%f"]
    assert entry["MimeType"].split(";")[:-1] == [mime]
    assert entry["Icon"] == APP_ID
    assert entry["Terminal"] == "false"
    if shutil.which("desktop-file-validate"):
        result = _run(["desktop-file-validate", LINUX / f"{APP_ID}.desktop"])
        assert result.returncode == 0, result.stdout + result.stderr


def test_mime_type_recognises_saved_designs_by_name_and_content() -> None:
    mime = _mime_type()
    globs = [g.get("pattern") for g in mime.findall("m:glob", MIME_NS)]
    assert globs == ["*.arch.json"]
    assert fnmatch.fnmatch("shop.arch.json", globs[0])
    assert not fnmatch.fnmatch("package.json", globs[0])
    match = mime.find("m:magic/m:match", MIME_NS)
    assert match is not None
    value = match.get("value", "").encode()
    start, end = (int(x) for x in match.get("offset", "").split(":"))
    assert EXAMPLES, "no example designs to check the MIME magic on"
    for path in EXAMPLES:
        # what archdesigner writes is what the magic looks for, near the top of the file
        head = dumps_design(load_design(path)).encode()[: end + len(value)]
        assert value in head[start:], f"{path.name}: {value!r} not within bytes {start}:{end}"


def test_metainfo_names_the_app_its_version_and_file_type() -> None:
    root = ET.parse(LINUX / f"{APP_ID}.metainfo.xml").getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    releases = root.findall("releases/release")
    assert releases, "metainfo lists no release"
    assert releases[0].get("version") == archdesigner.__version__, (
        "the newest <release> in the metainfo must be archdesigner.__version__: add one when "
        "the version changes"
    )
    assert root.findtext("provides/mediatype") == _mime_type().get("type")
    if shutil.which("appstreamcli"):
        result = _run(
            ["appstreamcli", "validate", "--no-net", LINUX / f"{APP_ID}.metainfo.xml"], timeout=60
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_icon_sizes_are_rendered_from_the_app_icon(tmp_path: Path) -> None:
    result = _run([sys.executable, PACKAGING / "gen_icons.py", "--out", tmp_path])
    assert result.returncode == 0, result.stderr
    sys.path.insert(0, str(PACKAGING))
    try:
        from gen_icons import SIZES, png_size
    finally:
        sys.path.remove(str(PACKAGING))
    assert {16, 32, 48, 128, 256, 512} <= set(SIZES)
    for size in SIZES:
        png = tmp_path / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        assert png_size(png.read_bytes()) == (size, size)
    svg = tmp_path / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    assert svg.read_bytes() == (ROOT / "resources" / "icons" / "archdesigner.svg").read_bytes()


def test_gen_icons_reports_a_missing_icon_in_one_line(tmp_path: Path) -> None:
    result = _run([sys.executable, PACKAGING / "gen_icons.py", "--svg", tmp_path / "no.svg"])
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "no.svg" in result.stderr


def test_install_desktop_registers_menu_entry_icons_and_file_type(tmp_path: Path) -> None:
    stage = tmp_path / "stage"
    result = _run([PACKAGING / "stage_desktop.sh", stage, sys.executable])
    assert result.returncode == 0, result.stderr
    fake = tmp_path / "my apps" / "archdesigner"  # a path with a space must survive quoting
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\n", encoding="utf-8")
    fake.chmod(0o755)
    prefix = tmp_path / "share"
    result = _run([stage / "install-desktop.sh", "--prefix", prefix, "--exec", fake])
    assert result.returncode == 0, result.stderr
    desktop = prefix / "applications" / f"{APP_ID}.desktop"
    exec_line = next(
        line
        for line in desktop.read_text(encoding="utf-8").splitlines()
        if line.startswith("Exec=")
    )
    assert shlex.split(exec_line.removeprefix("Exec=")) == [str(fake), "%f"]
    assert (prefix / "icons" / "hicolor" / "48x48" / "apps" / f"{APP_ID}.png").is_file()
    assert (prefix / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    if shutil.which("desktop-file-validate"):
        check = _run(["desktop-file-validate", desktop])
        assert check.returncode == 0, check.stdout
    if shutil.which("update-mime-database") and shutil.which("gio"):
        design = tmp_path / "shop.arch.json"
        shutil.copyfile(EXAMPLES[0], design)
        no_suffix = tmp_path / "shop-design"
        shutil.copyfile(EXAMPLES[0], no_suffix)
        env = {**os.environ, "XDG_DATA_HOME": str(prefix), "XDG_DATA_DIRS": "/usr/share"}
        for path in (design, no_suffix):
            info = _run(["gio", "info", "-a", "standard::content-type", path], env=env)
            assert "application/vnd.archdesigner.design+json" in info.stdout, info.stdout
    result = _run([stage / "install-desktop.sh", "--prefix", prefix, "--uninstall"])
    assert result.returncode == 0, result.stderr
    assert not desktop.exists()
    assert not list((prefix / "icons").rglob(f"{APP_ID}.*"))


@pytest.mark.slow
@pytest.mark.gui
def test_opening_designs_from_the_desktop_shows_a_window_for_each(tmp_path: Path) -> None:
    """What a file manager does on "Open with archdesigner" for two selected designs: launch
    the installed menu entry with both files (gio launch), on a real X server (Xvfb)."""
    tools = ("xvfb-run", "xwininfo", "gio", "update-mime-database")
    if missing := [t for t in tools if not shutil.which(t)]:
        pytest.skip(f"needs {', '.join(missing)}")
    stage, prefix = tmp_path / "stage", tmp_path / "share"
    assert _run([PACKAGING / "stage_desktop.sh", stage, sys.executable]).returncode == 0
    # the menu entry starts this wrapper, which notes the app's process id for clean-up
    pids = tmp_path / "pids"
    wrapper = tmp_path / "archdesigner"
    app = Path(sys.executable).parent / "archdesigner"
    wrapper.write_text(f'#!/bin/sh\necho $$ >> "{pids}"\nexec "{app}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    result = _run([stage / "install-desktop.sh", "--prefix", prefix, "--exec", wrapper])
    assert result.returncode == 0, result.stderr
    designs = [BAD_EXAMPLE, CLEAN_EXAMPLE]
    script = tmp_path / "open.sh"
    script.write_text(
        "#!/bin/sh\n"
        f'gio launch "{prefix}/applications/{APP_ID}.desktop" '
        + " ".join(f'"{d}"' for d in designs)
        # wait for each file's title, not just for two windows: a window shows its file's
        # name only once the file has loaded
        + "\nfor i in $(seq 360); do\n"
        "  t=$(xwininfo -root -tree | grep '(\"archdesigner\"' | grep -v ' 1x1+')\n"
        "  if true"
        + "".join(f" && echo \"$t\" | grep -qF '{d.name}'" for d in designs)
        + "; then break; fi\n"
        "  sleep 0.5\n"
        "done\n"
        "xwininfo -root -tree | grep '(\"archdesigner\"' | grep -v ' 1x1+'\n"
        f'for pid in $(cat "{pids}" 2>/dev/null); do kill $pid 2>/dev/null; done\n'
        "sleep 1\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env.update(XDG_DATA_HOME=str(prefix), XDG_CONFIG_HOME=str(tmp_path / "config"))
    try:
        # -noreset: Xvfb otherwise resets whenever its last client leaves (each xwininfo
        # poll before the apps connect), and an app connecting during a reset fails with
        # "could not connect to display" (1 run in 50 here)
        result = _run(["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24 -noreset", script], env=env)
    finally:
        for pid in pids.read_text().split() if pids.exists() else []:
            cmdline = Path(f"/proc/{pid}/cmdline")  # only our app, never a recycled id
            with contextlib.suppress(OSError):
                if "archdesigner" in cmdline.read_text(errors="replace"):
                    os.kill(int(pid), signal.SIGKILL)
    titles = result.stdout
    for design in designs:
        assert design.name in titles, f"no window for {design.name}:\n{titles}{result.stderr}"


def test_install_desktop_refuses_a_missing_program(tmp_path: Path) -> None:
    stage = tmp_path / "stage"
    assert _run([PACKAGING / "stage_desktop.sh", stage, sys.executable]).returncode == 0
    result = _run(
        [stage / "install-desktop.sh", "--prefix", tmp_path / "p", "--exec", tmp_path / "nope"]
    )
    assert result.returncode == 2
    assert "nope" in result.stderr and not (tmp_path / "p" / "applications").exists()


# --- CI integrations -----------------------------------------------------------------------


def _parses(argv: list[str], where: str) -> None:
    """argv (without the program name) is a valid archdesigner command line."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        raise AssertionError(f"{where}: 'archdesigner {shlex.join(argv)}' does not parse") from exc
    assert getattr(args, "_run", None), f"{where}: {argv} names no command"


def test_pre_commit_hooks_run_real_commands_on_design_files() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    by_id = {h["id"]: h for h in hooks}
    assert {"archdesigner-lint", "archdesigner-validate"} <= set(by_id)
    for hook in hooks:
        assert hook["language"] == "python"
        files = re.compile(hook["files"])
        assert files.search("designs/shop.arch.json")
        assert not files.search("package.json") and not files.search("x.arch.json.bak")
        entry = shlex.split(hook["entry"])
        assert entry[0] == "archdesigner"
        _parses([*entry[1:], *hook.get("args", []), "a.arch.json", "b.arch.json"], hook["id"])
    lint = by_id["archdesigner-lint"]
    assert shlex.split(lint["entry"])[1] == "lint" and "--fail-on" in lint["args"]


def _workflow_commands(path: Path) -> list[list[str]]:
    """The archdesigner command lines of a workflow's run steps, shell variables kept."""
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    commands = []
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            for line in step.get("run", "").splitlines():
                line = line.strip()
                if line.startswith("archdesigner "):
                    commands.append(shlex.split(line))
    return commands


WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_example_workflow_commands_parse_and_are_documented(path: Path) -> None:
    commands = _workflow_commands(path)
    assert commands, f"{path.name} runs no archdesigner command"
    for argv in commands:
        _parses(argv[1:], path.name)
    guide = (ROOT / "docs" / "ci-integration.md").read_text(encoding="utf-8")
    assert path.read_text(encoding="utf-8") in guide, (
        f"docs/ci-integration.md must quote .github/workflows/{path.name} exactly"
    )


def test_lint_workflow_uploads_the_sarif_that_lint_writes() -> None:
    path = ROOT / ".github" / "workflows" / "archdesigner-lint.yml"
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["lint"]["steps"]
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload"))
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    (lint,) = [c for c in _workflow_commands(path) if c[1] == "lint"]
    args = build_parser().parse_args(lint[1:])
    assert args.format == "sarif" and args.output == upload["with"]["sarif_file"]
    assert workflow["permissions"]["security-events"] == "write"


def test_diagram_workflow_exports_svg() -> None:
    path = ROOT / ".github" / "workflows" / "archdesigner-diagrams.yml"
    (export,) = [c for c in _workflow_commands(path) if c[1] == "export"]
    assert build_parser().parse_args(export[1:]).to == "svg"


@pytest.mark.slow
# two pre-commit runs of up to 600 s each (a fresh environment installs the package and its
# dependencies, matplotlib included); the suite-wide 300 s limit cut it off on a busy machine
@pytest.mark.timeout(1300)
def test_pre_commit_try_repo_runs_the_linter(tmp_path: Path) -> None:
    """The documented check: `pre-commit try-repo . archdesigner-lint --files ...`. A design
    with error findings fails the hook (that is the hook working); a clean one passes."""
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    pre_commit = Path(sys.executable).parent / "pre-commit"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    bad = BAD_EXAMPLE.relative_to(ROOT)
    good = CLEAN_EXAMPLE.relative_to(ROOT)
    cmd = [pre_commit, "try-repo", ".", "archdesigner-lint", "--color", "never", "--files"]
    failed = _run([*cmd, bad, good], cwd=ROOT, env=env, timeout=600)
    out = failed.stdout + failed.stderr
    assert failed.returncode == 1, out
    assert re.search(r"archdesigner lint\.+Failed", out), out
    assert re.search(r"\berror\s+[A-Z]{3}\d{3}\b", out), out  # the linter's findings are shown
    assert str(bad) in out
    passed = _run([*cmd, good], cwd=ROOT, env=env, timeout=600)
    out = passed.stdout + passed.stderr
    assert passed.returncode == 0, out
    assert re.search(r"archdesigner lint\.+Passed", out), out


# --- the wheel and the sdist -----------------------------------------------------------------


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """`python -m build`: the sdist, then the wheel built from that sdist."""
    out = tmp_path_factory.mktemp("dist")
    result = _run([sys.executable, "-m", "build", "--outdir", out, ROOT], timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (wheel,) = out.glob("archdesigner-*.whl")
    (sdist,) = out.glob("archdesigner-*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


@pytest.mark.slow
def test_wheel_carries_resources_entry_points_and_version(dists: dict[str, Path]) -> None:
    with zipfile.ZipFile(dists["wheel"]) as zf:
        names = set(zf.namelist())
        dist_info = f"archdesigner-{archdesigner.__version__}.dist-info"
        entry_points = zf.read(f"{dist_info}/entry_points.txt").decode()
        metadata = zf.read(f"{dist_info}/METADATA").decode()
    for path in sorted((ROOT / "resources").rglob("*")):
        if path.is_file():
            rel = path.relative_to(ROOT / "resources").as_posix()
            assert f"archdesigner/resources/{rel}" in names, f"resources/{rel} not in the wheel"
    assert "archdesigner/cli/commands/lint.py" in names
    assert not any(n.startswith(("tests/", "packaging/", "resources/")) for n in names)
    assert f"Version: {archdesigner.__version__}\n" in metadata
    for group in ("archdesigner.rules", "archdesigner.exporters", "archdesigner.importers"):
        assert f"[{group}]" in entry_points
    assert "archdesigner = archdesigner.cli:run" in entry_points


@pytest.mark.slow
def test_sdist_carries_what_builds_and_tests_the_project(dists: dict[str, Path]) -> None:
    import tarfile

    with tarfile.open(dists["sdist"]) as tf:
        names = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    for must in (
        "pyproject.toml",
        "resources/icons/archdesigner.svg",
        "packaging/archdesigner.spec",
        f"packaging/linux/{APP_ID}.desktop",
        "tools/gen_cli_docs.py",
        ".pre-commit-hooks.yaml",
        "docs/cli.md",
    ):
        assert must in names, f"{must} missing from the sdist"
    assert not any(n.startswith(("packaging/build/", "packaging/dist/", ".venv/")) for n in names)


def _dependency_dir(target: Path) -> Path:
    """A folder of links to the third-party packages of the running environment, without
    archdesigner itself and without editable installs, so that a fresh venv can reuse them
    (PySide6 is 250 MB) while archdesigner can only come from the wheel."""
    site = Path(sysconfig.get_paths()["purelib"])
    target.mkdir()
    editable: set[str] = set()
    for info in site.glob("*.dist-info"):
        direct = info / "direct_url.json"
        if direct.is_file() and json.loads(direct.read_text()).get("dir_info", {}).get("editable"):
            editable.add(info.name)
    for entry in site.iterdir():
        name = entry.name
        if (
            name.lower().startswith(("archdesigner", "_editable", "__editable__"))
            or name.endswith(".pth")
            or name in editable
            or name == "__pycache__"
        ):
            continue
        (target / name).symlink_to(entry)
    return target


@pytest.fixture(scope="module")
def installed(dists: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment (outside the source tree) with the wheel installed; returns
    its bin folder."""
    base = tmp_path_factory.mktemp("venv")
    venv = base / "venv"
    result = _run([sys.executable, "-m", "venv", "--without-pip", venv])
    assert result.returncode == 0, result.stderr
    py = venv / "bin" / "python"
    purelib = _run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    deps = _dependency_dir(base / "deps")
    (Path(purelib.stdout.strip()) / "_archdesigner_test_deps.pth").write_text(f"{deps}\n")
    result = _run(
        [sys.executable, "-m", "pip", "--python", py, "install", "--no-deps", "--no-index",
         "--no-compile", dists["wheel"]]
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return venv / "bin"


def _clean_env(bin_dir: Path) -> dict[str, str]:
    keep = ("HOME", "LANG", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "TMPDIR")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env["PATH"] = f"{bin_dir}:/usr/local/bin:/usr/bin:/bin"
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["ARCHDESIGNER_PLUGIN_DIR"] = os.environ.get("ARCHDESIGNER_PLUGIN_DIR", "")
    return env


@pytest.mark.slow
def test_installed_wheel_runs_from_a_fresh_environment(installed: Path, tmp_path: Path) -> None:
    env = _clean_env(installed)

    def run(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return _run(args, env=env, cwd=tmp_path, timeout=timeout)

    probe = run(
        installed / "python",
        "-c",
        "import archdesigner, archdesigner.resources as r; from importlib.metadata import "
        "distribution as d; print(archdesigner.__file__); print(r.resources_dir()); "
        "print(len(r.example_paths())); print(d('archdesigner')._path)",
    )
    assert probe.returncode == 0, probe.stderr
    module, resources, n_examples, dist_path = probe.stdout.split("\n")[:4]
    venv = installed.parent.resolve()
    for where in (module, resources, dist_path):
        assert Path(where).resolve().is_relative_to(venv), f"{where} is not from the new venv"
    assert Path(resources).name == "resources" and Path(resources).parent.name == "archdesigner"
    assert int(n_examples) == len(EXAMPLES)

    version = run("archdesigner", "--version")
    assert version.stdout.strip() == f"archdesigner {archdesigner.__version__}"
    as_module = run(installed / "python", "-m", "archdesigner", "--version")
    assert as_module.stdout == version.stdout
    assert (installed / "archdesigner-gui").is_file()  # the GUI entry point for launchers

    rules = run("archdesigner", "rules")
    assert rules.returncode == 0, rules.stderr
    assert "SPF001" in rules.stdout and "RES001" in rules.stdout

    design = Path(resources) / "examples" / BAD_EXAMPLE.name
    lint = run("archdesigner", "lint", design, "--format", "sarif")
    assert lint.returncode == 1, lint.stderr
    assert json.loads(lint.stdout)["version"] == "2.1.0"
    clean = run("archdesigner", "lint", CLEAN_EXAMPLE)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    copy = tmp_path / "shop.arch.json"
    made = run(
        "archdesigner", "new", copy, "--template", EXAMPLES[0].name.removesuffix(".arch.json")
    )
    assert made.returncode == 0, made.stderr
    assert load_design(copy) == load_design(EXAMPLES[0]).model_copy(
        update={"name": load_design(copy).name}
    )
    mermaid = run("archdesigner", "export", copy, "--to", "mermaid")
    assert mermaid.returncode == 0 and "flowchart" in mermaid.stdout, mermaid.stderr
    shot = tmp_path / "shot.png"
    render = run("archdesigner", "render", copy, "-o", shot, timeout=120)
    assert render.returncode == 0, render.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_installed_app_opens_a_design(installed: Path, tmp_path: Path) -> None:
    """`archdesigner FILE` from the wheel starts the desktop app (offscreen) and keeps running
    until it is closed."""
    proc = subprocess.Popen(
        [str(installed / "archdesigner"), str(EXAMPLES[0])],
        env=_clean_env(installed),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        assert proc.poll() is None, f"the app exited ({proc.returncode}): {proc.communicate()[1]}"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


# --- the PyInstaller bundle (opt-in: about a minute and 180 MB) -------------------------------


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("ARCHDESIGNER_TEST_BUNDLE") != "1",
    reason="builds the PyInstaller bundle; set ARCHDESIGNER_TEST_BUNDLE=1 to run",
)
def test_bundle_builds_and_its_commands_and_app_work() -> None:
    result = _run([PACKAGING / "build_bundle.sh"], cwd=ROOT, timeout=900)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    assert "smoke: all checks passed" in out, out[-4000:]
    for check in ("lint (exit", "render -o shot.png", "app starts offscreen", "export --to svg"):
        assert f"smoke: ok   {check}" in out, f"smoke check '{check}' did not run:\n{out[-4000:]}"
