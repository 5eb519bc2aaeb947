"""Text-level edits of a project's configuration files, for ``qemlflow-lint init``.

Every function here is pure: it takes a file's text (``None`` when the file does not exist)
and returns an :class:`Edit` — the new text and what was added, what was already there and
what is left to the user. Edits work on the text, appending a section or inserting a key or a
list item, so everything else in the file, comments included, stays byte for byte. Each edit
is then checked by parsing the file before and after (``tomllib`` for TOML, ``configparser``
for INI): unless the only difference is the intended one, the file is left as it was and the
change is reported as left to the user. A key that already has another value is never
changed; only lists (``load-plugins``, ``extend-select``) get the missing item appended.

Texts use ``\\n`` line endings; the caller converts files with other line endings.
"""

from __future__ import annotations

import configparser
import json
import re
import shlex
from collections.abc import Sequence
from typing import Any, Callable, NamedTuple

from qemlflow_lint.config import pyproject, toml
from qemlflow_lint.config.pyproject import Span, last_content_line
from qemlflow_lint.report.baseline import DEFAULT_FILE
from qemlflow_lint.run.discovery import DEFAULT_EXCLUDES
from qemlflow_lint.setup.source import INDEX, InstallSource

#: The pylint plugin module, as ``load-plugins`` names it.
PYLINT_PLUGIN = "qemlflow_lint.pylint_plugin"
#: The distribution that pre-commit, tox and CI install by default, pinned to the running
#: version (``init --install-from`` names another source).
REQUIREMENT = INDEX.requirement()
#: The same, with flake8 (for the tox environment and the workflow, which run flake8 too).
REQUIREMENT_FLAKE8 = INDEX.requirement(flake8=True)
#: Where the GitHub Actions workflow goes.
WORKFLOW_PATH = ".github/workflows/qemlflow-lint.yml"
#: The ids of the hooks in ``.pre-commit-hooks.yaml``.
HOOK_IDS = ("qemlflow-lint", "qemlflow-lint-score")
#: The baseline init records at the project root: every gate it sets up fails only on what
#: is new (a finding, an unreadable file, the score below today's).
BASELINE = DEFAULT_FILE
#: The folders flake8 must never lint, given on its command line: a project's own
#: ``exclude =`` replaces flake8's defaults, and ``--extend-exclude`` adds to whatever is set.
FLAKE8_EXCLUDES = ",".join(sorted({*DEFAULT_EXCLUDES, "*.egg-info"}))


def flake8_command(target: str) -> str:
    """The QF rules through flake8 on ``target``, as information: they never fail a build
    (the baseline's gates do), and the built-in excludes hold whatever the project's
    ``exclude =`` says."""
    return f"flake8 --select QF --exit-zero --extend-exclude '{FLAKE8_EXCLUDES}' {target}"


#: The gates, against the baseline: a new finding, then the score below the gate.
CHECK_COMMAND = f"qemlflow-lint check --baseline {BASELINE}"
SCORE_COMMAND = f"qemlflow-lint score --baseline {BASELINE}"


class Edit(NamedTuple):
    """The result of editing one file: its new text and a note per change considered."""

    #: The new text (``None``: the file does not exist and is not created).
    text: str | None
    #: What this edit added, e.g. ``added [tool.qemlflow-lint]``.
    done: tuple[str, ...] = ()
    #: What was already set up.
    kept: tuple[str, ...] = ()
    #: What the user has to do by hand, and why.
    left: tuple[str, ...] = ()

    def then(self, step: Callable[[str | None], Edit]) -> Edit:
        """This edit followed by ``step`` on its text, with the notes of both."""
        after = step(self.text)
        return Edit(after.text, self.done + after.done, self.kept + after.kept, self.left + after.left)


def _unchanged(text: str | None, *, kept: str = "", left: str = "") -> Edit:
    return Edit(text, (), (kept,) if kept else (), (left,) if left else ())


def _lines(text: str) -> list[str]:
    """``text`` split at ``\n`` only, without line endings (``str.splitlines`` also splits at
    form feeds and other characters that INI and YAML files keep inside a line)."""
    return text.split("\n")


