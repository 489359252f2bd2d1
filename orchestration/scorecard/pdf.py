"""The scorecard as a printable PDF, written beside the HTML by headless Chromium.

Offline by construction: the page loads nothing (strict Content-Security-Policy) and Chromium
runs with every background connection switched off, in a throwaway profile. Chromium is an
optional system package (Debian: `apt-get install chromium`); without it the PDF is skipped
and the reason returned, never an error: the HTML page is the scorecard, the PDF a print of it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
OFFLINE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-pdf-header-footer",
)
TIMEOUT_SECONDS = 120


def find_browser() -> str | None:
    """The Chromium to print with: $EMPATHY_CHROMIUM, else the first one on PATH."""
    configured = os.environ.get("EMPATHY_CHROMIUM")
    if configured:
        return shutil.which(configured)
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def write_pdf(html: Path) -> tuple[Path | None, str | None]:
    """Print `html` to the PDF beside it; returns (path, None) or (None, why not)."""
    browser = find_browser()
    if browser is None:
        return None, "no Chromium found (install it: apt-get install chromium)"
    pdf = html.with_suffix(".pdf")
    temporary = pdf.with_name(f".{pdf.name}.tmp")
    with tempfile.TemporaryDirectory(prefix="scorecard-pdf-") as profile:
        result = subprocess.run(
            [
                browser,
                *OFFLINE_FLAGS,
                f"--user-data-dir={profile}",
                f"--print-to-pdf={temporary}",
                html.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    if result.returncode != 0 or not temporary.exists() or temporary.stat().st_size == 0:
        temporary.unlink(missing_ok=True)
        return None, f"Chromium could not print the page (exit {result.returncode})"
    os.replace(temporary, pdf)
    return pdf, None
