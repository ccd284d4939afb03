"""Fixtures for the resolver: real Debian HIP trees (network on first use, then cached)."""
from __future__ import annotations

from pathlib import Path

import pytest

from resolver_helpers import Cli


@pytest.fixture(scope="session")
def tree_523() -> Path:
    """``usr`` of the real bookworm 5.2.3 runtime + hipcc (Perl hipconfig). Network on first use."""
    from hip_bindgen import debian
    return debian.runtime("5.2.3")


@pytest.fixture(scope="session")
def tree_571() -> Path:
    """``usr`` of trixie's real hipcc 5.7.1 (Perl hipconfig) + headers. Network on first use."""
    from hip_bindgen import debian, releases
    deb = releases.find("5.7.1").debian
    return debian.extract([deb["hipcc"], deb["headers"]], "hipcc-5.7.31921") / "usr"


@pytest.fixture(scope="session")
def cli() -> Cli:
    return Cli()