def _inserted_after(text: str, line_index: int, new_lines: str) -> str:
    """``new_lines`` (ending with a newline) inserted after line ``line_index``."""
    return pyproject.inserted_after(pyproject.split_at_newlines(text), line_index, new_lines)


# --- TOML ------------------------------------------------------------------------------


def _checked_toml(
    before: str | None, after: str, keys: Sequence[str], value: Any, what: str
) -> tuple[bool, str]:
    """True when ``after`` parses to ``before``'s document with ``keys`` set to ``value``;
    else false, and a note asking the user to do ``what`` by hand."""
    old = toml.parse_toml(before or "")
    if old is None or toml.parse_toml(after) is None:
        return False, f"{what} by hand (a text edit here would not be valid TOML)"
    if not pyproject.proves(after, pyproject.with_value(old, keys, value)):
        return False, f"{what} by hand (a text edit here would change more than that)"
    return True, ""


def _format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _packages_lines(packages: Sequence[str]) -> str:
    if not packages:
        return ""
    listed = ", ".join(f'"{name}"' for name in packages)
    return (
        "# The library: the rules about importers and the score look at these packages and\n"
        "# modules only; examples, docs and scripts get the rules about their own code.\n"
        f"packages = [{listed}]\n"
    )


def qemlflow_table(fail_under: float, packages: Sequence[str] = ()) -> str:
    """The ``[tool.qemlflow-lint]`` and ``[tool.qemlflow-lint.score]`` tables init writes,
    with the project's importable ``packages`` (found by init) when there are any."""
    return (
        "[tool.qemlflow-lint]\n"
        "# `qemlflow-lint config` shows every effective value and where it came from.\n"
        'select = ["QF"]\n'
        + _packages_lines(packages)
        + "# QF001 reports heavy modules (torch, tensorflow, pandas, scipy, ...: the default list)\n"
        "# imported when a module is imported. extend-heavy-modules adds your own heavy\n"
        "# modules to that list; heavy-modules replaces it.\n"
        '# extend-heavy-modules = ["mypackage.big_tables"]\n'
        "\n"
        "[tool.qemlflow-lint.score]\n"
        "# The gate of `qemlflow-lint score` (CI, tox -e lint, the pre-commit hook).\n"
        f"fail-under = {_format_number(fail_under)}\n"
    )


def add_qemlflow_table(text: str | None, fail_under: float, packages: Sequence[str] = ()) -> Edit:
    """``pyproject.toml`` with ``[tool.qemlflow-lint]`` and a score gate.

    A missing table is appended with ``select``, a note on the heavy modules and
    ``[tool.qemlflow-lint.score] fail-under``, and ``packages`` (the library) when init
    found any; in an existing table only a missing ``fail-under`` is added.
    """
    data = toml.parse_toml(text or "")
    if data is None:
        return _unchanged(text, left="pyproject.toml is not valid TOML; nothing was added")
    section = pyproject.dig(data, ("tool", "qemlflow-lint"))
    if section is None:
        after = pyproject.appended(text, qemlflow_table(fail_under, packages))
        table = toml.parse_toml(qemlflow_table(fail_under, packages))
        assert table is not None
        ok, why = _checked_toml(
            text,
            after,
            ("tool", "qemlflow-lint"),
            table["tool"]["qemlflow-lint"],
            f"add [tool.qemlflow-lint] with [tool.qemlflow-lint.score] fail-under = "
            f"{_format_number(fail_under)}",
        )
        if not ok:
            return _unchanged(text, left=why)
        listed = f" with packages = {list(packages)}" if packages else ""
        return Edit(
            after,
            (
                f"added [tool.qemlflow-lint]{listed}",
                f"added [tool.qemlflow-lint.score] fail-under = {_format_number(fail_under)}",
            ),
        )
    if not isinstance(section, dict):
        return _unchanged(text, left="tool.qemlflow-lint is not a table; nothing was added")
    kept = "[tool.qemlflow-lint] already there"
    score = section.get("score")
    if isinstance(score, dict) and "fail-under" in score:
        return _unchanged(text, kept=f"{kept} (fail-under = {_format_number(score['fail-under'])})")
    line = f"fail-under = {_format_number(fail_under)}\n"
    assert text is not None
    tables = pyproject.table_spans(text)
    lines = pyproject.split_at_newlines(text)
    if score is None:
        parent = tables.get(("tool", "qemlflow-lint"))
        block = f"\n[tool.qemlflow-lint.score]\n{line}"
        after = (
            _inserted_after(text, last_content_line(lines, parent), block)
            if parent is not None
            else pyproject.appended(text, block.lstrip("\n"))
        )
        done = f"added [tool.qemlflow-lint.score] fail-under = {_format_number(fail_under)}"
    else:
        span = tables.get(("tool", "qemlflow-lint", "score"))
        if span is None:
            return _unchanged(
                text,
                kept=kept,
                left=f"[tool.qemlflow-lint] has an inline 'score' table: add {line.strip()} to it by hand",
            )
        after = _inserted_after(text, last_content_line(lines, span), line)
        done = f"added fail-under = {_format_number(fail_under)} to [tool.qemlflow-lint.score]"
    ok, why = _checked_toml(
        text,
        after,
        ("tool", "qemlflow-lint", "score", "fail-under"),
        fail_under,
        f"add {line.strip()} to [tool.qemlflow-lint.score]",
    )
    return Edit(after, (done,), (kept,)) if ok else _unchanged(text, kept=kept, left=why)


