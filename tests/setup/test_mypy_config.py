"""mypy's configuration as ``init --typing`` reads and edits it: the file mypy reads, which
modules it checks strictly (held to mypy's own reading of the same file), and the text
edits, case by case."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from qemlflow_lint.config.toml import parse_toml
from qemlflow_lint.setup.files import parse_ini
from qemlflow_lint.setup.mypy_config import (
    MypyConfigError,
    add_ratchet,
    checks_strictly,
    config_file,
    read_config,
)
from tests.tools import needs_module

FLAGS = "disallow_untyped_defs = True\ndisallow_incomplete_defs = True\n"
TOML_FLAGS = "disallow_untyped_defs = true\ndisallow_incomplete_defs = true\n"

# --- which file mypy reads --------------------------------------------------------------------

CHOICES: list[Any] = [
    pytest.param({}, "pyproject.toml", id="no-configuration-at-all-pyproject"),
    pytest.param(
        {"pyproject.toml": "[project]\nname = 'x'\n"}, "pyproject.toml", id="pyproject-without-mypy"
    ),
    pytest.param(
        {"mypy.ini": "", ".mypy.ini": "[mypy]\n", "pyproject.toml": "[tool.mypy]\n", "setup.cfg": "[mypy]\n"},
        "mypy.ini",
        id="mypy-ini-first-even-empty",
    ),
    pytest.param(
        {".mypy.ini": "[mypy]\n", "pyproject.toml": "[tool.mypy]\n"}, ".mypy.ini", id="dot-mypy-ini-next"
    ),
    pytest.param(
        {"pyproject.toml": "[tool.mypy]\nstrict = true\n", "setup.cfg": "[mypy]\n"},
        "pyproject.toml",
        id="pyproject-with-tool-mypy-before-setup-cfg",
    ),
    pytest.param(
        {"pyproject.toml": "[[tool.mypy.overrides]]\nmodule = 'a'\n", "setup.cfg": "[mypy]\n"},
        "pyproject.toml",
        id="overrides-alone-make-a-tool-mypy-table",
    ),
    pytest.param(
        {"pyproject.toml": "[tool.black]\n", "setup.cfg": "[mypy]\nstrict = True\n"},
        "setup.cfg",
        id="setup-cfg-with-a-mypy-section",
    ),
    pytest.param(
        {"setup.cfg": "[metadata]\nname = x\n\n[mypy-a.*]\nstrict = True\n"},
        "pyproject.toml",
        id="setup-cfg-without-the-mypy-section-is-not-read",
    ),
]


@pytest.mark.parametrize(("files", "chosen"), CHOICES)
def test_the_file_is_the_one_mypy_reads(files: dict[str, str], chosen: str) -> None:
    assert config_file(files.get) == chosen


@pytest.mark.parametrize(
    ("files", "message"),
    [
        pytest.param(
            {"mypy.ini": "[mypy]\nx = 1\nx = 2\n"},
            "mypy.ini: not an INI file that mypy can read (line 3: option 'x' in section 'mypy' already exists)",
            id="mypy-ini-repeated-key",
        ),
        pytest.param(
            {"pyproject.toml": "[tool.mypy\n"}, "pyproject.toml: not valid TOML (", id="pyproject-bad-toml"
        ),
        pytest.param(
            {"setup.cfg": "name = x\n"},
            "setup.cfg: not an INI file that mypy can read (line 1: a line before the first [section] header)",
            id="setup-cfg-no-header",
        ),
    ],
)
def test_a_file_that_does_not_parse_is_an_error(files: dict[str, str], message: str) -> None:
    with pytest.raises(MypyConfigError) as raised:
        name = config_file(files.get)
        read_config(name, files.get(name))
    assert str(raised.value).startswith(message) and "\n" not in str(raised.value)


def test_overrides_that_mypy_rejects_are_an_error() -> None:
    for text, reason in [
        ("[tool.mypy]\noverrides = 1\n", "is not an array of tables"),
        ("[[tool.mypy.overrides]]\nstrict = true\n", "a table without a module name or list"),
        (
            "[[tool.mypy.overrides]]\nmodule = 'a'\nignore_errors = true\n"
            "[[tool.mypy.overrides]]\nmodule = ['a']\nignore_errors = false\n",
            "two values of ignore_errors for a",
        ),
    ]:
        with pytest.raises(MypyConfigError, match=reason):
            read_config("pyproject.toml", text)


# --- which modules mypy checks strictly: as mypy itself reads the file --------------------------

#: Modules whose resolution each case is checked for.
MODULES = ("a", "a.b", "a.b.c", "a.c", "a.x.c", "b", "b.c", "x.c")
RESOLUTIONS: list[Any] = [
    pytest.param("mypy.ini", "[mypy]\nstrict = True\n", id="global-strict-sets-both"),
    pytest.param(
        "mypy.ini", "[mypy]\nstrict = True\ndisallow_untyped_defs = False\n", id="a-key-after-strict-wins"
    ),
    pytest.param("mypy.ini", f"[mypy-a]\n{FLAGS}", id="an-exact-name-is-that-module-only"),
    pytest.param("mypy.ini", f"[mypy-a.*]\n{FLAGS}", id="a-star-pattern-covers-the-package-itself"),
    pytest.param(
        "mypy.ini",
        f"[mypy-a.b.*]\nallow_untyped_defs = True\n[mypy-a.*]\n{FLAGS}",
        id="the-more-specific-pattern-wins-whatever-the-order",
    ),
    pytest.param("mypy.ini", f"[mypy-a.*.c]\n{FLAGS}", id="an-unstructured-glob"),
    pytest.param(
        "mypy.ini",
        "[mypy-a.*,b]\ndisallow_untyped_defs = 1\ndisallow_incomplete_defs = on\n[mypy-a.*]\nwarn_return_any = True\n",
        id="a-later-section-of-a-pattern-replaces-the-earlier-one",
    ),
    pytest.param(
        "mypy.ini",
        f"[mypy]\n{FLAGS}[mypy-a.b]\ndisallow_incomplete_defs = False\n",
        id="a-module-turns-one-flag-off",
    ),
    pytest.param(
        "pyproject.toml",
        '[tool.mypy]\nstrict = true\n[[tool.mypy.overrides]]\nmodule = "a.b.*"\ndisallow_untyped_defs = false\n',
        id="toml-override-turns-a-flag-off",
    ),
    pytest.param(
        "pyproject.toml",
        '[[tool.mypy.overrides]]\nmodule = ["a.*", "b"]\ndisallow_untyped_defs = true\n'
        '[[tool.mypy.overrides]]\nmodule = ["a.*"]\ndisallow_incomplete_defs = true\n',
        id="toml-tables-of-one-pattern-merge",
    ),
    pytest.param(
        "pyproject.toml",
        '[[tool.mypy.overrides]]\nmodule = ["*.c"]\ndisallow_untyped_defs = true\ndisallow_incomplete_defs = "True"\n',
        id="toml-glob-and-a-string-boolean",
    ),
]


@pytest.mark.parametrize(("name", "text"), RESOLUTIONS)
def test_strict_modules_are_those_mypy_checks_strictly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str
) -> None:
    process_options = needs_module("mypy.main", "mypy reads the same configuration").process_options
    monkeypatch.delenv("MYPY_CONFIG_FILE_DIR", raising=False)  # mypy sets it

    (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "x.py").write_text("", encoding="utf-8")
    _, options = process_options(
        ["--config-file", str(tmp_path / name), str(tmp_path / "x.py")],
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    config = read_config(name, text)
    for module in MODULES:
        theirs = options.clone_for_module(module)
        expected = theirs.disallow_untyped_defs and theirs.disallow_incomplete_defs
        assert checks_strictly(config, module) == expected, module


# --- the text edits, case by case ------------------------------------------------------------

EDITS: list[Any] = [
    pytest.param(
        "mypy.ini",
        "[mypy]\nwarn_unused_ignores = True\n",
        ["lab.io.*", "tool"],
        "[mypy]\nwarn_unused_ignores = True\n\n"
        "# `qemlflow-lint init --typing`: packages whose public defs are all annotated (QF002).\n"
        f"[mypy-lab.io.*]\n{FLAGS}\n[mypy-tool]\n{FLAGS}",
        id="ini-sections-appended",
    ),
    pytest.param(
        "setup.cfg",
        "[mypy]\nstrict = False\n# about flake8\n\n[flake8]\nmax-line-length = 100\n",
        ["lab.*"],
        "[mypy]\nstrict = False\n\n"
        "# `qemlflow-lint init --typing`: packages whose public defs are all annotated (QF002).\n"
        f"[mypy-lab.*]\n{FLAGS}"
        "# about flake8\n\n[flake8]\nmax-line-length = 100\n",
        id="ini-sections-go-after-the-last-mypy-section",
    ),
    pytest.param(
        "mypy.ini",
        "[mypy-lab.*]\nignore_missing_imports = True  ; third-party stubs\n\n[mypy-other]\nx = 1\n",
        ["lab.*"],
        f"[mypy-lab.*]\nignore_missing_imports = True  ; third-party stubs\n{FLAGS}\n[mypy-other]\nx = 1\n",
        id="ini-section-of-the-pattern-gains-the-flags",
    ),
    pytest.param(
        "mypy.ini",
        "[mypy-lab.*]\ndisallow_untyped_defs = True\n",
        ["lab.*"],
        "[mypy-lab.*]\ndisallow_untyped_defs = True\ndisallow_incomplete_defs = True\n",
        id="ini-section-gains-the-missing-flag-only",
    ),
    pytest.param(
        "pyproject.toml",
        "[project]\nname = 'lab'\n",
        ["lab.io.*"],
        "[project]\nname = 'lab'\n\n[[tool.mypy.overrides]]\n"
        "# `qemlflow-lint init --typing`: the packages whose public defs are all annotated\n"
        "# (QF002 at 100 %). Rerunning it adds the packages that get there; it removes none.\n"
        f'module = ["lab.io.*"]\n{TOML_FLAGS}',
        id="toml-table-appended",
    ),
    pytest.param(
        "pyproject.toml",
        '[tool.mypy]\nstrict = false  # for now\n\n[[tool.mypy.overrides]]\nmodule = "yaml"\n'
        "ignore_missing_imports = true\n# about ruff\n\n[tool.ruff]\nline-length = 100\n",
        ["lab.*"],
        '[tool.mypy]\nstrict = false  # for now\n\n[[tool.mypy.overrides]]\nmodule = "yaml"\n'
        "ignore_missing_imports = true\n\n[[tool.mypy.overrides]]\n"
        "# `qemlflow-lint init --typing`: the packages whose public defs are all annotated\n"
        "# (QF002 at 100 %). Rerunning it adds the packages that get there; it removes none.\n"
        f'module = ["lab.*"]\n{TOML_FLAGS}'
        "# about ruff\n\n[tool.ruff]\nline-length = 100\n",
        id="toml-table-goes-after-the-last-mypy-table",
    ),
    pytest.param(
        "pyproject.toml",
        f'[[tool.mypy.overrides]]\nmodule = ["lab.io.*"]  # typed\n{TOML_FLAGS}',
        ["lab.models.*", "tool"],
        f'[[tool.mypy.overrides]]\nmodule = ["lab.io.*", "lab.models.*", "tool"]  # typed\n{TOML_FLAGS}',
        id="toml-the-ratchet-table-gets-the-next-packages",
    ),
    pytest.param(
        "pyproject.toml",
        f'[[tool.mypy.overrides]]\nmodule = [\n    "lab.io.*",\n]\n{TOML_FLAGS}',
        ["lab.models.*"],
        f'[[tool.mypy.overrides]]\nmodule = [\n    "lab.io.*",\n    "lab.models.*",\n]\n{TOML_FLAGS}',
        id="toml-multi-line-module-list",
    ),
]


@pytest.mark.parametrize(("name", "before", "patterns", "after"), EDITS)
def test_text_edits(name: str, before: str, patterns: list[str], after: str) -> None:
    edit = add_ratchet(name, before, patterns)
    assert edit.text == after
    assert edit.done and not edit.left
    config = read_config(name, edit.text)
    assert all(checks_strictly(config, pattern.removesuffix(".*")) for pattern in patterns)


LEFT: list[Any] = [
    pytest.param(
        "mypy.ini",
        "[mypy-lab.*]\ndisallow_untyped_defs = False\n",
        "[mypy-lab.*] turns disallow_untyped_defs off: turn it on by hand when lab.* is ready",
        id="ini-a-flag-the-user-turned-off",
    ),
    pytest.param(
        "mypy.ini",
        "[mypy-yaml,lab.*]\nignore_missing_imports = True\n",
        "[mypy-yaml,lab.*] also covers lab.*: set disallow_untyped_defs and disallow_incomplete_defs "
        "= True for it by hand",
        id="ini-a-section-shared-with-another-pattern",
    ),
    pytest.param(
        "pyproject.toml",
        "[[tool.mypy.overrides]]\nmodule = ['lab.*']\nallow_incomplete_defs = true\n",
        "a [[tool.mypy.overrides]] table turns disallow_incomplete_defs off for lab.*: turn it on there "
        "by hand (mypy rejects a second value)",
        id="toml-a-flag-the-user-turned-off",
    ),
    pytest.param(
        "pyproject.toml",
        "[tool.mypy]\noverrides = [{ module = 'yaml', ignore_missing_imports = true }]\n",
        "add [[tool.mypy.overrides]] for lab.* by hand (an edit would change more than that)",
        id="toml-inline-overrides",
    ),
]


@pytest.mark.parametrize(("name", "before", "note"), LEFT)
def test_what_cannot_be_merged_is_left_and_said(name: str, before: str, note: str) -> None:
    edit = add_ratchet(name, before, ["lab.*"])
    assert edit.text == before and not edit.done
    assert edit.left == (note,)


def test_edits_change_nothing_but_the_flags() -> None:
    before = "[mypy]\r\nstrict = False\r\n"  # the caller turns CRLF into \n and back
    assert add_ratchet("mypy.ini", before, []).text == before
    ini = add_ratchet("mypy.ini", "[mypy]\n[other]\nk = v\n", ["a.*"]).text
    assert ini is not None and parse_ini(ini) == {
        "mypy": {},
        "other": {"k": "v"},
        "mypy-a.*": {"disallow_untyped_defs": "True", "disallow_incomplete_defs": "True"},
    }
    toml = add_ratchet("pyproject.toml", None, ["a.*"]).text
    assert toml is not None and parse_toml(toml) == {
        "tool": {
            "mypy": {
                "overrides": [
                    {"module": ["a.*"], "disallow_untyped_defs": True, "disallow_incomplete_defs": True}
                ]
            }
        }
    }
