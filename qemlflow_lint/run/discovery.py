"""Finding the Python files to analyse under the paths a user gives, on disk or in a commit.

One walk serves ``check`` (the disk) and ``trend`` (each commit's tree): it reads a
:class:`~qemlflow_lint.model.trees.FileTree`, so both commands analyse the same files.
Directories are walked in sorted order (so output never depends on the file system's
order), skipping version-control and tool folders, virtual environments (any folder with
a ``pyvenv.cfg`` or ``conda-meta``), paths matched by ``.gitignore`` files, and paths the
configuration excludes (``exclude``/``extend-exclude``, asked through ``is_excluded``).
Directory symlinks are not followed (so a symlink loop cannot trap the walk), nor are
file symlinks that point outside the tree being walked. Files named explicitly are still
checked against the configured excludes (so pre-commit's file lists obey them, as flake8
does), but not against the default folders and ``.gitignore`` unless ``force_exclude``
is set. ``.gitignore`` files apply from the top of the repository (the nearest folder with
``.git``; a commit's top) down, and outside a repository from the project root; a
``.gitignore`` that is a symbolic link is not read (git does not follow one either).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Callable, NamedTuple

from qemlflow_lint.config.loading import SettingsLookup
from qemlflow_lint.model.paths import display_path
from qemlflow_lint.model.trees import FILE, FOLDER, LINK, OTHER, DiskTree, FileTree

#: Folders never walked into, by name.
DEFAULT_EXCLUDES: frozenset[str] = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".bzr",
        "CVS",
        "__pycache__",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        ".eggs",
        "build",
        "dist",
        "_build",
        "buck-out",
        "node_modules",
        "site-packages",
        "__pypackages__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".direnv",
        ".ipynb_checkpoints",
        ".qemlflow-lint-cache",
    }
)
#: Folders never walked into, by the end of their name.
DEFAULT_EXCLUDED_SUFFIXES: tuple[str, ...] = (".egg", ".egg-info")
#: The files a walk of a folder finds by default, by the end of their names: Python files.
PYTHON_SUFFIXES: tuple[str, ...] = (".py",)
#: What marks a folder as a virtual environment.
VENV_MARKERS = ("pyvenv.cfg", "conda-meta")


class Discovery(NamedTuple):
    """The files found, in order, the explicit paths that do not exist, and the paths
    that could not be listed (with the reason)."""

    files: tuple[str, ...]
    missing: tuple[str, ...]
    unreadable: tuple[tuple[str, str], ...] = ()


#: Says whether a path (relative to a rule's folder, ``/``-separated) is ignored; the second
#: argument is true for a directory.
Matcher = Callable[[str, bool], bool]
#: ``(path, is_dir)`` → True when the configuration excludes the path.
Excluded = Callable[[str, bool], bool]
#: ``folder`` → True when the folder is a configured top-level package (``packages``).
ConfiguredPackage = Callable[[str], bool]
#: The rules that apply in a folder: ``(folder, matcher)``, and what names them:
#: ``(folder, version)`` of each ``.gitignore`` (see :meth:`FileTree.version`), the
#: default excludes being ``(folder, "")``.
Rules = list[tuple[str, Matcher]]
RulesKey = tuple[tuple[str, str], ...]


class WalkMemo:
    """What the walks of one run share: each ``.gitignore`` turned into a matcher once (by
    version), and each path's answer under the same rules found once (``ignored``). Over
    many commits most paths are asked about again with the same rules, and matching a path
    against a long ``.gitignore`` costs far more than looking the answer up."""

    def __init__(self) -> None:
        self.matchers: dict[tuple[str, str], Matcher] = {}
        self.ignored: dict[tuple[str, bool, RulesKey], bool] = {}


def _excluded_name(name: str) -> bool:
    return name in DEFAULT_EXCLUDES or name.endswith(DEFAULT_EXCLUDED_SUFFIXES)


def _never(path: str, is_dir: bool) -> bool:
    return False


def _not_configured(folder: str) -> bool:
    return False


class WalkOptions(NamedTuple):
    """What a walk takes and skips, whichever tree it walks: the configured excludes
    (``excluded``), the ``.gitignore`` files (``use_gitignore``), the default excludes and
    ``.gitignore`` for the paths given too (``force_exclude``), the endings of the files
    taken from folders (``suffixes``), and which folders are configured packages
    (``configured``: walked whatever their name)."""

    excluded: Excluded = _never
    use_gitignore: bool = True
    force_exclude: bool = False
    suffixes: tuple[str, ...] = PYTHON_SUFFIXES
    configured: ConfiguredPackage = _not_configured


def gitignore_matcher(lines: Sequence[str]) -> Matcher:
    """The rules of a ``.gitignore`` file's lines, read as git reads them (pathspec is
    imported only when a ``.gitignore`` is found: it costs more to import than checking a
    few files does)."""
    from pathspec import GitIgnoreSpec

    spec = GitIgnoreSpec.from_lines(lines)
    return lambda relative, is_dir: spec.match_file(relative + "/" if is_dir else relative)


class _Walk:
    """One run's walk of ``lookup``'s tree (see :func:`find_files`)."""

    def __init__(self, lookup: SettingsLookup, options: WalkOptions, memo: WalkMemo | None) -> None:
        self.lookup = lookup
        self.tree: FileTree = lookup.tree
        self.excluded = options.excluded
        self.configured = options.configured
        self.use_gitignore = options.use_gitignore
        self.suffixes = options.suffixes
        self.memo = WalkMemo() if memo is None else memo

    def is_package(self, folder: str) -> bool:
        """True when a folder is a package of the project: it has an ``__init__.py`` and
        lies in a package (its parent has one too) or is a configured package. Such a
        folder is walked even when its name is one the walk skips by default:
        ``pkg/build/`` is code, the top-level ``build/`` of a setuptools build is not."""
        tree = self.tree
        if tree.kind(tree.join(folder, "__init__.py")) not in (FILE, LINK):
            return False
        return tree.kind(tree.join(tree.parent(folder), "__init__.py")) in (FILE, LINK) or self.configured(
            folder
        )

    def default_rule(self, base: str) -> Matcher:
        """The default folder excludes below ``base``, except the project's packages."""
        tree = self.tree

        def matches(relative: str, is_dir: bool) -> bool:
            parts = relative.split("/")
            folders = parts if is_dir else parts[:-1]
            if not any(_excluded_name(name) for name in folders):
                return False
            folder = base
            for name in folders:
                folder = tree.join(folder, name)
                if _excluded_name(name) and not self.is_package(folder):
                    return True
            return False

        return matches

    def is_venv(self, folder: str) -> bool:
        """True when ``folder`` is a virtual environment."""
        tree = self.tree
        return any(tree.kind(tree.join(folder, marker)) is not None for marker in VENV_MARKERS)

    def gitignore(self, folder: str) -> tuple[str, Matcher] | None:
        """The version and rules of the folder's ``.gitignore``, if it has one (a link is
        not followed, as git does not follow one)."""
        tree = self.tree
        path = tree.join(folder, ".gitignore")
        if not self.use_gitignore or tree.kind(path) != FILE:
            return None
        version = tree.version(path)
        key = (version, "") if version else (path, "path")
        matcher = self.memo.matchers.get(key)
        if matcher is None:
            try:
                lines = tree.read(path).decode("utf-8", "replace").splitlines()
            except OSError:
                return None
            matcher = self.memo.matchers[key] = gitignore_matcher(lines)
        return version, matcher

    def enclosing(self, folder: str) -> tuple[Rules, RulesKey]:
        """The ``.gitignore`` files above ``folder``, nearest first, up to the top of its
        repository (outside one, its project root): git applies them to everything below,
        so ``check src`` skips what ``check .`` skips."""
        tree = self.tree
        top: str | None = folder
        while top is not None and not tree.is_top(top):
            above = tree.parent(top)
            top = None if above == top else above
        if top is None:
            top = self.lookup.marked_root(folder)
        rules: Rules = []
        key: list[tuple[str, str]] = []
        current = folder
        while top is not None and tree.relative(current, top) not in (None, ""):
            current = tree.parent(current)
            found = self.gitignore(current)
            if found is not None:
                rules.append((current, found[1]))
                key.append((current, found[0]))
        return rules, tuple(key)

    def ignored(self, path: str, is_dir: bool, rules: Rules, key: RulesKey) -> bool:
        """True when a rule ignores ``path`` (the answer remembered by its rules' key)."""
        remembered = (path, is_dir, key)
        answer = self.memo.ignored.get(remembered)
        if answer is None:
            answer = False
            for base, matches in rules:
                relative = self.tree.relative(path, base)
                if relative and matches(relative, is_dir):
                    answer = True
                    break
            self.memo.ignored[remembered] = answer
        return answer

    def inside(self, path: str, boundary: str | None) -> bool:
        """True when a file's link leads inside the walked folder (its real path is
        ``boundary`` or below): a link to a file outside is not followed (its findings
        would name code the project does not own)."""
        target = self.tree.resolve(path)
        return (
            target is not None and boundary is not None and self.tree.relative(target, boundary) is not None
        )

    def walk(self, root: str, rules: Rules, key: RulesKey, problems: list[tuple[str, str]]) -> Iterator[str]:
        """Every file below the folder ``root`` that the rules leave, in sorted order."""
        tree = self.tree
        excluded, suffixes, remembered = self.excluded, self.suffixes, self.memo.ignored
        boundary = tree.resolve(root)
        pending = [(root, rules, key)]
        while pending:
            folder, inherited, inherited_key = pending.pop()
            local, local_key = inherited, inherited_key
            own = self.gitignore(folder)
            if own is not None:
                local, local_key = [*inherited, (folder, own[1])], (*inherited_key, (folder, own[0]))
            try:
                listing = tree.listing(folder)
            except OSError as error:  # reported, and the rest of the tree is still walked
                problems.append((folder, f"cannot list the directory: {error.strerror or error}"))
                continue
            subfolders = []
            for path, kind in listing:
                if kind == FOLDER:
                    ignored = remembered.get((path, True, local_key))
                    if ignored is None:
                        ignored = self.ignored(path, True, local, local_key)
                    if not ignored and not excluded(path, True) and not self.is_venv(path):
                        subfolders.append(path)
                elif kind in (FILE, LINK) and path.endswith(suffixes):
                    ignored = remembered.get((path, False, local_key))
                    if ignored is None:
                        ignored = self.ignored(path, False, local, local_key)
                    if (
                        not ignored
                        and not excluded(path, False)
                        and (kind == FILE or self.inside(path, boundary))
                    ):
                        yield path
            pending.extend((sub, local, local_key) for sub in reversed(subfolders))

    def force_excluded(self, path: str) -> bool:
        """True when a file named explicitly lies in a folder excluded by default or is
        ignored by a ``.gitignore`` (``--force-exclude``); the default folders count
        from its project root."""
        folder = self.tree.parent(path)
        base = self.lookup.project_root(folder)
        rules: Rules = [(base, self.default_rule(base))]
        key: RulesKey = ((base, ""),)
        own = self.gitignore(folder)
        if own is not None:
            rules.append((folder, own[1]))
            key += ((folder, own[0]),)
        above, above_key = self.enclosing(folder)
        return self.ignored(path, False, [*rules, *above], (*key, *above_key))