def _toml_list_item(
    text: str | None,
    table: tuple[str, ...],
    keys: Sequence[str],
    item: str,
    covered: Callable[[str, Any], bool],
    verb: str = "has",
) -> Edit:
    """``item`` in the list ``keys[0]`` (or another spelling of it, ``keys[1:]``) of the
    existing TOML table ``table``: appended to the list, or the key added after the table's
    last entry. ``covered(key, value)`` says whether a key of the table already covers the
    item. A value that is not a list, or a table written as an inline table or with dotted
    keys, is left to the user; so is every edit that would change more than that."""
    where = "[" + ".".join(table) + "]"
    quoted = json.dumps(item)
    data = toml.parse_toml(text or "")
    section = pyproject.dig(data, table) if data is not None else None
    if text is None or not isinstance(section, dict):
        return _unchanged(text, left=f"add {keys[0]} = [{quoted}] to {where} by hand")
    for key, value in section.items():
        if covered(key, value):
            return _unchanged(text, kept=f"{where} {key} already {verb} {item}")
    span = pyproject.table_spans(text).get(table)
    lines = pyproject.split_at_newlines(text)
    present = next((key for key in keys if key in section), None)
    if present is None:
        if span is None:
            return _unchanged(text, left=f"add {keys[0]} = [{quoted}] to {where} by hand")
        after = _inserted_after(text, last_content_line(lines, span), f"{keys[0]} = [{quoted}]\n")
        done = f"added {keys[0]} = [{quoted}] to {where}"
        path, value = (*table, keys[0]), [item]
    else:
        current = section[present]
        line = pyproject.key_line(lines, span, [present]) if span is not None else None
        if not isinstance(current, list) or line is None:
            return _unchanged(text, left=f"{where} {present} is not a list here: add {quoted} to it by hand")
        offset = sum(len(x) for x in lines[:line])
        bracket = text.find("[", offset + text[offset:].index("="))
        inserted = pyproject.array_insertion(text, bracket, quoted)
        if inserted is None:
            return _unchanged(text, left=f"{where} {present}: add {quoted} to it by hand")
        after, done = inserted, f"added {quoted} to {where} {present}"
        path, value = (*table, present), [*current, item]
    ok, why = _checked_toml(text, after, path, value, f"add {quoted} to {where} {keys[0]}")
    return Edit(after, (done,)) if ok else _unchanged(text, left=why)


#: pylint reads its main options from either table name.
_PYLINT_MAIN = ("main", "MAIN", "master", "MASTER")
_LOAD_PLUGINS = ("load-plugins", "load_plugins")


def _loads_the_plugin(key: str, value: Any) -> bool:
    names = value if isinstance(value, list) else re.split(r"[,\s]+", str(value))
    return key in _LOAD_PLUGINS and PYLINT_PLUGIN in names


