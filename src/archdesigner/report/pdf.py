"""PDF through the same HTML: headless Chromium prints the report page on A4.

Chromium is a system package (Debian/Ubuntu: ``apt-get install chromium``; scripts/bootstrap.sh
installs it). The page has no script and no external reference, so printing needs no network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
INSTALL_HINT = (
    "PDF reports are printed by headless Chromium: install it (Debian/Ubuntu: apt-get install "
    "chromium; Fedora: dnf install chromium; macOS: brew install --cask chromium), set "
    "ARCHDESIGNER_CHROMIUM to its path, or write HTML and print it from any browser"
)


class PdfError(RuntimeError):
    """The PDF could not be made; the message says why and what to do."""


def find_browser() -> str:
    """The Chromium (or Chrome) program: ``ARCHDESIGNER_CHROMIUM`` or the first on PATH."""
    given = os.environ.get("ARCHDESIGNER_CHROMIUM", "").strip()
    if given:
        found = shutil.which(given)
        if found is None:
            raise PdfError(f"ARCHDESIGNER_CHROMIUM={given!r} is not a program; {INSTALL_HINT}")
        return found
    for name in BROWSERS:
        found = shutil.which(name)
        if found is not None:
            return found
    raise PdfError(f"no Chromium found on PATH; {INSTALL_HINT}")


def browser_command(browser: str, profile: Path, *args: str) -> list[str]:
    """A headless Chromium command line with a private profile folder (two runs at once do
    not share one) and no sandbox when running as root (Chromium refuses otherwise)."""
    cmd = [browser, "--headless", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
           "--disable-extensions", f"--user-data-dir={profile}"]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--no-sandbox")
    return [*cmd, *args]


def html_to_pdf(html: str, *, timeout: float = 90.0) -> bytes:
    """Prints ``html`` to PDF (A4, as the page's ``@page`` rule says, no header or footer)."""
    browser = find_browser()
    with tempfile.TemporaryDirectory(prefix="archdesigner-pdf-") as tmp:
        folder = Path(tmp)
        page = folder / "report.html"
        out = folder / "report.pdf"
        page.write_text(html, encoding="utf-8")
        cmd = browser_command(
            browser,
            folder / "profile",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            page.as_uri(),
        )
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise PdfError(f"Chromium did not print the report within {timeout:g} s") from None
        except OSError as exc:
            raise PdfError(f"cannot run {browser}: {exc}") from None
        if not out.is_file() or out.stat().st_size == 0:
            err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            why = err[-1] if err else f"exit {proc.returncode}"
            raise PdfError(f"Chromium could not print the report: {why}")
        return out.read_bytes()


def screenshot(html_path: Path, png_path: Path, *, width: int = 1240, height: int = 3000,
               dark: bool = False, timeout: float = 90.0) -> None:  # fmt: skip
    """A PNG of the page as a browser shows it (for the documentation's pictures)."""
    browser = find_browser()
    with tempfile.TemporaryDirectory(prefix="archdesigner-shot-") as tmp:
        extra = ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"] if dark else []
        cmd = browser_command(
            browser,
            Path(tmp) / "profile",
            *extra,
            f"--window-size={width},{height}",
            f"--screenshot={png_path.resolve()}",
            html_path.resolve().as_uri(),
        )
        subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    if not png_path.is_file():
        raise PdfError(f"Chromium made no screenshot of {html_path}")
