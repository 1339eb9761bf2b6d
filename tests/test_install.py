"""The pinned environment is consistent: `pip check` clean, Python 3.10.13, Rasa 3.6.21."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ("requirements.txt", "requirements-dev.txt")
TEST_TOOLS = {"pytest", "pytest-timeout", "hypothesis", "playwright", "httpx"}


def key(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def pins(lock: str) -> dict:
    """name -> version of one lock file (`-r` includes and comments skipped)."""
    return dict(
        (key(line.split("==")[0]), line.split("==")[1].strip())
        for line in (ROOT / lock).read_text().splitlines()
        if line.strip() and not line.startswith(("#", "-r"))
    )


def test_pip_check_is_clean():
    result = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_python_and_rasa_versions():
    import rasa

    assert ".".join(map(str, sys.version_info[:3])) == (ROOT / ".python-version").read_text().strip()
    assert rasa.__version__ == "3.6.21"


def test_every_requirement_is_pinned_and_test_tools_stay_out_of_the_runtime_lock():
    for lock in LOCKS:
        lines = [
            line.strip()
            for line in (ROOT / lock).read_text().splitlines()
            if line.strip() and not line.startswith(("#", "-r"))
        ]
        assert lines and all("==" in line for line in lines), [line for line in lines if "==" not in line]
    assert not TEST_TOOLS & set(pins("requirements.txt"))
    assert TEST_TOOLS <= set(pins("requirements-dev.txt"))
    assert not set(pins("requirements.txt")) & set(pins("requirements-dev.txt"))


def test_no_console_package_below_the_fixed_version_of_a_known_advisory():
    """CVE-2024-47874 (starlette < 0.40.0: multipart form fields without a size limit) and
    CVE-2024-53981 (python-multipart < 0.0.18: CPU exhaustion on crafted boundaries), both reachable
    from the console's unauthenticated POST /login."""
    from packaging.version import Version

    locked = pins("requirements.txt")
    assert Version(locked["starlette"]) >= Version("0.40.0")
    assert Version(locked["python-multipart"]) >= Version("0.0.18")


def test_the_installed_packages_are_the_locked_ones_setuptools_and_wheel_included():
    """A package the lock does not name, or at another version, means `make install` is not what
    runs; setuptools matters most: Rasa 3.6 imports its pkg_resources, removed in setuptools 82."""
    from importlib import metadata

    locked = {**pins("requirements.txt"), **pins("requirements-dev.txt")}
    assert {"setuptools", "wheel"} <= set(locked)
    installed = {key(d.metadata["Name"]): d.version for d in metadata.distributions()}
    differ = {
        name: (version, installed.get(name)) for name, version in locked.items() if installed.get(name) != version
    }
    assert not differ, differ
    import pkg_resources  # noqa: F401  (Rasa needs it)


def test_one_pip_version_everywhere_past_its_advisory():
    """make install and both images use the same pip, past CVE-2025-8869 (pip < 25.3: a crafted
    sdist's tar symlinks could write outside the build directory); it is the pip that runs here."""
    import re

    from packaging.version import Version

    found = {
        path: re.findall(r"pip==([0-9.]+)", (ROOT / path).read_text())
        for path in ("Makefile", "deploy/Dockerfile", "deploy/Dockerfile.actions")
    }
    versions = {v for vs in found.values() for v in vs}
    assert len(versions) == 1 and all(found.values()), found
    (version,) = versions
    assert Version(version) >= Version("25.3")
    from importlib import metadata

    assert metadata.version("pip") == version