def add_pylint_plugin(text: str | None) -> Edit:
    """``pyproject.toml`` whose pylint configuration loads the qemlflow-lint plugin:
    appended to an existing ``load-plugins`` list, added to an existing
    ``[tool.pylint.main]`` (or ``MASTER``) table, or a new ``[tool.pylint.main]``."""
    data = toml.parse_toml(text or "")
    if data is None:
        return _unchanged(text, left="pyproject.toml is not valid TOML; pylint's load-plugins was not added")
    pylint = pyproject.dig(data, ("tool", "pylint"))
    pylint = pylint if isinstance(pylint, dict) else {}
    tables = pyproject.table_spans(text or "")
    for name in _PYLINT_MAIN:
        main = pylint.get(name)
        if not isinstance(main, dict):
            continue
        if not any(key in main for key in _LOAD_PLUGINS) and ("tool", "pylint", name) not in tables:
            continue  # a table of dotted keys: another spelling may have a table to edit
        return _toml_list_item(
            text, ("tool", "pylint", name), _LOAD_PLUGINS, PYLINT_PLUGIN, _loads_the_plugin, "loads"
        )
    item = json.dumps(PYLINT_PLUGIN)
    block = f"[tool.pylint.main]\nload-plugins = [{item}]\n"
    after = pyproject.appended(text, block)
    ok, why = _checked_toml(
        text,
        after,
        ("tool", "pylint", "main", "load-plugins"),
        [PYLINT_PLUGIN],
        f"add load-plugins = [{item}] to [tool.pylint.main]",
    )
    return Edit(after, ("added [tool.pylint.main] load-plugins",)) if ok else _unchanged(text, left=why)


#: flake8's option names that select codes, in its spellings.
_FLAKE8_SELECTS = ("select", "extend-select", "extend_select")


def _selects_qf(key: str, value: Any) -> bool:
    """True when the flake8 option ``key`` = ``value`` already selects the QF codes: a code
    prefix that QF starts with (``Q``), or QF codes themselves."""
    items = value if isinstance(value, list) else _list_items(str(value))
    return key in _FLAKE8_SELECTS and any(
        isinstance(code, str) and code and ("QF".startswith(code) or code.startswith("QF")) for code in items
    )


def add_flake8_toml_select(text: str | None) -> Edit:
    """``pyproject.toml``'s ``[tool.flake8]`` table (the Flake8-pyproject plugin reads it,
    instead of flake8's own files) selecting the QF codes: ``extend-select = ["QF"]``, or QF
    appended to an existing ``extend-select`` list. A ``select`` or ``extend-select`` that
    already covers QF is kept."""
    return _toml_list_item(text, ("tool", "flake8"), _FLAKE8_SELECTS[1:], "QF", _selects_qf)


# --- INI (setup.cfg, tox.ini, .flake8, pylintrc) ------------------------------------------

_INI_HEADER = re.compile(r"^\[(?P<name>[^\]\n]+)\][ \t]*(?:[#;].*)?$")


def ini_sections(text: str) -> dict[str, Span]:
    """Each section's header line and the index after its last line (the first, when a
    name repeats)."""
    lines = _lines(text)
    headers = [
        (index, match["name"].strip())
        for index, line in enumerate(lines)
        if (match := _INI_HEADER.match(line))
    ]
    spans: dict[str, Span] = {}
    for number, (index, name) in enumerate(headers):
        end = headers[number + 1][0] if number + 1 < len(headers) else len(lines)
        spans.setdefault(name, Span(index, end))
    return spans


def parse_ini(text: str) -> dict[str, dict[str, str]] | None:
    """The sections and raw values of an INI file as flake8, tox and pylint read it, or
    ``None`` when it does not parse."""
    parser = configparser.RawConfigParser(strict=False, allow_no_value=True)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    return {name: {key: value or "" for key, value in parser.items(name)} for name in parser.sections()}


def ini_problem(text: str) -> str | None:
    """What makes the INI text unreadable to a strict reader (mypy's: a repeated section or
    key is an error there), on one line with its line number; ``None`` when it reads."""
    try:
        configparser.RawConfigParser().read_string(text)
    except configparser.Error as error:
        errors = getattr(error, "errors", None)  # ParsingError: (line number, line) pairs
        line = errors[0][0] if errors else getattr(error, "lineno", None)
        if isinstance(error, configparser.MissingSectionHeaderError):
            what = "a line before the first [section] header"
        elif isinstance(error, configparser.ParsingError):
            what = "a line that is neither a [section] header nor a key = value"
        else:
            what = str(error).split("\n")[0].split(": ", 1)[-1]
        return f"line {line}: {what}" if line else what
    return None


