"""mypy's configuration as ``init --typing`` reads and edits it: the file mypy reads, what
it already checks strictly, and the text edits that add the typing ratchet.

mypy reads one configuration file: the first of ``mypy.ini``, ``.mypy.ini``,
``pyproject.toml`` (when it has a ``[tool.mypy]`` table) and ``setup.cfg`` (when it has a
``[mypy]`` section) in the folder it runs from. :func:`config_file` makes the same choice in
the project's root folder; a project with none gets its settings in ``pyproject.toml``.
:func:`read_config` reads the ratchet's two flags from that file — the global ones
(``strict`` sets both) and each module pattern's, merged as mypy merges them — and
:func:`checks_strictly` resolves them for one module with mypy's precedence: a module's own
section, then the unstructured globs (``a.*.c``), then the ``a.b.*`` patterns from the most
specific down (``a.b.*`` covers ``a.b`` itself), then the global section.

:func:`add_ratchet` adds the flags for module patterns as text edits, checked by parsing the
file before and after like the rest of init's (:mod:`qemlflow_lint.setup.files`): a
``[mypy-pkg.sub.*]`` section in an INI file, a ``[[tool.mypy.overrides]]`` table in
``pyproject.toml``. A flag the user turned off for a pattern is never turned on: that is
left to the user, with the reason.
"""

from __future__ import annotations

import configparser
import copy
import json
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Callable, NamedTuple

from qemlflow_lint.config import pyproject, toml
from qemlflow_lint.config.pyproject import Span, last_content_line
from qemlflow_lint.setup.files import Edit, ini_problem, ini_sections, parse_ini

#: What the ratchet turns on for a package: mypy reports every def without annotations and
#: every def with some of them missing.
RATCHET_FLAGS = ("disallow_untyped_defs", "disallow_incomplete_defs")
#: mypy's own files, which it reads whatever they hold, in its order.
INI_FILES = ("mypy.ini", ".mypy.ini")
PYPROJECT = "pyproject.toml"
SETUP_CFG = "setup.cfg"
#: Where ``pyproject.toml`` keeps mypy's per-module settings.
OVERRIDES = ("tool", "mypy", "overrides")
#: The comment over the ``[[tool.mypy.overrides]]`` table that init writes.
OVERRIDES_COMMENT = (
    "# `qemlflow-lint init --typing`: the packages whose public defs are all annotated\n"
    "# (QF002 at 100 %). Rerunning it adds the packages that get there; it removes none.\n"
)
#: The comment over the INI sections that init writes.
SECTIONS_COMMENT = "# `qemlflow-lint init --typing`: packages whose public defs are all annotated (QF002).\n"

Flags = Mapping[str, bool]


class MypyConfigError(ValueError):
    """A configuration file that mypy (and so init) cannot read; the message names it."""


class MypyConfig(NamedTuple):
    """The ratchet's two flags as one mypy configuration file sets them."""

    #: The file, relative to the project root.
    path: str
    #: The global settings (``[mypy]``, ``[tool.mypy]``).
    top: Flags = MappingProxyType({})
    #: Each module pattern's settings, in the order mypy reads them (a pattern appears once).
    modules: tuple[tuple[str, Flags], ...] = ()


