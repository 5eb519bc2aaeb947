"""Where the files ``qemlflow-lint init`` writes install qemlflow-lint from
(``init --install-from``).

By default the tox environment, the pre-commit hooks and the workflow install the running
version from the package index (``qemlflow-lint==VERSION``). ``--install-from`` takes instead
a pip requirement naming qemlflow-lint (``qemlflow-lint>=0.1``, ``qemlflow-lint @ URL``), a URL
pip installs from (``git+https://github.com/ORG/qemlflow-lint@v0.1.0``), or a path to a
checkout, a wheel or a source archive. Every generated file then names the same source, with
the ``flake8`` extra where flake8 runs too.

A path is interpreted from the working directory, like any path on the command line, and
written relative to the project root when it was given relative (tox resolves it from
``tox.ini``'s folder, and CI runs from the checkout's root); pre-commit installs its hooks'
dependencies from a folder of its own, so it gets the absolute path.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import NamedTuple
from urllib.parse import unquote, urlparse

from qemlflow_lint import __version__

#: The distribution's name, and the same normalised as pip compares names.
DISTRIBUTION = "qemlflow-lint"
#: What a path must end with when it is a file: a wheel or a source archive.
ARCHIVES = (".whl", ".tar.gz", ".zip")

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_URL = re.compile(_SCHEME.pattern + r"\S+$")
_REQUIREMENT = re.compile(
    r"^(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)"
    r"(?:[ \t]*\[(?P<extras>[^\[\]]*)\])?(?P<space>[ \t]*)(?P<rest>.*)$"
)
#: The characters a path may have: each tool reads it without quoting or escapes.
_PATH_CHARACTERS = re.compile(r"^[\w./:+@=,~%-]+$")


class InstallSourceError(ValueError):
    """An ``--install-from`` value that names no installable qemlflow-lint; the message says
    why."""


class InstallSource(NamedTuple):
    """Where qemlflow-lint is installed from, and how each generated file names it."""

    #: ``index``, ``requirement``, ``url`` or ``path``.
    kind: str
    #: The requirement (``index``, ``requirement``), the URL, or the path as written in the
    #: files: relative to the project root (``/``-separated) or absolute, as it was given.
    text: str
    #: A path's absolute form (pre-commit's), else empty.
    absolute: str = ""

    def requirement(self, flake8: bool = False, absolute: bool = False) -> str:
        """What pip installs: with the ``flake8`` extra when ``flake8``; a path absolute when
        ``absolute``."""
        if self.kind == "path":
            path = self.absolute if absolute else self.text
            return f"{path}[flake8]" if flake8 else path
        if self.kind == "url":
            return f"{DISTRIBUTION}{'[flake8]' if flake8 else ''} @ {self.text}"
        return with_flake8_extra(self.text) if flake8 else self.text

    @property
    def in_checkout(self) -> bool:
        """False for a path that a checkout of the project does not have (an absolute path or
        one outside the project root): CI cannot install from it."""
        return self.kind != "path" or not (os.path.isabs(self.text) or self.text.startswith("../"))


#: The default: the running version from the package index.
INDEX = InstallSource("index", f"{DISTRIBUTION}=={__version__}")


def normalised_name(name: str) -> str:
    """A distribution name as pip compares it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def with_flake8_extra(requirement: str) -> str:
    """``requirement`` (one naming qemlflow-lint) with ``flake8`` among its extras."""
    match = _REQUIREMENT.match(requirement)
    assert match is not None, requirement
    extras = [extra.strip() for extra in (match["extras"] or "").split(",") if extra.strip()]
    if "flake8" not in (normalised_name(extra) for extra in extras):
        extras.append("flake8")
    return f"{match['name']}[{','.join(extras)}]{match['space']}{match['rest']}"


def _requirement(given: str) -> InstallSource | None:
    match = _REQUIREMENT.match(given)
    if match is None or normalised_name(match["name"]) != DISTRIBUTION:
        return None
    rest = match["rest"].strip()
    if rest.startswith("@"):
        if not _URL.match(rest[1:].strip().split(";")[0].strip()):
            return None
    elif rest and rest[0] not in "<>=!~;(":
        return None
    return InstallSource("requirement", given)


def _looks_like_a_path(given: str) -> bool:
    return (
        given.startswith((".", "~", os.sep, "/"))
        or "/" in given
        or os.sep in given
        or given.endswith(ARCHIVES)
    )


def _path(given: str, root: str, cwd: str) -> InstallSource:
    expanded = os.path.expanduser(given)
    absolute = os.path.normpath(os.path.join(cwd, expanded))
    if os.path.isdir(absolute):
        if not any(os.path.isfile(os.path.join(absolute, name)) for name in ("pyproject.toml", "setup.py")):
            raise InstallSourceError(
                f"{given}: not a project folder to install from (no pyproject.toml or setup.py)"
            )
    elif not absolute.endswith(ARCHIVES):
        raise InstallSourceError(f"{given}: not a wheel or a source archive ({', '.join(ARCHIVES)})")
    if os.path.isabs(expanded):
        written = absolute
    else:
        written = os.path.relpath(absolute, os.path.abspath(root)).replace(os.sep, "/")
        if "/" not in written:
            written = "./" + written  # pip reads a bare name as a distribution's
    if not _PATH_CHARACTERS.match(written):
        raise InstallSourceError(
            f"{given}: init writes this path into tox.ini, YAML and a shell command unquoted; "
            "use a path without spaces, quotes or other special characters"
        )
    return InstallSource("path", written, absolute)