def has_ini_section(text: str | None, names: Sequence[str]) -> bool:
    """True when the INI text has one of the sections ``names``."""
    data = parse_ini(text or "") if text else None
    return data is not None and any(name in data for name in names)


def _checked_ini(before: str | None, after: str, section: str, key: str, value: str) -> bool:
    old = parse_ini(before or "")
    new = parse_ini(after)
    if old is None or new is None:
        return False
    old.setdefault(section, {})[key] = value
    return new == old


def _list_items(value: str) -> list[str]:
    return [item for item in re.split(r"[,\s]+", value) if item]


def add_to_ini_list(
    text: str | None,
    section: str,
    keys: Sequence[str],
    item: str,
    covered: Callable[[str, str], bool] = lambda key, value: False,
) -> Edit:
    """``item`` in the comma-separated list ``keys[0]`` of ``[section]``.

    The first of ``keys`` present in the section (other spellings of one key) gets the item
    appended when its value fits on one line; a missing key is added after the section's last
    key; a missing section is appended. ``covered(key, value)`` says whether another key of
    the section already covers the item (``select = E,QF`` needs no ``extend-select = QF``).
    """
    where = f"[{section}]"
    data = parse_ini(text or "") if text else {}
    if data is None:
        return _unchanged(
            text, left=f"the file does not parse as INI: add {keys[0]} = {item} to {where} by hand"
        )
    values = data.get(section)
    if values is None:
        after = pyproject.appended(text, f"{where}\n{keys[0]} = {item}\n")
        ok = _checked_ini(text, after, section, keys[0], item)
        done = f"added {where} with {keys[0]} = {item}"
        return (
            Edit(after, (done,)) if ok else _unchanged(text, left=f"add {where} {keys[0]} = {item} by hand")
        )
    for key, value in values.items():
        if covered(key, value):
            return _unchanged(text, kept=f"{where} {key} already has {item}")
    present = next((key for key in keys if key in values), None)
    assert text is not None
    lines = _lines(text)
    span = ini_sections(text).get(section)
    if span is None:
        return _unchanged(text, left=f"add {keys[0]} = {item} to {where} by hand")
    if present is None:
        after = _inserted_after(text, last_content_line(lines, span, ("#", ";")), f"{keys[0]} = {item}\n")
        ok = _checked_ini(text, after, section, keys[0], item)
        done = f"added {keys[0]} = {item} to {where}"
        return (
            Edit(after, (done,))
            if ok
            else _unchanged(text, left=f"add {keys[0]} = {item} to {where} by hand")
        )
    value = values[present]
    if item in _list_items(value):
        return _unchanged(text, kept=f"{where} {present} already has {item}")
    pattern = re.compile(rf"^{re.escape(present)}[ \t]*[=:]", re.IGNORECASE)
    line = next((i for i in range(span.header + 1, span.end) if pattern.match(lines[i])), None)
    if line is None or "\n" in value.strip() or not value.strip() or re.search(r"[#;]", value):
        return _unchanged(
            text, left=f"{where} {present} spans several lines or has a comment: add {item} to it by hand"
        )
    content = lines[line].rstrip()
    separator = ", " if ", " in value else ","
    lines[line] = content + separator + item + lines[line][len(content) :]
    after = "\n".join(lines)
    ok = _checked_ini(text, after, section, present, value + separator + item)
    done = f"added {item} to {where} {present}"
    return Edit(after, (done,)) if ok else _unchanged(text, left=f"add {item} to {where} {present} by hand")


def add_flake8_select(text: str | None) -> Edit:
    """The ``[flake8]`` section selecting the QF codes (``extend-select = QF``)."""
    return add_to_ini_list(
        text,
        "flake8",
        ("extend-select", "extend_select"),
        "QF",
        covered=_selects_qf,
    )


def tox_requirement(source: InstallSource = INDEX) -> str:
    """The ``deps`` line of the lint environment: the source with the ``flake8`` extra, with
    the characters tox reads as comments and substitutions escaped. tox resolves a relative
    path from ``tox.ini``'s folder, the project root."""
    return re.sub(r"([#{}])", r"\\\1", source.requirement(flake8=True))