def _boolean(value: Any) -> bool | None:
    """A configuration value as mypy reads a boolean (``True``, ``yes``, ``1``, ...)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return configparser.RawConfigParser.BOOLEAN_STATES.get(value.strip().lower())
    return None


def _flags(section: Mapping[str, Any], top: bool = False) -> dict[str, bool]:
    """The ratchet's flags that ``section`` sets (``allow_untyped_defs`` is the inverse of
    ``disallow_untyped_defs``; ``strict``, in the global section, sets both first)."""
    flags = dict.fromkeys(RATCHET_FLAGS, True) if top and _boolean(section.get("strict")) else {}
    for key, value in section.items():
        name, inverted = (f"dis{key}", True) if f"dis{key}" in RATCHET_FLAGS else (key, False)
        setting = _boolean(value)
        if name in RATCHET_FLAGS and setting is not None:
            flags[name] = setting != inverted
    return flags


def _toml(name: str, text: str) -> dict[str, Any]:
    try:
        return toml.loads(text)
    except toml.TOMLDecodeError as error:
        raise MypyConfigError(f"{name}: not valid TOML ({error})") from None


def _ini(name: str, text: str) -> dict[str, dict[str, str]]:
    problem = ini_problem(text)
    data = parse_ini(text)
    if problem is not None or data is None:
        raise MypyConfigError(f"{name}: not an INI file that mypy can read ({problem})")
    return data


def config_file(read: Callable[[str], str | None]) -> str:
    """The file mypy reads its configuration from in the project whose files ``read``
    returns (``None``: no such file), and so the one init edits: ``pyproject.toml`` when
    there is none. A file that has to be parsed to decide, and does not parse, is a
    :class:`MypyConfigError`."""
    for name in INI_FILES:
        if read(name) is not None:
            return name
    text = read(PYPROJECT)
    if text is not None:
        tool = _toml(PYPROJECT, text).get("tool")
        if isinstance(tool, dict) and "mypy" in tool:
            return PYPROJECT
    text = read(SETUP_CFG)
    if text is not None and "mypy" in _ini(SETUP_CFG, text):
        return SETUP_CFG
    return PYPROJECT


def _patterns(names: str) -> list[str]:
    """The module patterns of a section name, as mypy splits and checks them (a pattern
    it rejects applies to nothing)."""
    patterns = []
    for pattern in names.replace("/", ".").replace("\\", ".").split(","):
        if not re.search(r"[?\[\]!]", pattern) and all(
            "*" not in part or part == "*" for part in pattern.split(".")
        ):
            patterns.append(pattern)
    return patterns


def _toml_overrides(name: str, mypy: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The ``[[tool.mypy.overrides]]`` tables as mypy reads them: one settings table per
    module pattern, the tables of one pattern merged. What mypy rejects is an error."""
    overrides = mypy.get("overrides", [])
    where = f"{name}: [[tool.mypy.overrides]]"
    if not isinstance(overrides, list) or not all(isinstance(item, dict) for item in overrides):
        raise MypyConfigError(f"{where} is not an array of tables, which mypy needs")
    merged: dict[str, dict[str, Any]] = {}
    for override in overrides:
        modules = override.get("module")
        if isinstance(modules, str):
            modules = [modules]
        if not isinstance(modules, list) or not all(isinstance(module, str) for module in modules):
            raise MypyConfigError(f"{where}: a table without a module name or list, which mypy needs")
        for module in modules:
            settings = merged.setdefault(module, {})
            for key, value in override.items():
                if key != "module" and settings.get(key, value) != value:
                    raise MypyConfigError(f"{where}: two values of {key} for {module}, which mypy rejects")
                if key != "module":
                    settings[key] = value
    return [(module, settings) for module, settings in merged.items()]


def read_config(name: str, text: str | None) -> MypyConfig:
    """The ratchet's flags in the mypy configuration file ``name`` (``text``: its text, or
    ``None`` when it does not exist). A file that mypy cannot read is a
    :class:`MypyConfigError`."""
    if text is None:
        return MypyConfig(name)
    sections: list[tuple[str, Mapping[str, Any]]]
    if name.endswith(".toml"):
        mypy = _toml(name, text).get("tool", {}).get("mypy")
        if mypy is None:
            return MypyConfig(name)
        if not isinstance(mypy, dict):
            raise MypyConfigError(f"{name}: tool.mypy is not a table")
        top = _flags(mypy, top=True)
        sections = [(f"mypy-{module}", settings) for module, settings in _toml_overrides(name, mypy)]
    else:
        data = _ini(name, text)
        top = _flags(data.get("mypy", {}), top=True)
        sections = list(data.items())
    modules: dict[str, Flags] = {}
    for section, settings in sections:
        if section.startswith("mypy-"):
            for pattern in _patterns(section[len("mypy-") :]):
                modules.pop(pattern, None)  # a later section replaces an earlier one, and comes after it
                modules[pattern] = _flags(settings)
    return MypyConfig(name, top, tuple(modules.items()))


def _glob(pattern: str) -> re.Pattern[str]:
    """A pattern with ``*`` inside (``a.*.c``) as mypy matches it: ``.*`` stands for any
    number of module name parts, none included."""
    parts = pattern.split(".")
    expression = re.escape(parts[0]) if parts[0] != "*" else ".*"
    for part in parts[1:]:
        expression += re.escape("." + part) if part != "*" else r"(\..*)?"
    return re.compile(expression + r"\Z")