def find_files(
    lookup: SettingsLookup,
    roots: Sequence[str],
    options: WalkOptions = WalkOptions(),
    *,
    memo: WalkMemo | None = None,
) -> Discovery:
    """Every Python file (with ``options.suffixes``: every file whose name ends so, found
    in folders) under ``roots``, paths of ``lookup``'s tree, each once, in a stable order,
    as ``options`` say; ``memo`` is shared by the walks of one run (see :class:`WalkMemo`)."""
    walker = _Walk(lookup, options, memo)
    tree = walker.tree
    files: list[str] = []
    missing: list[str] = []
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for root in roots:
        kind = tree.kind(root)
        if kind in (LINK, OTHER):  # a link given to a folder is walked (links found in one are not)
            target = tree.resolve(root)
            kind = FOLDER if target is not None and tree.kind(target) == FOLDER else kind
        if kind == FOLDER:
            if walker.is_venv(root):
                continue
            rules: Rules = [(root, walker.default_rule(root))]
            key: RulesKey = ((root, ""),)
            if options.use_gitignore:
                above, above_key = walker.enclosing(root)
                rules.extend(above)
                key += above_key
            found: Sequence[str] = list(walker.walk(root, rules, key, problems))
        elif kind is not None:
            if options.excluded(root, False) or (options.force_exclude and walker.force_excluded(root)):
                continue
            found = [root]
        else:
            missing.append(root)
            continue
        for path in found:
            target = tree.resolve(path)
            if target is not None and target not in seen:
                seen.add(target)
                files.append(path)
    return Discovery(tuple(files), tuple(missing), tuple(problems))


def discover(
    paths: Sequence[str],
    options: WalkOptions = WalkOptions(),
    *,
    unmarked_root: str | None = None,
    lookup: SettingsLookup | None = None,
) -> Discovery:
    """Every Python file under ``paths`` on disk (see :func:`find_files`); ``unmarked_root``
    is the project root of paths without a project marker above them."""
    if lookup is None:
        lookup = SettingsLookup(DiskTree(), unmarked=unmarked_root)
    disk = lookup.tree
    problems = disk.problems if isinstance(disk, DiskTree) else []
    before = len(problems)
    given = {display_path(path): path for path in paths}
    found = find_files(lookup, list(given), options)
    return Discovery(
        found.files, tuple(given[path] for path in found.missing), (*found.unreadable, *problems[before:])
    )