def lint_environment(source: InstallSource = INDEX) -> str:
    """The tox ``[testenv:lint]`` section: the QF findings through flake8 (information),
    then the gates against the baseline: no new finding or unreadable file, and the score
    not below ``[tool.qemlflow-lint.score] fail-under``."""
    return (
        "[testenv:lint]\n"
        "description = the QF rules through flake8, then qemlflow-lint's gates: nothing new "
        f"since the baseline ({BASELINE}), and the score\n"
        "skip_install = true\n"
        "deps =\n"
        f"    {tox_requirement(source)}\n"
        "commands =\n"
        f"    {flake8_command('{posargs:.}')}\n"
        f"    {CHECK_COMMAND}\n"
        f"    {SCORE_COMMAND}\n"
    )


def _installing(source: InstallSource, requirement: str, why: str = "") -> tuple[str, ...]:
    """The note that says where a generated file installs qemlflow-lint from (none for the
    default)."""
    return () if source.kind == "index" else (f"installing {requirement}{why}",)


#: A ``deps`` line that installs qemlflow-lint, as init writes it: a requirement of it, or a
#: path or URL with the ``flake8`` extra.
_OUR_DEPS_LINE = re.compile(r"^[ \t]+(qemlflow[-_.]lint\b.*|\S+\[flake8\])[ \t]*$", re.IGNORECASE)


def _repinned_tox(text: str, wanted: str) -> Edit:
    """``[testenv:lint]`` installing ``wanted`` instead of the qemlflow-lint it installed."""
    lines = _lines(text)
    span = ini_sections(text).get("testenv:lint")
    found: list[int] = []
    in_deps = False
    for index in range(span.header + 1, span.end) if span else ():
        line = lines[index]
        if line[:1] not in (" ", "\t"):
            in_deps = re.match(r"deps[ \t]*[=:]", line) is not None
        elif in_deps and _OUR_DEPS_LINE.match(line):
            found.append(index)
    if len(found) != 1:
        return _unchanged(
            text,
            kept="[testenv:lint] already runs qemlflow-lint",
            left=f"[testenv:lint] was left as it is: make its deps install {wanted}",
        )
    indent = lines[found[0]][: len(lines[found[0]]) - len(lines[found[0]].lstrip())]
    old = lines[found[0]].strip()
    lines[found[0]] = indent + wanted
    after = "\n".join(lines)
    before = parse_ini(text) or {}
    deps = before.get("testenv:lint", {}).get("deps", "")
    if not _checked_ini(text, after, "testenv:lint", "deps", deps.replace(old, wanted, 1)):
        return _unchanged(text, left=f"[testenv:lint] was left as it is: make its deps install {wanted}")
    return Edit(after, (f"[testenv:lint] now installs {wanted}",))


def add_lint_environment(text: str | None, source: InstallSource = INDEX) -> Edit:
    """``tox.ini`` with a ``[testenv:lint]`` environment (a new ``tox.ini`` gets ``[tox]``
    too). An existing ``lint`` environment is left as it is."""
    installing = _installing(source, source.requirement(flake8=True))
    if text is None:
        return Edit(
            "[tox]\nenv_list = lint\n\n" + lint_environment(source),
            ("added [tox] and [testenv:lint]", *installing),
        )
    data = parse_ini(text)
    if data is None:
        return _unchanged(text, left="tox.ini does not parse as INI: add [testenv:lint] by hand")
    existing = data.get("testenv:lint")
    if existing is not None:
        if "qemlflow-lint" in existing.get("commands", "") or "--select QF" in existing.get("commands", ""):
            wanted = tox_requirement(source)
            if wanted in [line.strip() for line in existing.get("deps", "").splitlines()]:
                return _unchanged(text, kept="[testenv:lint] already runs qemlflow-lint")
            return _repinned_tox(text, wanted)
        return _unchanged(
            text,
            left="[testenv:lint] exists and was left as it is: add `flake8 --select QF .` "
            "and `qemlflow-lint score` to its commands",
        )
    after = pyproject.appended(text, lint_environment(source))
    new = parse_ini(after)
    expected = parse_ini(lint_environment(source))
    assert expected is not None
    if new != {**data, **expected}:
        return _unchanged(text, left="add [testenv:lint] by hand (the edit would change more than intended)")
    return Edit(after, ("added [testenv:lint]", *installing))


