"""The encodings ``fix`` reads a file in and writes it back in, as a table of named cases:
the one Python reads (a BOM, then a PEP 263 declaration, then UTF-8), or why the file is
not rewritten."""

from __future__ import annotations

import codecs

import pytest

from qemlflow_lint.fix.on_disk import DecodedFile, decode_for_fixing


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"x = 1\n", DecodedFile(b"x = 1\n", "x = 1\n", "utf-8"), id="utf-8"),
        pytest.param(
            codecs.BOM_UTF8 + b"x = 1\n",
            DecodedFile(codecs.BOM_UTF8 + b"x = 1\n", "x = 1\n", "utf-8-sig"),
            id="bom",
        ),
        pytest.param(
            b"# coding: latin-1\nx = '\xe9'\n",
            DecodedFile(
                b"# coding: latin-1\nx = '\xe9'\n", "# coding: latin-1\nx = '\u00e9'\n", "iso-8859-1"
            ),
            id="latin-1-declared",
        ),
        pytest.param(
            b"#!/usr/bin/env python\n# -*- coding: cp1252 -*-\nx = '\x80'\n",
            DecodedFile(
                b"#!/usr/bin/env python\n# -*- coding: cp1252 -*-\nx = '\x80'\n",
                "#!/usr/bin/env python\n# -*- coding: cp1252 -*-\nx = '\u20ac'\n",
                "cp1252",
            ),
            id="cp1252-on-line-2",
        ),
        pytest.param(
            b"x = '\xe9'\n",
            "cannot decode byte 0xe9 as utf-8 (invalid continuation byte) (line 1)",
            id="latin-1-undeclared",
        ),
        pytest.param(
            b"# coding: klingon\n",
            "bad encoding declaration: unknown encoding: klingon (line 1)",
            id="unknown-encoding",
        ),
        pytest.param(
            codecs.BOM_UTF8 + b"# coding: latin-1\n",
            "bad encoding declaration: encoding problem: utf-8 (line 1)",
            id="bom-and-another-declaration",
        ),
    ],
)
def test_fix_writes_back_in_the_encoding_python_reads(data: bytes, expected: DecodedFile | str) -> None:
    assert decode_for_fixing(data) == expected
