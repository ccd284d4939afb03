"""Wheel versions from git history: N on main, .devM off it; dirty and shallow trees refused."""
import subprocess

import pytest

from hip_build import gitversion


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin"})


@pytest.fixture
def repo(tmp_path):
    r = tmp_path / "r"
    r.mkdir()
    git(r, "init", "-q", "-b", "main")
    for i in range(3):
        (r / "f").write_text(str(i))
        git(r, "add", "f")
        git(r, "commit", "-q", "-m", str(i))
    return r


def test_main_counts_commits(repo):
    assert gitversion.revision(repo).version("5.2.21153") == "5.2.21153.3"


def test_branch_is_a_dev_release(repo):
    git(repo, "checkout", "-q", "-b", "feature", "HEAD~1")
    for i in range(2):
        (repo / "g").write_text(str(i))
        git(repo, "add", "g")
        git(repo, "commit", "-q", "-m", f"b{i}")
    assert gitversion.revision(repo).version("6.4.43484") == "6.4.43484.2.dev2"


def test_dirty_tree_is_refused_or_marked(repo):
    (repo / "f").write_text("changed")
    with pytest.raises(gitversion.VersionError, match="uncommitted changes"):
        gitversion.revision(repo)
    assert gitversion.revision(repo, allow_dirty=True).version("5.2.21153") == "5.2.21153.3+dirty"


def test_shallow_clone_is_refused(repo, tmp_path):
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", repo.as_uri(), str(clone))
    with pytest.raises(gitversion.VersionError, match="shallow clone"):
        gitversion.revision(clone)


def test_not_a_checkout(tmp_path):
    with pytest.raises(gitversion.VersionError, match="not a git checkout"):
        gitversion.revision(tmp_path)


@pytest.mark.parametrize("rev", [gitversion.Revision(3, None, False), gitversion.Revision(3, 2, False),
                                 gitversion.Revision(41, 7, True), gitversion.Revision(5, None, True)])
def test_a_revision_given_on_the_command_line_reads_back(rev):
    """build_matrix.py --revision (a chroot build has no history): str() and parse() are inverses."""
    assert gitversion.parse(str(rev)) == rev
    assert gitversion.parse(str(rev)).version("6.4.43484") == rev.version("6.4.43484")


@pytest.mark.parametrize("text", ["", "3.", "dev2", "3.dev", "3+clean", "3.dev2.dirty", "-1"])
def test_a_malformed_revision_is_refused(text):
    with pytest.raises(gitversion.VersionError, match="N.devM"):
        gitversion.parse(text)