# --- pre-commit and GitHub Actions (YAML) ----------------------------------------------------


def pre_commit_requirement(source: InstallSource = INDEX) -> str:
    """The hooks' ``additional_dependencies`` item: pre-commit runs pip in an environment
    folder of its own, so a path is absolute there."""
    return source.requirement(absolute=True)


def pre_commit_repo(indent: str = "  ", source: InstallSource = INDEX) -> str:
    """The ``repos:`` item with the qemlflow-lint hooks, each line starting with ``indent``.

    A ``local`` repository with ``language: python``: pre-commit installs qemlflow-lint (by
    default the pinned release from the package index) into an environment of its own, so it
    needs no hook repository and runs the same version as CI and tox.
    """
    dependency = json.dumps(pre_commit_requirement(source))  # a YAML double-quoted string
    body = (
        "# qemlflow-lint: the QF rules on the committed files, and the score gate\n"
        "- repo: local\n"
        "  hooks:\n"
        "    - id: qemlflow-lint\n"
        "      name: qemlflow-lint (QF rules)\n"
        "      entry: qemlflow-lint check\n"
        "      language: python\n"
        f"      additional_dependencies: [{dependency}]\n"
        f"      args: [--baseline, {BASELINE}]\n"
        "      types: [python]\n"
        "      require_serial: true\n"
        "    - id: qemlflow-lint-score\n"
        "      name: qemlflow-lint score gate\n"
        "      entry: qemlflow-lint score\n"
        "      language: python\n"
        f"      additional_dependencies: [{dependency}]\n"
        f"      args: [--baseline, {BASELINE}]\n"
        "      files: '(\\.pyi?|(^|/)pyproject\\.toml)$'\n"
        "      pass_filenames: false\n"
        "      require_serial: true\n"
    )
    return "".join(indent + line for line in body.splitlines(keepends=True))


_HOOK_ID = re.compile(r"^[ \t-]*id:[ \t]*[\"']?(?P<id>[\w.-]+)[\"']?[ \t]*(?:#.*)?$", re.MULTILINE)
_REPOS = re.compile(r"^repos:[ \t]*(?:#.*)?$")


def _pre_commit_installing(source: InstallSource) -> tuple[str, ...]:
    absolute = source.kind == "path" and source.text != source.absolute
    why = " (absolute: pre-commit installs it from a folder of its own)" if absolute else ""
    return _installing(source, pre_commit_requirement(source), why)


_DEPENDENCIES = re.compile(r"^(?P<indent>[ \t]*)additional_dependencies:[ \t]*\[[^\],]*\][ \t]*$")


def _repinned_hooks(text: str, requirement: str, kept: str) -> Edit:
    """The qemlflow-lint hooks installing ``requirement`` instead of what they installed: the
    one-item ``additional_dependencies`` of each of those hooks replaced."""
    lines = _lines(text)
    ours = False
    changed = 0
    for index, line in enumerate(lines):
        hook = _HOOK_ID.match(line)
        if hook and line.lstrip().startswith("- "):
            ours = hook["id"] in HOOK_IDS
            continue
        found = _DEPENDENCIES.match(line)
        if ours and found:
            lines[index] = f"{found['indent']}additional_dependencies: [{json.dumps(requirement)}]"
            changed += 1
    if not changed:
        return _unchanged(
            text,
            kept=kept,
            left=f"the hooks were left as they are: make their additional_dependencies install {requirement}",
        )
    return Edit("\n".join(lines), (f"the qemlflow-lint hooks now install {requirement}",), (kept,))


