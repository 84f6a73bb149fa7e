"""Installs do not drift: what `make setup` installs is pinned, with hashes, in requirements/.

pyproject.toml names the ranges the code works with; the lock files name the one version of
everything that was tested. These tests fail when the two part (a dependency added to
pyproject.toml without `make lock`), or when this environment runs other versions.
"""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
# lock file -> the pyproject extras it holds
LOCKS = {"base.lock": [], "dev.lock": ["dev"], "bench.lock": ["dev", "bench"]}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def pins(name):
    """{package: (version, number of hashes)} of a lock file."""
    found = {}
    current = None
    for line in (ROOT / "requirements" / name).read_text().splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match.group(1))
            found[current] = [match.group(2), 0]
        elif current and "--hash=sha256:" in line:
            found[current][1] += 1
        elif line and not line.startswith((" ", "#")):
            current = None
    return {package: tuple(value) for package, value in found.items()}


def wanted(extras):
    project = PYPROJECT["project"]
    names = project["dependencies"] + [
        each for extra in extras for each in project["optional-dependencies"][extra]
    ]
    return [Requirement(each) for each in names]


@pytest.mark.parametrize("lock", LOCKS)
def test_every_dependency_is_pinned_within_its_range_with_hashes(lock):
    pinned = pins(lock)
    assert pinned, lock
    for requirement in wanted(LOCKS[lock]):
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is not in {lock}: run `make lock`"
        version, hashes = pinned[name]
        assert requirement.specifier.contains(version, prereleases=True), (name, version)
    assert all(hashes for _version, hashes in pinned.values()), lock
    assert "django-ipware" in pinned  # the client's address behind a proxy


def test_the_locks_agree_and_each_holds_the_one_before():
    base, dev, bench = (pins(lock) for lock in LOCKS)
    assert base.keys() <= dev.keys() <= bench.keys()
    for package, (version, _hashes) in dev.items():
        assert bench[package][0] == version, package
    for package, (version, _hashes) in base.items():
        assert dev[package][0] == version, package


def test_the_lock_files_name_no_machine_of_ours():
    for lock in LOCKS:
        text = (ROOT / "requirements" / lock).read_text()
        assert "--index-url" not in text and "--find-links" not in text and "file:" not in text


def test_what_runs_the_tests_is_what_is_locked():
    """Every package of dev.lock that is installed here has the locked version."""
    differ = {}
    for package, (version, _hashes) in pins("dev.lock").items():
        try:
            installed = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
        if installed != version:
            differ[package] = (installed, version)
    assert not differ, f"installed vs locked: {differ}; run `make setup`"


def test_make_setup_installs_from_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    stamp = re.search(r"^\$\(STAMP\): (.*)$", makefile, re.M).group(1)
    assert "$(LOCK)" in stamp.split()
    assert re.search(r"^LOCK := requirements/dev.lock$", makefile, re.M)
    assert "--require-hashes" in makefile
    assert '-e ".[dev]"' not in makefile  # no install from the ranges
