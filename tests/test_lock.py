"""The lock files in requirements/ pin a release of everything pyproject.toml asks for.

(``pip install --require-hashes`` refuses a pin without a hash, so ``make install`` checks those.)
"""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\$", re.MULTILINE)


def pins(lock: Path) -> dict[str, str]:
    return {canonicalize_name(name): version for name, version in PIN.findall(lock.read_text())}


def unmet(wanted: list[str], pinned: dict[str, str]) -> list[str]:
    """The requirements that no pin in the lock satisfies."""
    missing = []
    for line in wanted:
        requirement = Requirement(line)
        version = pinned.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            missing.append(f"{line} (locked: {version})")
    return missing


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
EXTRAS = PROJECT["optional-dependencies"]


@pytest.mark.parametrize(
    "lock,extras", [("requirements/dev.txt", ["dev"]), ("requirements/bench.txt", ["dev", "bench"])]
)
def test_lock_satisfies_pyproject(lock, extras):
    wanted = PROJECT["dependencies"] + [r for extra in extras for r in EXTRAS[extra]]
    assert unmet(wanted, pins(ROOT / lock)) == [], f"run `make lock LOCK_UPGRADE=` ({lock})"


def test_a_requirement_the_lock_does_not_satisfy_is_reported():
    assert unmet(["Django>=6.1,<6.2", "ruff"], {"django": "6.0.4"}) == [
        "Django>=6.1,<6.2 (locked: 6.0.4)",
        "ruff (locked: None)",
    ]
