"""Fetching pinned Debian packages: an unreachable archive is not a pin the archive dropped."""
import pytest

from hip_bindgen import debian, releases


def test_an_unreachable_archive_says_so_and_sends_nobody_to_edit_the_pins(tmp_path, monkeypatch):
    monkeypatch.setenv("HIP_PYTHON_CACHE", str(tmp_path))          # empty cache: a fresh, offline machine
    monkeypatch.setattr(debian, "MIRROR", "http://127.0.0.1:9/debian")   # nothing listens on port 9
    pin = releases.find("5.2.3").debian["headers"]
    with pytest.raises(debian.ArchiveUnreachable) as e:
        debian.download(pin)
    msg = str(e.value)
    assert "cannot be reached" in msg and "127.0.0.1:9" in msg and "HIP_PYTHON_DEBIAN_MIRROR" in msg
    assert "releases.json" not in msg and "no longer served" not in msg


def test_a_version_the_archive_no_longer_serves_is_named_as_gone():
    pin = dict(releases.find("5.2.3").debian["headers"], version="5.2.3-0.0~gone")
    with pytest.raises(debian.PinGone) as e:
        debian.download(pin)   # takes the shared apt state's lock itself
    msg = str(e.value)
    assert "5.2.3-0.0~gone" in msg and "no longer served" in msg and "releases.json" in msg
    assert "serves: " in msg and "5.2.3-8" in msg.split("serves: ", 1)[1]   # what to pin instead
