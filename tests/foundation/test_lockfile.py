"""requirements.lock pins every dependency pyproject.toml declares, with hashes (issue #22: reproducible installs).

`make` installs from the lock with `--require-hashes`; a dependency added to pyproject.toml without `make lock`
would be missing from it and break a fresh install, so this test says so first.
"""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(line) for line in [*project["dependencies"], *project["optional-dependencies"]["dev"]]]


def _locked() -> dict[str, tuple[str, int]]:
    """name -> (pinned version, number of hashes)."""
    text = (ROOT / "requirements.lock").read_text()
    locked = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = re.match(r"([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s\\;]+)", block)
        if match:
            locked[canonicalize_name(match.group(1))] = (match.group(2), block.count("--hash=sha256:"))
    return locked


def test_every_declared_dependency_is_pinned_with_hashes_in_a_version_pyproject_allows():
    locked = _locked()
    for requirement in _declared():
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement.name} is in pyproject.toml but not in requirements.lock: run `make lock`"
        version, hashes = locked[name]
        assert hashes, f"{requirement.name} has no hash in requirements.lock"
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements.lock pins {requirement.name}=={version}, outside {requirement.specifier}: run `make lock`"
        )


def test_every_locked_package_carries_a_hash():
    assert all(hashes for _, hashes in _locked().values())
