"""What a file reads of the names of a project's modules: one named case per way of reading
(``from`` imports, attribute chains, the patch and ``getattr`` family, star imports,
doctests, documentation pages), the look-alikes that read nothing, and how a project's
reads are put together per module."""

from __future__ import annotations

import ast
from textwrap import dedent
from typing import NamedTuple

import pytest

from qemlflow_lint.analysis.names.attribute_reads import (
    AttributeRead,
    FileReads,
    ProjectReads,
    ReadSite,
    file_reads,
    mentions,
    text_reads,
)

PACKAGES = frozenset({"pkg"})


class Case(NamedTuple):
    """A reader's source, and the ``(module, name)`` reads it must give (among others)."""

    name: str
    source: str
    reads: tuple[tuple[str, str], ...]
    module: str = "tests.test_a"
    is_package: bool = False


READS = [
    Case("from_import", "from pkg.a import np\n", (("pkg.a", "np"),)),
    Case("from_import_as", "from pkg.a import np as numpy\n", (("pkg.a", "np"),)),
    Case("relative_from_import", "from .a import np\n", (("pkg.a", "np"),), module="pkg.b"),
    Case("relative_from_parent", "from ..a import np\n", (("pkg.a", "np"),), module="pkg.sub.b"),
    Case("relative_in_a_package", "from .a import np\n", (("pkg.a", "np"),), "pkg", is_package=True),
    Case("dotted_attribute", "import pkg.a\n\ndef f():\n    return pkg.a.np.zeros(3)\n", (("pkg.a", "np"),)),
    Case("module_alias", "import pkg.a as m\nm.np\n", (("pkg.a", "np"),)),
    Case("from_package_import_module", "from pkg import a\na.np\n", (("pkg.a", "np"),)),
    Case("assigned_attribute", "from pkg import a\na.np = None\n", (("pkg.a", "np"),)),
    Case("deleted_attribute", "from pkg import a\ndel a.np\n", (("pkg.a", "np"),)),
    Case(
        "patch_decorator",
        "from unittest import mock\n\n@mock.patch('pkg.a.brentq')\ndef test(m): ...\n",
        (("pkg.a", "brentq"),),
    ),
    Case(
        "patch_context_manager",
        "from unittest.mock import patch\n\ndef test():\n    with patch('pkg.a.brentq'):\n        pass\n",
        (("pkg.a", "brentq"),),
    ),
    Case(
        "patch_target_keyword",
        "import unittest.mock\nunittest.mock.patch(target='pkg.a.x')\n",
        (("pkg.a", "x"),),
    ),
    Case("mocker_patch", "def test(mocker):\n    mocker.patch('pkg.a.brentq')\n", (("pkg.a", "brentq"),)),
    Case(
        "mocker_patch_object",
        "from pkg import a\n\ndef test(mocker):\n    mocker.patch.object(a, 'brentq')\n",
        (("pkg.a", "brentq"),),
    ),
    Case(
        "patch_object",
        "from unittest.mock import patch\nimport pkg.a\npatch.object(pkg.a, 'x')\n",
        (("pkg.a", "x"),),
    ),
    Case(
        "patch_multiple",
        "from unittest.mock import patch, DEFAULT\npatch.multiple('pkg.a', x=DEFAULT, y=DEFAULT)\n",
        (("pkg.a", "x"), ("pkg.a", "y")),
    ),
    Case(
        "mocker_spy",
        "import pkg.irradiance as irr\n\ndef test(mocker):\n    mocker.spy(irr, 'bisect')\n",
        (("pkg.irradiance", "bisect"),),
    ),
    Case(
        "monkeypatch_setattr_object",
        "from pkg import a\n\ndef test(monkeypatch):\n    monkeypatch.setattr(a, 'np', None)\n",
        (("pkg.a", "np"),),
    ),
    Case(
        "monkeypatch_setattr_string",
        "def test(monkeypatch):\n    monkeypatch.setattr('pkg.a.np', None)\n",
        (("pkg.a", "np"),),
    ),
    Case(
        "monkeypatch_delattr",
        "def test(monkeypatch):\n    monkeypatch.delattr('pkg.a.np')\n",
        (("pkg.a", "np"),),
    ),
    Case("getattr", "import pkg.a\ngetattr(pkg.a, 'np')\n", (("pkg.a", "np"),)),
    Case("hasattr_by_keyword_name", "import pkg.a\nhasattr(pkg.a, name='np')\n", (("pkg.a", "np"),)),
    Case("getattr_of_a_computed_name", "from pkg import a\ngetattr(a, name)\n", (("pkg.a", "*"),)),
    Case(
        "patch_of_a_computed_name",
        "def test(mocker, method):\n    mocker.patch('pkg.a.' + method)\n",
        (("pkg.a", "*"),),
    ),
    Case(
        "patch_of_a_formatted_name",
        "def test(mocker, method):\n    mocker.patch(f'pkg.a.{method}')\n",
        (("pkg.a", "*"),),
    ),
    Case(
        "spy_on_a_computed_name",
        "from pkg import a\n\ndef test(mocker, m):\n    mocker.spy(a, m)\n",
        (("pkg.a", "*"),),
    ),
    Case("import_in_a_function", "def f():\n    from pkg.a import np\n", (("pkg.a", "np"),)),
    Case("doctest_in_a_docstring", 'def f():\n    """\n    >>> pkg.a.np\n    """\n', (("pkg.a", "np"),)),
]


