"""Where wheels come from: local directories (``--find-links``, ``wheels/``) and PEP 503 pages.

Every source yields :class:`Link` rows (file name, URL, sha256 from the ``#sha256=``
fragment, ``data-requires-python``, ``data-yanked``); choosing among them is
``resolve.py``'s job.  ``file://`` and ``http(s)://`` indexes are read the same way.
"""
from __future__ import annotations

import os
import urllib.parse
from pathlib import Path
from typing import Iterable, List, NamedTuple, Optional

from . import safefile

PROJECT = "hip-python"
# PyPI's hip-python is AMD's (ROCm-keyed versions): read only for --amd, never by default. This
# project's wheels are on the index its build writes (wheels/simple) or the workflow publishes.
PYPI = "https://pypi.org/simple"
TIMEOUT = 30.0


class IndexUnavailable(OSError):
    """An index page or find-links location could not be read; the message names it."""


class Link(NamedTuple):
    filename: str
    url: str
    sha256: Optional[str] = None
    requires_python: Optional[str] = None
    yanked: bool = False
    origin: str = ""          # the index / directory it came from, for messages


def _anchors(html: str) -> List[dict]:
    from html.parser import HTMLParser  # only pages need it; directories are listed without

    anchors: List[dict] = []

    class Anchors(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "a":
                anchors.append(dict(attrs))

    Anchors(convert_charrefs=True).feed(html)
    return anchors


def parse_links(html: str, base_url: str, origin: str = "") -> List[Link]:
    """The wheel links of one PEP 503 project page (pure)."""
    out = []
    for a in _anchors(html):
        href = a.get("href")
        if not href:
            continue
        url = urllib.parse.urljoin(base_url, href)
        url, _, frag = url.partition("#")
        name = urllib.parse.unquote(url.rsplit("/", 1)[-1])
        if not name.endswith(".whl"):
            continue
        sha = frag[len("sha256="):] if frag.startswith("sha256=") else None
        out.append(Link(name, url, sha, a.get("data-requires-python") or None,
                        "data-yanked" in a, origin or base_url))
    return out


def _file_path(url: str) -> str:
    # POSIX only (as is HIP): urllib.request.url2pathname without importing urllib.request,
    # which pulls in http.client and ssl (~15 ms) that a local index never needs
    return urllib.parse.unquote(urllib.parse.urlparse(url).path)


def _read_url(url: str) -> str:
    if url.startswith("file:"):
        try:
            path = _file_path(url)
            if os.path.isdir(path):
                path = os.path.join(path, "index.html")
            # a page in another encoding still has ASCII hrefs; a FIFO is refused, not waited on
            return safefile.read_text(path)
        except (OSError, ValueError) as e:
            raise IndexUnavailable(f"cannot read {url}: {getattr(e, 'strerror', None) or e}") from None
    from urllib.request import Request, urlopen  # http.client + ssl: only when an http index is used

    try:
        req = Request(url, headers={"Accept": "text/html"})
        with urlopen(req, timeout=TIMEOUT) as resp:  # noqa: S310 - user-given index
            return resp.read().decode(resp.headers.get_content_charset() or "utf-8", "replace")
    except Exception as e:  # URLError, HTTPError, timeouts, bad URLs: all "index unavailable"
        raise IndexUnavailable(f"cannot read {url}: {e}") from None


def from_index(index_url: str) -> List[Link]:
    """The ``hip-python`` project page of a PEP 503 index (``.../simple``)."""
    if "://" not in index_url:
        index_url = Path(index_url).resolve().as_uri()
    page = index_url.rstrip("/") + f"/{PROJECT}/"
    return parse_links(_read_url(page), page, origin=index_url)


def from_dir(path) -> List[Link]:
    """The wheels in a local directory (``--find-links DIR``, the project's ``wheels/``)."""
    d = Path(path)
    if not d.is_dir():
        raise IndexUnavailable(f"--find-links {str(path)!r} is not a directory")
    links = [Link(e.name, Path(e.path).resolve().as_uri(), origin=str(d))
             for e in os.scandir(d) if e.name.endswith(".whl") and e.is_file()]
    if not links:
        # a folder without wheels is a mistake, not "no wheel for this HIP": say what was expected
        hint = (f"; it is a PEP 503 index: pass --index-url {(d / 'hip-python').parent.resolve().as_uri()}"
                if (d / PROJECT / "index.html").is_file() else "")
        raise IndexUnavailable(f"--find-links {str(path)!r} holds no .whl file (expected the folder of "
                               f"the wheels themselves, e.g. the wheels/ that ./dev build makes){hint}")
    return links


def from_find_links(location: str) -> List[Link]:
    """A ``--find-links`` location: a directory, or an HTML page of links (file:// or http)."""
    if "://" not in location or location.startswith("file:"):
        path = location
        if location.startswith("file:"):
            path = _file_path(location)
        if os.path.isdir(path):
            return from_dir(path)
        if not os.path.exists(path):
            raise IndexUnavailable(f"--find-links {location!r} does not exist")
        if path.endswith(".whl"):   # one wheel file, as pip takes it
            return [Link(os.path.basename(path), Path(path).resolve().as_uri(), origin=location)]
        location = Path(path).resolve().as_uri()
    return parse_links(_read_url(location), location, origin=location)


def collect(index_urls: Iterable[str] = (), find_links: Iterable[str] = (), no_index: bool = False) -> List[Link]:
    """Every link of every source, in order; any unreadable source is an error (no silent fallback)."""
    links: List[Link] = []
    sources = [(from_index, u) for u in (() if no_index else index_urls)] + [(from_find_links, f) for f in find_links]
    for read, where in sources:
        try:
            links.extend(read(where))
        except (ValueError, UnicodeError) as e:   # a malformed URL or path: "[::1", a NUL byte
            raise IndexUnavailable(f"cannot read {where!r}: {e}") from None
    return links