def flags_for(config: MypyConfig, module: str) -> dict[str, bool]:
    """The ratchet's flags that mypy applies to ``module`` (unset ones are off)."""
    flags = dict(config.top)
    patterns = dict(config.modules)
    parts = module.split(".")
    for size in range(1, len(parts) + 1):  # a.*, then a.b.*: the more specific one wins
        flags.update(patterns.get(".".join(parts[:size]) + ".*", {}))
    for pattern, settings in config.modules:
        if "*" in pattern[:-1] and _glob(pattern).match(module):
            flags.update(settings)
    flags.update(patterns.get(module, {}))
    return flags


def checks_strictly(config: MypyConfig, module: str) -> bool:
    """True when mypy, reading ``config``, reports untyped and incompletely typed defs in
    ``module``."""
    flags = flags_for(config, module)
    return all(flags.get(flag, False) for flag in RATCHET_FLAGS)


def _turned_off(settings: Flags) -> str | None:
    return next((flag for flag in RATCHET_FLAGS if settings.get(flag) is False), None)


def _lines_of(text: str) -> list[str]:
    return pyproject.split_at_newlines(text)


def _ini_inserted(text: str, span: Span, block: str) -> str:
    """``block`` inserted after the last line of the INI section at ``span`` that is
    neither blank nor a comment."""
    last = last_content_line(text.split("\n"), span, ("#", ";"))  # the lines ini_sections counts
    return pyproject.inserted_after(_lines_of(text), last, block)


def _ini_ratchet(text: str | None, patterns: Sequence[str]) -> Edit:
    """``[mypy-PATTERN]`` sections with both flags: a section of that pattern alone gets the
    missing flags; a new section goes after the file's last mypy section (or at the end)."""
    data = parse_ini(text or "")
    if data is None:
        return Edit(text, left=("the file does not parse as INI: add the sections by hand",))
    after = text or ""
    expected = copy.deepcopy(data)
    done: list[str] = []
    kept: list[str] = []
    left: list[str] = []
    new: list[str] = []
    for pattern in patterns:
        name = f"mypy-{pattern}"
        shared = next(
            (
                section
                for section in data
                if section.startswith("mypy-") and pattern in section[5:].split(",")
            ),
            None,
        )
        if name not in data and shared is None:
            new.append(pattern)
            continue
        if name not in data:
            # A second section of the pattern would replace this one's settings for it.
            left.append(
                f"[{shared}] also covers {pattern}: set {' and '.join(RATCHET_FLAGS)} = True for it by hand"
            )
            continue
        settings = _flags(data[name])
        off = _turned_off(settings)
        if off is not None:
            left.append(f"[{name}] turns {off} off: turn it on by hand when {pattern} is ready")
            continue
        missing = [flag for flag in RATCHET_FLAGS if flag not in settings]
        if not missing:
            kept.append(f"[{name}] already has {' and '.join(RATCHET_FLAGS)}")
            continue
        block = "".join(f"{flag} = True\n" for flag in missing)
        after = _ini_inserted(after, ini_sections(after)[name], block)
        expected[name].update(dict.fromkeys(missing, "True"))
        done.append(f"added {' and '.join(missing)} to [{name}]")
    if new:
        block = SECTIONS_COMMENT + "\n".join(
            f"[mypy-{pattern}]\n" + "".join(f"{flag} = True\n" for flag in RATCHET_FLAGS) for pattern in new
        )
        spans = [span for section, span in ini_sections(after).items() if section.split("-")[0] == "mypy"]
        if spans and max(spans).end < len(_lines_of(after)):  # other sections follow: keep mypy's together
            after = _ini_inserted(after, max(spans), "\n" + block)
        else:
            after = pyproject.appended(after, block)
        for pattern in new:
            expected[f"mypy-{pattern}"] = dict.fromkeys(RATCHET_FLAGS, "True")
        done.append(f"added {', '.join(f'[mypy-{p}]' for p in new)} with {' and '.join(RATCHET_FLAGS)}")
    if parse_ini(after) != expected:
        sections = ", ".join(f"[mypy-{pattern}]" for pattern in patterns)
        return Edit(text, left=(f"add {sections} by hand (the edit would change more than that)",))
    return Edit(after if done else text, tuple(done), tuple(kept), tuple(left))


def _module_list(override: Mapping[str, Any]) -> list[str]:
    modules = override.get("module")
    return [modules] if isinstance(modules, str) else list(modules) if isinstance(modules, list) else []