@pytest.mark.parametrize("case", READS, ids=[case.name for case in READS])
def test_each_way_of_reading_a_module_attribute_is_found(case: Case) -> None:
    found = file_reads(ast.parse(dedent(case.source)), case.module, case.is_package, PACKAGES)
    got = {(read.module, read.name) for read in found.attributes}
    assert set(case.reads) <= got, got


LOOK_ALIKES = [
    Case("another_package", "from other.a import np\nimport other.b\nother.b.np\n", ()),
    Case("a_local_attribute", "def f(a):\n    return a.np\n", ()),
    Case("getattr_of_self", "class C:\n    def f(self):\n        return getattr(self, 'np')\n", ()),
    Case("an_object_call_not_of_patch", "from pkg import a\nthing.object(a, 'np')\n", ()),
    Case("a_patch_of_another_package", "from unittest import mock\nmock.patch('os.path.join')\n", ()),
    Case("a_relative_import_leaving_the_top", "from ... import np\n", (), module="pkg.b"),
    Case("the_files_own_module", "import pkg.a\npkg.a.np\n", (), module="pkg.a"),
    Case("a_docstring_without_examples", 'def f():\n    """Uses pkg.a.np."""\n', ()),
]


@pytest.mark.parametrize("case", LOOK_ALIKES, ids=[case.name for case in LOOK_ALIKES])
def test_look_alikes_read_no_name_of_the_package(case: Case) -> None:
    found = file_reads(ast.parse(dedent(case.source)), case.module, case.is_package, PACKAGES)
    deep = [read for read in found.attributes if read.module != "pkg"]  # ``pkg.a`` itself is not a name read
    assert deep == [], deep


def test_a_star_import_reads_every_name_the_importer_reads_without_binding_it() -> None:
    source = "import os\nfrom pkg.a import *\n\ndef f(x):\n    return pd.DataFrame(os.sep, x, _private)\n"
    found = file_reads(ast.parse(source), "pkg.b", False, PACKAGES)
    star = {read.name: read.line for read in found.attributes if read.star}
    assert star == {"pd": 5, "x": 5}  # os is bound here; _private never comes through a star import
    assert found.star_imports == (("pkg.a", 2),)


def test_sys_modules_is_read_at_import_time_only_in_module_level_code() -> None:
    source = dedent(
        """\
        import sys
        from sys import modules
        FRAME = sys.modules["pandas"]

        class Plots:
            backend = modules["matplotlib"]

        if TYPE_CHECKING:
            torch = sys.modules["torch"]
        if __name__ == "__main__":
            sys.modules["scipy"]

        def later():
            return sys.modules["sklearn"]

        sys.modules["jax"] = None
        LOADED = "rdkit" in sys.modules
        """
    )
    found = file_reads(ast.parse(source), "conftest", False, PACKAGES)
    assert found.loaded == (("pandas", 3), ("matplotlib", 6))


def test_a_documentation_page_reads_dotted_names_and_from_imports() -> None:
    text = dedent(
        """\
        Fitting
        =======

        .. autofunction:: pkg.fit.lstsq

        >>> from pkg.frames import (fl,
        ...     table as make_table)
        >>> pkg.frames.fl.DataFrame()

        The other package's ``other.a.np`` is not ours.
        """
    )
    reads = {(read.module, read.name, read.line) for read in text_reads(text, PACKAGES).attributes}
    assert {("pkg.fit", "lstsq", 4), ("pkg.frames", "fl", 6), ("pkg.frames", "table", 6)} <= reads
    assert ("pkg.frames", "fl", 8) in reads
    assert not any(module.startswith("other") for module, _, _ in reads)


def test_a_file_that_does_not_name_a_package_needs_no_parse() -> None:
    assert mentions("import pkg.a\n", PACKAGES)
    assert not mentions("import os\n", PACKAGES)


def test_a_project_puts_the_reads_together_by_module_leaving_out_the_modules_own_file() -> None:
    files = [
        ("tests/test_a.py", "tests.test_a", FileReads((AttributeRead("pkg.a", "np", 3),))),
        ("docs/a.rst", "", FileReads((AttributeRead("pkg.a", "np", 9), AttributeRead("pkg.a", "pd", 1)))),
        ("pkg/a.py", "pkg.a", FileReads((AttributeRead("pkg.a", "pd", 4),), loaded=(("pandas", 2),))),
    ]
    readers = ProjectReads.of(files).readers("pkg.a", "pkg/a.py")
    assert readers.names == {
        "np": (ReadSite("docs/a.rst", 9), ReadSite("tests/test_a.py", 3)),
        "pd": (ReadSite("docs/a.rst", 1),),
    }
    assert readers.loaded == {"pandas": (ReadSite("pkg/a.py", 2),)}
    assert ProjectReads.of(files).readers("pkg.b", "pkg/b.py").names == {}


def test_a_star_import_passes_the_names_it_brings_on_to_their_module() -> None:
    """``pkg/__init__.py`` does ``from pkg.core import *``: who reads ``pkg.pd`` reads
    ``pkg.core.pd``, and so does who star-imports ``pkg`` and uses ``pd``."""
    files = [
        ("pkg/__init__.py", "pkg", FileReads(star_imports=(("pkg.core", 1),))),
        ("tests/test_a.py", "tests.test_a", FileReads((AttributeRead("pkg", "pd", 5),))),
        ("tests/test_b.py", "tests.test_b", FileReads((AttributeRead("pkg", "np", 7, star=True),))),
    ]
    readers = ProjectReads.of(files).readers("pkg.core", "pkg/core.py")
    assert readers.names == {}
    assert readers.star == {"pd": (ReadSite("tests/test_a.py", 5),), "np": (ReadSite("tests/test_b.py", 7),)}