def parse_source(given: str | None, root: str, cwd: str | None = None) -> InstallSource:
    """The source that ``--install-from given`` names for the project in ``root``
    (:data:`INDEX` when ``given`` is ``None``); a relative path is read from ``cwd`` (the
    working directory). A value that names nothing installable is a :class:`InstallSourceError`."""
    if given is None or given.strip() == "index":
        return INDEX
    given = given.strip()
    if not given or not given.isprintable():
        raise InstallSourceError(f"{given!r}: expected a pip requirement, a URL or a path")
    cwd = cwd if cwd is not None else os.getcwd()
    if _SCHEME.match(given):
        if not _URL.match(given) or "\\" in given:
            raise InstallSourceError(f"{given}: a URL here has no spaces or backslashes")
        return InstallSource("url", given)
    if os.path.exists(os.path.join(cwd, os.path.expanduser(given))):
        return _path(given, root, cwd)
    source = _requirement(given)
    if source is None and _looks_like_a_path(given):
        raise InstallSourceError(f"{given}: no such file or folder")
    if source is None or "\\" in given:
        raise InstallSourceError(
            f"{given}: expected a requirement of {DISTRIBUTION} (such as '{DISTRIBUTION}>=0.1'), "
            f"a URL (such as 'git+https://github.com/ORG/{DISTRIBUTION}@v{__version__}') "
            "or a path to a checkout or a wheel"
        )
    return source


#: What the workflow installs from when the running qemlflow-lint is a local install that CI
#: cannot reach: a URL in the form CI needs, which fails until the project names its own.
CI_PLACEHOLDER = InstallSource("url", f"git+https://github.com/ORG/{DISTRIBUTION}@v{__version__}")


class Running(NamedTuple):
    """Where the running qemlflow-lint was installed from, when not from the package index:
    the source the generated files install from (a checkout, a wheel or a git URL), and how
    it was installed, as the user is told."""

    source: InstallSource
    how: str

    @property
    def reachable_from_ci(self) -> bool:
        """True for a URL that CI can fetch (not a ``file:`` one)."""
        return self.source.kind == "url" and not self.source.text.split("+", 1)[-1].startswith("file:")


def _direct_url() -> Mapping[str, object] | None:
    """The installed distribution's ``direct_url.json`` (PEP 610): present when pip
    installed it from a folder, an archive or a VCS URL rather than the package index."""
    import importlib.metadata  # only init asks where it was installed from

    try:
        text = importlib.metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except importlib.metadata.PackageNotFoundError:
        return None  # running from a source tree on the path: see running_install
    try:
        data = json.loads(text) if text else None
    except ValueError:
        return None  # unreadable metadata: taken for an index install
    return data if isinstance(data, dict) else None


def _checkout_of_this_module() -> str | None:
    """The source tree this module runs from, when it is not installed at all (its package's
    parent folder has the project's ``pyproject.toml``)."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    root = os.path.dirname(package)
    parts = set(package.split(os.sep))
    if parts & {"site-packages", "dist-packages"}:
        return None
    return root if os.path.isfile(os.path.join(root, "pyproject.toml")) else None


def installed_from(data: Mapping[str, object]) -> Running | None:
    """Where a distribution whose ``direct_url.json`` (PEP 610) holds ``data`` was installed
    from: a folder (editable or not), an archive on disk, or a URL (a VCS at a commit)."""
    url = data.get("url")
    if not isinstance(url, str):
        return None
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict) and isinstance(vcs.get("commit_id"), str):
        commit = str(vcs["commit_id"])
        source = InstallSource("url", f"{vcs.get('vcs', 'git')}+{url}@{commit}")
        return Running(source, f"an install from {url} at {commit[:12]}")
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return Running(InstallSource("url", url), f"an install from {url}")
    path = os.path.normpath(unquote(parsed.path))
    info = data.get("dir_info")
    editable = isinstance(info, dict) and info.get("editable") is True
    return Running(
        InstallSource("path", path, path), f"{'an editable' if editable else 'a local'} install of {path}"
    )


def running_install() -> Running | None:
    """Where the running qemlflow-lint comes from when it is not a release from the package
    index (``None`` then): an editable or local install of a checkout, a wheel or archive on
    disk, a VCS URL, or a source tree on the path."""
    data = _direct_url()
    if data is not None:
        return installed_from(data)
    checkout = _checkout_of_this_module()
    if checkout is None:
        return None
    return Running(InstallSource("path", checkout, checkout), f"a source tree on the path ({checkout})")
