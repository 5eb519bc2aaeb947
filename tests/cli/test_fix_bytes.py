"""The bytes ``qemlflow-lint fix`` writes, on disk and on standard output: every byte outside
the fix stays as it was, whatever the line endings (LF, CRLF, a lone CR, mixed), the BOM or
the encoding a PEP 263 declaration names. QF004's fix (with ``--unsafe-fixes``) stands in
for every fix; ``tests/fix/test_line_endings.py`` holds every fixer to the same endings."""

from __future__ import annotations

import codecs
import os
import sys
from pathlib import Path
from types import SimpleNamespace

import libcst as cst
import pytest

from qemlflow_lint.cli import main
from qemlflow_lint.fix import apply as fix_apply
from qemlflow_lint.fix.model import UNSAFE, Applied, FixSource, Plan
from tests.cli.test_fix_writes import BARE, CONFIG, FIXED, PACKAGE, fix, lines
from tests.frontends import write_tree

LATIN = '# -*- coding: latin-1 -*-\n"""Café."""\n\n\ndef f():\n    """Fält."""\n    try:\n        pass\n    except:\n        pass\n'
LATIN_FIXED = LATIN.replace("except:", "except Exception:")
#: Line endings, by name.
ENDINGS = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}


def _mixed(text: str) -> str:
    """``text`` with its lines ended by LF, CRLF and CR in turn."""
    parts = text.split("\n")
    endings = ["\n", "\r\n", "\r"]
    return "".join(part + endings[i % 3] for i, part in enumerate(parts[:-1])) + parts[-1]


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A project selecting QF004 alone, with an empty package."""
    return write_tree(tmp_path, {"pyproject.toml": CONFIG, "pkg/__init__.py": PACKAGE})


@pytest.mark.parametrize("ending", ENDINGS.values(), ids=ENDINGS.keys())
@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8], ids=["no-bom", "bom"])
def test_line_endings_and_the_bom_are_kept_on_disk(project: Path, ending: str, bom: bytes) -> None:
    module = project / "pkg/io.py"
    module.write_bytes(bom + BARE.replace("\n", ending).encode())
    done = fix(project, "pkg")
    assert done.returncode == 0, done.stderr
    assert lines(done.stderr) == ["Fixed 1 finding in 1 file (0 safe, 1 unsafe)."]
    assert module.read_bytes() == bom + FIXED.replace("\n", ending).encode()


def test_mixed_line_endings_are_kept_line_by_line(project: Path) -> None:
    module = project / "pkg/io.py"
    module.write_bytes(_mixed(BARE).encode())
    assert _mixed(BARE).endswith("\r")  # the last line ends with a lone CR, the hardest case
    assert fix(project, "pkg").returncode == 0
    assert module.read_bytes() == _mixed(FIXED).encode()


def test_the_diff_of_a_file_with_lone_cr_endings_marks_no_missing_newline(project: Path) -> None:
    (project / "pkg/io.py").write_bytes(BARE.replace("\n", "\r").encode())
    done = fix(project, "pkg", "--diff")
    assert done.returncode == 1
    # Each line keeps its CR, then ends as a diff's lines do; no line is missing its end.
    assert done.stdout.decode().split("\n") == [
        "--- a/pkg/io.py",
        "+++ b/pkg/io.py",
        "@@ -5,5 +5,5 @@",
        '     """Load."""\r',
        "     try:\r",
        "         return open(path).read()\r",
        "-    except:  # keep me\r",
        "+    except Exception:  # keep me\r",
        "         return None\r",
        "",
    ]


def test_a_file_with_a_coding_declaration_is_rewritten_in_its_encoding(project: Path) -> None:
    module = project / "pkg/latin.py"
    module.write_bytes(LATIN.encode("latin-1"))
    done = fix(project, "pkg")
    assert done.returncode == 0, done.stderr
    assert lines(done.stdout) == ["pkg/latin.py:9:5: QF004 fixed (unsafe): now catches Exception"]
    assert module.read_bytes() == LATIN_FIXED.encode("latin-1")
    # The diff shows the text, whatever its encoding on disk.
    module.write_bytes(LATIN.encode("latin-1"))
    diff = fix(project, "pkg", "--diff")
    assert diff.returncode == 1
    assert "-    except:\n+    except Exception:\n" in diff.stdout.decode()


# --- standard input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("buffer", "expected"),
    [
        pytest.param(BARE.encode(), FIXED.encode(), id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + BARE.encode(), codecs.BOM_UTF8 + FIXED.encode(), id="utf-8-with-bom"),
        pytest.param(LATIN.encode("latin-1"), LATIN_FIXED.encode("latin-1"), id="latin-1-declared"),
        pytest.param(
            LATIN.replace("latin-1", "cp1252").replace("Café", "Café €").encode("cp1252"),
            LATIN_FIXED.replace("latin-1", "cp1252").replace("Café", "Café €").encode("cp1252"),
            id="cp1252-declared",
        ),
        pytest.param(
            BARE.replace("\n", "\r").encode(), FIXED.replace("\n", "\r").encode(), id="lone-cr-endings"
        ),
        pytest.param(_mixed(BARE).encode(), _mixed(FIXED).encode(), id="mixed-endings"),
    ],
)
def test_standard_input_is_printed_fixed_in_the_encoding_it_declares(
    project: Path, buffer: bytes, expected: bytes
) -> None:
    done = fix(project, "-", "--stdin-filename", "pkg/io.py", stdin=buffer)
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected
    assert lines(done.stderr) == ["Would fix 1 finding in 1 file (0 safe, 1 unsafe)."]


def test_a_buffer_that_is_not_valid_in_its_encoding_is_printed_as_it_came(project: Path) -> None:
    buffer = BARE.encode() + b"# \xff\n"
    done = fix(project, "-", "--stdin-filename", "pkg/io.py", stdin=buffer)
    assert done.returncode == 0
    assert done.stdout == buffer
    assert lines(done.stderr) == [
        "Would fix 0 findings in 0 files.",
        "Not fixed: pkg/io.py: cannot decode byte 0xff as utf-8 (invalid start byte) (line 10)",
    ]


def _euro_fixer() -> SimpleNamespace:
    """A fixer whose fix writes a character Latin-1 lacks (no real fixer does yet)."""

    def plan(source: FixSource, unsafe: bool) -> Plan:
        applied = tuple(Applied(f, UNSAFE, "priced") for f in source.findings)
        fixed = source.text.replace("except:", "except Exception:  # €")
        return Plan({source.tree: [lambda module: cst.parse_module(fixed)]}, applied)

    return SimpleNamespace(plan=plan)


def test_a_fix_the_declared_encoding_cannot_hold_is_not_made(
    project: Path, monkeypatch: pytest.MonkeyPatch, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.setattr(fix_apply, "FIX_ORDER", (("QF004", _euro_fixer()),))
    monkeypatch.chdir(project)
    buffer = LATIN.encode("latin-1")
    read, write = os.pipe()
    os.write(write, buffer)
    os.close(write)
    monkeypatch.setattr(sys, "stdin", os.fdopen(read, "r"))
    assert main(["fix", "-", "--stdin-filename", "pkg/latin.py", "--unsafe-fixes", "--no-cache"]) == 0
    out, err = capfdbinary.readouterr()
    assert out == buffer
    assert err.decode().splitlines() == [
        "Would fix 0 findings in 0 files.",
        "Left 1:",
        "  QF004 (1): the fixed text cannot be encoded in the file's encoding (1)",
        "Not fixed: pkg/latin.py: the fixed text has '€', which iso-8859-1 cannot encode",
    ]
    # On disk too: the file keeps its bytes, and says why.
    (project / "pkg/latin.py").write_bytes(buffer)
    assert main(["fix", "pkg", "--unsafe-fixes", "--no-cache"]) == 0
    assert (project / "pkg/latin.py").read_bytes() == buffer
    assert capfdbinary.readouterr().err.decode().splitlines()[-1] == (
        "Not fixed: pkg/latin.py: the fixed text has '€', which iso-8859-1 cannot encode"
    )


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="/dev/full is a Linux device")
def test_standard_output_that_cannot_be_written_exits_2(project: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = fix(project, "-", "--stdin-filename", "pkg/io.py", stdin=BARE.encode(), stdout=full)
    assert done.returncode == 2
    assert lines(done.stderr) == [
        "Not written: standard output: No space left on device",
        "Would fix 1 finding in 1 file (0 safe, 1 unsafe).",
    ]