def add_pre_commit_hooks(text: str | None, source: InstallSource = INDEX) -> Edit:
    """``.pre-commit-config.yaml`` with the qemlflow-lint hooks: a new file, or the item
    appended to the top-level block ``repos:`` list (with that list's indentation)."""
    if text is None:
        header = "# pre-commit (https://pre-commit.com): run `pre-commit install` once.\nrepos:\n"
        return Edit(
            header + pre_commit_repo(source=source),
            ("added the qemlflow-lint hooks", *_pre_commit_installing(source)),
        )
    present = sorted({match["id"] for match in _HOOK_ID.finditer(text)} & set(HOOK_IDS))
    if present:
        requirement = pre_commit_requirement(source)
        kept = f"already has the hook{'s' if len(present) > 1 else ''} {', '.join(present)}"
        if json.dumps(requirement) in text:
            return _unchanged(text, kept=kept)
        return _repinned_hooks(text, requirement, kept)
    lines = _lines(text)
    start = next((index for index, line in enumerate(lines) if _REPOS.match(line)), None)
    if start is None:
        return _unchanged(
            text,
            left="no block-style top-level `repos:` list: add the entry that "
            "`qemlflow-lint init --dry-run` shows by hand",
        )
    last, indent = start, None
    for index in range(start + 1, len(lines)):
        line = lines[index]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not line[0].isspace() and not stripped.startswith("-"):
            break
        if indent is None and stripped.startswith("-"):
            indent = line[: len(line) - len(line.lstrip())]
        last = index
    if indent is None and last != start:
        return _unchanged(text, left="the `repos:` list has an unusual layout: add the entry by hand")
    after = _inserted_after(text, last, pre_commit_repo(indent if indent is not None else "  ", source))
    return Edit(after, ("added the qemlflow-lint hooks to repos", *_pre_commit_installing(source)))


def _shell_word(word: str) -> str:
    """``word`` as one shell word: in double quotes unless it has a character they do not
    protect."""
    return f'"{word}"' if not re.search(r'["$`\\!]', word) else shlex.quote(word)


def _yaml_scalar(value: str) -> str:
    """``value`` as a YAML scalar: plain when YAML reads it back unchanged, else
    double-quoted (a JSON string is a valid YAML double-quoted scalar)."""
    plain = (
        value.isprintable()
        and value == value.strip()
        and value[:1] not in "-?:,[]{}#&*!|>'\"%@`"
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
    )
    return value if plain else json.dumps(value)


def workflow_install(source: InstallSource = INDEX) -> str:
    """The workflow's install command: qemlflow-lint and flake8, from ``source``. CI runs it
    in the checkout's root, so a relative path stays as written."""
    return f"python -m pip install {_shell_word(source.requirement(flake8=True))}"


_INSTALL_STEP = re.compile(
    r"^(      - name: Install qemlflow-lint and flake8\n)        run: .*\n", re.MULTILINE
)


def same_workflow_but_the_install(text: str, wanted: str) -> bool:
    """True when ``text`` is the workflow init writes, installing from another source."""
    return _INSTALL_STEP.sub(r"\1", text) == _INSTALL_STEP.sub(r"\1", wanted)


def workflow(source: InstallSource = INDEX) -> str:
    """The GitHub Actions workflow: the score gate with the new findings as annotations
    (and a job summary), no new finding, then the QF rules through flake8 (information)."""
    return (
        "# qemlflow-lint: the score gate ([tool.qemlflow-lint.score] fail-under in pyproject.toml)\n"
        f"# and no finding or unreadable file that {BASELINE} does not record; the new\n"
        "# findings as annotations; the QF rules through flake8, which do not fail the job.\n"
        "name: qemlflow-lint\n"
        "\n"
        "on:\n"
        "  push:\n"
        "  pull_request:\n"
        "\n"
        "permissions:\n"
        "  contents: read\n"
        "\n"
        "jobs:\n"
        "  qemlflow-lint:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - uses: actions/setup-python@v5\n"
        "        with:\n"
        '          python-version: "3.x"\n'
        "      - name: Install qemlflow-lint and flake8\n"
        f"        run: {_yaml_scalar(workflow_install(source))}\n"
        "      - name: Score gate, new findings as annotations\n"
        f"        run: {SCORE_COMMAND} --format github .\n"
        "      - name: No new finding\n"
        "        if: ${{ !cancelled() }}\n"
        f"        run: {CHECK_COMMAND} .\n"
        "      - name: QF rules through flake8 (information)\n"
        "        if: ${{ !cancelled() }}\n"
        f"        run: {flake8_command('.')}\n"
    )