def _is_ratchet_table(override: Mapping[str, Any]) -> bool:
    """True for a table that sets the ratchet's flags and nothing else, for a list of
    modules: the one init writes, where it adds the next packages."""
    return (
        set(override) == {"module", *RATCHET_FLAGS}
        and all(override[flag] is True for flag in RATCHET_FLAGS)
        and isinstance(override["module"], list)
    )


def _ratchet_table(patterns: Sequence[str]) -> str:
    return (
        "[[tool.mypy.overrides]]\n"
        + OVERRIDES_COMMENT
        + f"module = {pyproject.toml_list(patterns)}\n"
        + "".join(f"{flag} = true\n" for flag in RATCHET_FLAGS)
    )


def _toml_ratchet(text: str | None, patterns: Sequence[str]) -> Edit:
    """The patterns appended to the module list of the ``[[tool.mypy.overrides]]`` table
    init wrote before, or a new such table after the file's last mypy table (or at the
    end). A pattern another table turns a flag off for is left: mypy rejects two values."""
    data = toml.parse_toml(text or "")
    if data is None:
        return Edit(text, left=("the file is not valid TOML: add [[tool.mypy.overrides]] by hand",))
    mypy = pyproject.dig(data, ("tool", "mypy"))
    overrides = mypy.get("overrides", []) if isinstance(mypy, dict) else []
    overrides = overrides if isinstance(overrides, list) else []
    left: list[str] = []
    todo: list[str] = []
    for pattern in patterns:
        off = next(
            (
                flag
                for override in overrides
                if isinstance(override, dict) and pattern in _module_list(override)
                for flag in RATCHET_FLAGS
                if _flags(override).get(flag) is False
            ),
            None,
        )
        if off is None:
            todo.append(pattern)
        else:
            left.append(
                f"a [[tool.mypy.overrides]] table turns {off} off for {pattern}: "
                "turn it on there by hand (mypy rejects a second value)"
            )
    if not todo:
        return Edit(text, left=tuple(left))
    before = text or ""
    lines = _lines_of(before)
    ours = [index for index, override in enumerate(overrides) if _is_ratchet_table(override)]
    spans = pyproject.array_table_spans(before, OVERRIDES)
    line = (
        pyproject.key_line(lines, spans[ours[-1]], ["module"])
        if ours and len(spans) == len(overrides)
        else None
    )
    value: list[Any]
    if line is not None:
        offset = sum(len(each) for each in lines[:line])
        bracket = before.find("[", offset + before[offset:].index("="))
        edited: str | None = before
        for pattern in todo:
            edited = pyproject.array_insertion(edited, bracket, json.dumps(pattern)) if edited else None
        value = copy.deepcopy(overrides)
        value[ours[-1]]["module"].extend(todo)
        done = f"added {', '.join(todo)} to the module list of init's [[tool.mypy.overrides]]"
    else:
        block = _ratchet_table(todo)
        mypy_spans = pyproject.spans_below(before, ("tool", "mypy"))
        if mypy_spans and mypy_spans[-1].end < len(lines):
            edited = pyproject.inserted_after(lines, last_content_line(lines, mypy_spans[-1]), "\n" + block)
        else:
            edited = pyproject.appended(text, block)
        value = [*overrides, {"module": list(todo), **dict.fromkeys(RATCHET_FLAGS, True)}]
        done = f"added [[tool.mypy.overrides]] with {' and '.join(RATCHET_FLAGS)} for {', '.join(todo)}"
    if edited is None or not pyproject.proves(edited, pyproject.with_value(data, OVERRIDES, value)):
        by_hand = (
            f"add [[tool.mypy.overrides]] for {', '.join(todo)} by hand (an edit would change more than that)"
        )
        return Edit(text, left=(*left, by_hand))
    return Edit(edited, (done,), (), tuple(left))


def add_ratchet(name: str, text: str | None, patterns: Sequence[str]) -> Edit:
    """The mypy configuration file ``name`` (``text``: its text, ``None`` when it does not
    exist) with ``disallow_untyped_defs`` and ``disallow_incomplete_defs`` turned on for each
    module pattern of ``patterns``."""
    if not patterns:
        return Edit(text)
    return _toml_ratchet(text, patterns) if name.endswith(".toml") else _ini_ratchet(text, patterns)
