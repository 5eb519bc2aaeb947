"""The formats of ``qemlflow-lint graph`` (DOT, Mermaid, JSON) and the view they draw: exact
output on the README's sample project and on a project with cycles, Graphviz renders the
DOT without a warning, the Mermaid parses (with a small checker of its syntax here: no
Mermaid program is available offline), and the JSON's chains and cycles are the findings
``check`` reports."""

from __future__ import annotations

import json
import os
import random
import re
import struct
import subprocess
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from qemlflow_lint.cli import main
from qemlflow_lint.report.emitters import emitter, format_names
from qemlflow_lint.report.graph.dot import quote
from qemlflow_lint.report.graph.mermaid import label, node_ids
from qemlflow_lint.report.graph.view import (
    LIBRARY,
    THIRD_PARTY,
    Edge,
    GraphView,
    HeavyChain,
    Node,
    UnknownModule,
    graph_view,
)
from qemlflow_lint.run.api import RunOptions, analyse_paths
from tests.frontends import FIXTURES, write_tree
from tests.tools import needs_program

CHEMTOOLS = FIXTURES / "projects" / "chemtools"

#: A project with a plain cycle (pkg.a ↔ pkg.b), a cycle through pkg/__init__.py (pkg.model
#: imports a name from pkg, whose __init__ imports pkg.model), a heavy chain, a chain hidden
#: by a noqa comment (pkg.b's), and a test file that no library module imports.
CYCLES = {
    "pyproject.toml": "[project]\nname = 'demo'\n",
    "pkg/__init__.py": '"""The package."""\nfrom pkg.model import Model\nfrom pkg.minimizer import Minimizer\n',
    "pkg/minimizer.py": '"""Minimizers."""\n\n\nclass Minimizer:\n    """Finds minima."""\n',
    "pkg/model.py": '"""Models."""\nfrom pkg import Minimizer\nimport pkg.a\n\n\nclass Model:\n    """A model."""\n',
    "pkg/a.py": '"""Half of a cycle, and the heavy import."""\nfrom pkg.b import helper\nimport torch\n\nX = 1\n',
    "pkg/b.py": '"""The other half."""\nfrom pkg.a import X  # noqa: QF101\n\n\ndef helper() -> None:\n    """Help."""\n',
    "tests/test_a.py": '"""A test."""\nimport pkg.a\n',
}


@pytest.fixture()
def cycles(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "demo", CYCLES)


def _view(
    root: Path, module: str = "", heavy_only: bool = False, everything: bool = False, depth: int = 0
) -> GraphView:
    analysis = analyse_paths([str(root)], RunOptions(use_cache=False))
    return graph_view(
        analysis.results,
        analysis.settings_by_path,
        module=module,
        heavy_only=heavy_only,
        everything=everything,
        depth=depth,
    )


def _render(root: Path, format_name: str, **options: Any) -> str:
    return emitter("graph", format_name)(_view(root, **options))


LEGEND = """\
// The first-party import graph at import time, by `qemlflow-lint graph`.
digraph "imports" {
  graph [rankdir=LR, fontname="Helvetica", fontsize=10];
  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#595959", fontname="Helvetica", fontsize=10];
  edge [color="#8c8c8c", arrowsize=0.7, fontname="Helvetica", fontsize=9];
  "legend" [shape=plaintext, fontsize=9, tooltip="legend", label=<<table border="0" cellborder="1" cellspacing="3" cellpadding="3"><tr><td style="rounded">module (its file in the tooltip)</td></tr><tr><td style="dashed">test or script</td></tr><tr><td bgcolor="#f4cccc" color="#cc0000">heavy module</td></tr><tr><td bgcolor="#fce5cd" color="#e69138">on a QF101 chain</td></tr><tr><td color="#7030a0" border="2">in a QF102 cycle</td></tr><tr><td border="0"><font color="#e69138">&#9473;&#9473;&#9654;</font> heavy chain</td></tr><tr><td border="0"><font color="#7030a0">&#9477;&#9477;&#9654;</font> import cycle</td></tr></table>>];
"""


def test_chemtools_as_dot() -> None:
    assert _render(CHEMTOOLS, "dot") == LEGEND + (
        '  "chemtools" [label="chemtools", tooltip="chemtools/__init__.py", fillcolor="#fce5cd", color="#e69138"];\n'
        '  subgraph "cluster_third_party" {\n'
        '    label="third-party"; style="rounded"; color="#bfbfbf"; fontcolor="#595959";\n'
        '    "sympy" [label="sympy", tooltip="sympy", shape="octagon", fillcolor="#f4cccc", color="#cc0000"];\n'
        "  }\n"
        '  subgraph "cluster_chemtools" {\n'
        '    label="chemtools"; tooltip="chemtools"; style="rounded,filled";\n'
        '    color="#bfbfbf"; fillcolor="#f7f7f7"; fontcolor="#595959";\n'
        '    "chemtools.api" [label="api", tooltip="chemtools/api.py", fillcolor="#fce5cd", color="#e69138"];\n'
        '    "chemtools.symbolic" [label="symbolic", tooltip="chemtools/symbolic.py", fillcolor="#fce5cd", color="#e69138"];\n'
        "  }\n"
        '  "chemtools" -> "chemtools.api" [tooltip="chemtools/__init__.py:3", color="#e69138", penwidth="2.5"];\n'
        '  "chemtools.api" -> "chemtools.symbolic" [tooltip="chemtools/api.py:3", color="#e69138", penwidth="2.5"];\n'
        '  "chemtools.symbolic" -> "sympy" [tooltip="chemtools/symbolic.py:3", color="#e69138", penwidth="2.5"];\n'
        "}\n"
    )


def test_chemtools_as_mermaid() -> None:
    assert _render(CHEMTOOLS, "mermaid") == (
        "flowchart LR\n"
        "  %% The first-party import graph at import time, by `qemlflow-lint graph`.\n"
        "  %% Hexagons: heavy modules. Thick orange links: QF101 chains. Dotted purple: QF102 cycles.\n"
        '  m_chemtools["chemtools"]\n'
        '  subgraph p_chemtools["chemtools"]\n'
        '    m_chemtools_api["api"]\n'
        '    m_chemtools_symbolic["symbolic"]\n'
        "  end\n"
        '  subgraph third_party["third-party"]\n'
        '    h_sympy{{"sympy"}}\n'
        "  end\n"
        "  m_chemtools ==> m_chemtools_api\n"
        "  m_chemtools_api ==> m_chemtools_symbolic\n"
        "  m_chemtools_symbolic ==> h_sympy\n"
        "  classDef heavy fill:#f4cccc,stroke:#cc0000\n"
        "  classDef chain fill:#fce5cd,stroke:#e69138\n"
        "  class h_sympy heavy\n"
        "  class m_chemtools,m_chemtools_api,m_chemtools_symbolic chain\n"
        "  linkStyle 0,1,2 stroke:#e69138,stroke-width:3px\n"
    )


def _node(
    name: str, path: str | None, chain: bool = False, cycle: bool = False, **kind: str
) -> dict[str, object]:
    heavy = path is None
    return {
        "name": name,
        "path": path,
        "kind": kind.get("kind", THIRD_PARTY if heavy else LIBRARY),
        "heavy": heavy,
        "in_cycle": cycle,
        "on_heavy_chain": chain,
        "modules": [],
    }


def _edge(
    source: str, target: str, line: int, kind: str, chain: bool, cycle: bool, file: str = "", imports: int = 1
) -> dict[str, object]:
    keys = ("source", "target", "line", "kind", "on_heavy_chain", "in_cycle", "file", "imports")
    file = file or (source.replace(".", "/") + ("/__init__.py" if "." not in source else ".py"))
    return dict(zip(keys, (source, target, line, kind, chain, cycle, file, imports)))


def _hops(*hops: tuple[str, str, int]) -> list[dict[str, object]]:
    return [{"module": module, "path": path, "line": line} for module, path, line in hops]


def test_chemtools_as_json() -> None:
    text = _render(CHEMTOOLS, "json")
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    init, api = ("chemtools", "chemtools/__init__.py", 3), ("chemtools.api", "chemtools/api.py", 3)
    symbolic = ("chemtools.symbolic", "chemtools/symbolic.py", 3)
    assert data == {
        "format": "qemlflow-lint-graph",
        "version": 2,
        "module": None,
        "heavy_only": False,
        "depth": None,
        "nodes": [
            _node("chemtools", "chemtools/__init__.py", chain=True),
            _node("chemtools.api", "chemtools/api.py", chain=True),
            _node("chemtools.symbolic", "chemtools/symbolic.py", chain=True),
            _node("sympy", None, chain=True),
        ],
        "edges": [
            _edge("chemtools", "chemtools.api", 3, "first-party", True, False),
            _edge("chemtools.api", "chemtools.symbolic", 3, "first-party", True, False),
            _edge("chemtools.symbolic", "sympy", 3, "heavy", True, False),
        ],
        "chains": [
            {"module": "chemtools", "heavy": "sympy", "hops": _hops(init, api, symbolic)},
            {"module": "chemtools.api", "heavy": "sympy", "hops": _hops(api, symbolic)},
        ],
        "cycles": [],
    }


def test_cycles_as_dot(cycles: Path) -> None:
    assert _render(cycles, "dot") == LEGEND + (
        '  "pkg" [label="pkg", tooltip="pkg/__init__.py", fillcolor="#fce5cd", color="#7030a0", penwidth="2"];\n'
        '  subgraph "cluster_third_party" {\n'
        '    label="third-party"; style="rounded"; color="#bfbfbf"; fontcolor="#595959";\n'
        '    "torch" [label="torch", tooltip="torch", shape="octagon", fillcolor="#f4cccc", color="#cc0000"];\n'
        "  }\n"
        '  subgraph "cluster_pkg" {\n'
        '    label="pkg"; tooltip="pkg"; style="rounded,filled";\n'
        '    color="#bfbfbf"; fillcolor="#f7f7f7"; fontcolor="#595959";\n'
        '    "pkg.a" [label="a", tooltip="pkg/a.py", fillcolor="#fce5cd", color="#7030a0", penwidth="2"];\n'
        '    "pkg.b" [label="b", tooltip="pkg/b.py", color="#7030a0", penwidth="2"];\n'
        '    "pkg.minimizer" [label="minimizer", tooltip="pkg/minimizer.py"];\n'
        '    "pkg.model" [label="model", tooltip="pkg/model.py", fillcolor="#fce5cd", color="#7030a0", penwidth="2"];\n'
        "  }\n"
        '  "pkg" -> "pkg.minimizer" [tooltip="pkg/__init__.py:3"];\n'
        '  "pkg" -> "pkg.model" [tooltip="pkg/__init__.py:2", color="#7030a0", penwidth="2.5", style="dashed"];\n'
        '  "pkg.a" -> "pkg.b" [tooltip="pkg/a.py:2", color="#7030a0", style="dashed"];\n'
        '  "pkg.a" -> "torch" [tooltip="pkg/a.py:3", color="#e69138", penwidth="2.5"];\n'
        '  "pkg.b" -> "pkg.a" [tooltip="pkg/b.py:2", color="#7030a0", style="dashed"];\n'
        '  "pkg.model" -> "pkg" [tooltip="pkg/model.py:2", color="#7030a0", style="dotted"];\n'
        '  "pkg.model" -> "pkg.a" [tooltip="pkg/model.py:3", color="#e69138", penwidth="2.5"];\n'
        "}\n"
    )


def test_cycles_as_mermaid(cycles: Path) -> None:
    assert _render(cycles, "mermaid") == (
        "flowchart LR\n"
        "  %% The first-party import graph at import time, by `qemlflow-lint graph`.\n"
        "  %% Hexagons: heavy modules. Thick orange links: QF101 chains. Dotted purple: QF102 cycles.\n"
        '  m_pkg["pkg"]\n'
        '  subgraph p_pkg["pkg"]\n'
        '    m_pkg_a["a"]\n'
        '    m_pkg_b["b"]\n'
        '    m_pkg_minimizer["minimizer"]\n'
        '    m_pkg_model["model"]\n'
        "  end\n"
        '  subgraph third_party["third-party"]\n'
        '    h_torch{{"torch"}}\n'
        "  end\n"
        "  m_pkg --> m_pkg_minimizer\n"
        "  m_pkg ==> m_pkg_model\n"
        "  m_pkg_a -.-> m_pkg_b\n"
        "  m_pkg_a ==> h_torch\n"
        "  m_pkg_b -.-> m_pkg_a\n"
        "  m_pkg_model -.-> m_pkg\n"
        "  m_pkg_model ==> m_pkg_a\n"
        "  classDef heavy fill:#f4cccc,stroke:#cc0000\n"
        "  classDef chain fill:#fce5cd,stroke:#e69138\n"
        "  classDef cycle stroke:#7030a0,stroke-width:2px\n"
        "  class h_torch heavy\n"
        "  class m_pkg,m_pkg_a,m_pkg_model chain\n"
        "  class m_pkg,m_pkg_a,m_pkg_b,m_pkg_model cycle\n"
        "  linkStyle 3,6 stroke:#e69138,stroke-width:3px\n"
        "  linkStyle 1,2,4,5 stroke:#7030a0\n"
    )


def test_cycles_as_json(cycles: Path) -> None:
    data = json.loads(_render(cycles, "json"))
    model, a = ("pkg.model", "pkg/model.py", 3), ("pkg.a", "pkg/a.py", 3)
    assert data["nodes"] == [
        _node("pkg", "pkg/__init__.py", chain=True, cycle=True),
        _node("pkg.a", "pkg/a.py", chain=True, cycle=True),
        _node("pkg.b", "pkg/b.py", cycle=True),
        _node("pkg.minimizer", "pkg/minimizer.py"),
        _node("pkg.model", "pkg/model.py", chain=True, cycle=True),
        _node("torch", None, chain=True),
    ]
    assert data["edges"] == [
        _edge("pkg", "pkg.minimizer", 3, "first-party", False, False),
        _edge("pkg", "pkg.model", 2, "first-party", True, True),
        _edge("pkg.a", "pkg.b", 2, "first-party", False, True),
        _edge("pkg.a", "torch", 3, "heavy", True, False),
        _edge("pkg.b", "pkg.a", 2, "first-party", False, True),
        _edge("pkg.model", "pkg", 2, "own-package", False, True),
        _edge("pkg.model", "pkg.a", 3, "first-party", True, False),
    ]
    assert data["chains"] == [
        {"module": "pkg", "heavy": "torch", "hops": _hops(("pkg", "pkg/__init__.py", 2), model, a)},
        {"module": "pkg.model", "heavy": "torch", "hops": _hops(model, a)},
    ]
    assert data["cycles"] == [
        {"kind": "import", "modules": ["pkg.a", "pkg.b"], "cycle": ["pkg.a", "pkg.b", "pkg.a"]},
        {"kind": "own-package", "modules": ["pkg", "pkg.model"], "cycle": ["pkg", "pkg.model", "pkg"]},
    ]


def test_module_keeps_what_it_imports_and_marks_it(cycles: Path) -> None:
    assert _render(cycles, "mermaid", module="pkg.model") == (
        "flowchart LR\n"
        "  %% The first-party import graph at import time, by `qemlflow-lint graph`.\n"
        "  %% Hexagons: heavy modules. Thick orange links: QF101 chains. Dotted purple: QF102 cycles.\n"
        '  subgraph p_pkg["pkg"]\n'
        '    m_pkg_a["a"]\n'
        '    m_pkg_b["b"]\n'
        '    m_pkg_model["model"]\n'
        "  end\n"
        '  subgraph third_party["third-party"]\n'
        '    h_torch{{"torch"}}\n'
        "  end\n"
        "  m_pkg_a -.-> m_pkg_b\n"
        "  m_pkg_a ==> h_torch\n"
        "  m_pkg_b -.-> m_pkg_a\n"
        "  m_pkg_model ==> m_pkg_a\n"
        "  classDef heavy fill:#f4cccc,stroke:#cc0000\n"
        "  classDef chain fill:#fce5cd,stroke:#e69138\n"
        "  classDef cycle stroke:#7030a0,stroke-width:2px\n"
        "  classDef focus stroke-width:4px\n"
        "  class h_torch heavy\n"
        "  class m_pkg_a,m_pkg_model chain\n"
        "  class m_pkg_a,m_pkg_b cycle\n"
        "  class m_pkg_model focus\n"
        "  linkStyle 1,3 stroke:#e69138,stroke-width:3px\n"
        "  linkStyle 0,2 stroke:#7030a0\n"
    )
    assert _render(cycles, "dot", module="pkg.model") == LEGEND + (
        '  subgraph "cluster_third_party" {\n'
        '    label="third-party"; style="rounded"; color="#bfbfbf"; fontcolor="#595959";\n'
        '    "torch" [label="torch", tooltip="torch", shape="octagon", fillcolor="#f4cccc", color="#cc0000"];\n'
        "  }\n"
        '  subgraph "cluster_pkg" {\n'
        '    label="pkg"; tooltip="pkg"; style="rounded,filled";\n'
        '    color="#bfbfbf"; fillcolor="#f7f7f7"; fontcolor="#595959";\n'
        '    "pkg.a" [label="a", tooltip="pkg/a.py", fillcolor="#fce5cd", color="#7030a0", penwidth="2"];\n'
        '    "pkg.b" [label="b", tooltip="pkg/b.py", color="#7030a0", penwidth="2"];\n'
        '    "pkg.model" [label="model", tooltip="pkg/model.py", fillcolor="#fce5cd", color="#e69138", peripheries="2"];\n'
        "  }\n"
        '  "pkg.a" -> "pkg.b" [tooltip="pkg/a.py:2", color="#7030a0", style="dashed"];\n'
        '  "pkg.a" -> "torch" [tooltip="pkg/a.py:3", color="#e69138", penwidth="2.5"];\n'
        '  "pkg.b" -> "pkg.a" [tooltip="pkg/b.py:2", color="#7030a0", style="dashed"];\n'
        '  "pkg.model" -> "pkg.a" [tooltip="pkg/model.py:3", color="#e69138", penwidth="2.5"];\n'
        "}\n"
    )
    model, a = ("pkg.model", "pkg/model.py", 3), ("pkg.a", "pkg/a.py", 3)
    # The cycle through pkg/__init__.py is not drawn: importing pkg.model alone never runs pkg's.
    assert json.loads(_render(cycles, "json", module="pkg.model")) == {
        "format": "qemlflow-lint-graph",
        "version": 2,
        "module": "pkg.model",
        "heavy_only": False,
        "depth": None,
        "nodes": [
            _node("pkg.a", "pkg/a.py", chain=True, cycle=True),
            _node("pkg.b", "pkg/b.py", cycle=True),
            _node("pkg.model", "pkg/model.py", chain=True),
            _node("torch", None, chain=True),
        ],
        "edges": [
            _edge("pkg.a", "pkg.b", 2, "first-party", False, True),
            _edge("pkg.a", "torch", 3, "heavy", True, False),
            _edge("pkg.b", "pkg.a", 2, "first-party", False, True),
            _edge("pkg.model", "pkg.a", 3, "first-party", True, False),
        ],
        "chains": [{"module": "pkg.model", "heavy": "torch", "hops": _hops(model, a)}],
        "cycles": [{"kind": "import", "modules": ["pkg.a", "pkg.b"], "cycle": ["pkg.a", "pkg.b", "pkg.a"]}],
    }


def test_heavy_only_keeps_the_modules_that_reach_a_heavy_module(cycles: Path) -> None:
    view = _view(cycles, heavy_only=True)
    assert [node.name for node in view.nodes] == ["pkg", "pkg.a", "pkg.b", "pkg.model", "torch"]
    assert view.heavy_only
    assert all(edge.target != "pkg.minimizer" for edge in view.edges)
    assert _view(CHEMTOOLS, heavy_only=True) == _view(CHEMTOOLS)._replace(heavy_only=True)


def test_tests_and_scripts_are_drawn_only_when_asked_for(cycles: Path) -> None:
    assert "test_a" not in [node.name for node in _view(cycles).nodes]
    everything = {node.name: node for node in _view(cycles, everything=True).nodes}
    assert everything["test_a"] == Node("test_a", "tests/test_a.py", "script", False, False, False)
    assert "class m_test_a script" in _render(cycles, "mermaid", everything=True)


def test_a_chain_or_cycle_that_check_does_not_report_is_not_marked(cycles: Path) -> None:
    # pkg.b reaches torch through pkg.a, but the noqa comment for QF101 on its import hides the chain.
    assert "pkg.b" not in [chain.module for chain in _view(cycles).chains]
    (cycles / "pyproject.toml").write_text(
        "[project]\nname = 'demo'\n\n[tool.qemlflow-lint]\nignore = ['QF102']\n", encoding="utf-8"
    )
    view = _view(cycles)
    assert view.cycles == ()
    assert not any(edge.in_cycle for edge in view.edges) and not any(node.in_cycle for node in view.nodes)
    assert [chain.module for chain in view.chains] == ["pkg", "pkg.model"]


def test_an_unknown_module_names_the_closest_ones(cycles: Path) -> None:
    with pytest.raises(
        UnknownModule, match=r"^no first-party module 'pkg\.modl' in the graph; did you mean pkg\.model"
    ):
        _view(cycles, module="pkg.modl")
    with pytest.raises(
        UnknownModule, match=r"\(its modules: pkg, pkg\.a, pkg\.b, pkg\.minimizer, pkg\.model, …\)$"
    ):
        _view(cycles, module="zzz")
    with pytest.raises(UnknownModule, match="torch"):
        _view(cycles, module="torch")  # a heavy module is drawn, but it is not first-party


def test_every_format_is_the_same_from_any_working_directory(
    cycles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = set()
    for where, path in ((cycles, "."), (cycles / "pkg", ".."), (cycles.parent, "demo")):
        monkeypatch.chdir(where)
        analysis = analyse_paths([path], RunOptions(use_cache=False))
        view = graph_view(analysis.results, analysis.settings_by_path)
        outputs.add(tuple(emitter("graph", name)(view) for name in format_names("graph")))
    assert len(outputs) == 1


# -- DOT ------------------------------------------------------------------------------------


def test_dot_strings_are_quoted_and_escaped() -> None:
    assert quote('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert quote("tab\there\x00") == '"tab\ufffdhere\ufffd"'
    assert quote("é") == '"é"'


def _render_svg(dot: str) -> str:
    program = needs_program("dot", "the DOT output of `graph` is checked by rendering it with Graphviz")
    done = subprocess.run([program, "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
    return done.stdout


@pytest.mark.parametrize("project", ["chemtools", "cycles"])
def test_graphviz_renders_the_dot_without_a_warning(project: str, cycles: Path) -> None:
    root = CHEMTOOLS if project == "chemtools" else cycles
    view = _view(root, everything=True)
    svg = _render_svg(emitter("graph", "dot")(view))
    assert svg.count('class="node"') == len(view.nodes) + 1  # and the legend
    for node in view.nodes:
        assert f"<title>{node.name}</title>" in svg


def test_graphviz_renders_odd_file_names(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": "[project]\nname = 'odd'\n",
        'p"k/__init__.py': "import ok.d\n",
        "ok/__init__.py": "import ok.c\n",
        "ok/c.py": "import torch\n",
        "ok/d.py": "import ok.é\n",
        "ok/é.py": "",
        "ok/x y.py": "",
        "ok/<h>#&{}.py": "",
        "ok/back\\slash.py": "",
    }
    view = _view(write_tree(tmp_path, files), everything=True)
    assert len(view.nodes) == 9
    svg = _render_svg(emitter("graph", "dot")(view))
    assert svg.count('class="node"') == 9 + 1
    assert mermaid_problems(emitter("graph", "mermaid")(view)) == []


# -- Mermaid ------------------------------------------------------------------------------------

_ID = r"[A-Za-z_][A-Za-z0-9_]*"
_LABEL = r'"[^"]*"'
_MERMAID_LINES = {
    "node": re.compile(
        rf"^(?P<id>{_ID})(?:\[(?P<box>{_LABEL})\]|\[\[(?P<package>{_LABEL})\]\]|\{{\{{(?P<hexagon>{_LABEL})\}}\}})$"
    ),
    "edge": re.compile(rf"^(?P<source>{_ID}) (?:-->|==>|-\.->) (?P<target>{_ID})$"),
    "subgraph": re.compile(rf"^subgraph (?P<id>{_ID})\[(?P<label>{_LABEL})\]$"),
    "end": re.compile(r"^end$"),
    "classDef": re.compile(rf"^classDef (?P<name>{_ID}) (?P<style>[\w#:,.\- ]+)$"),
    "class": re.compile(rf"^class (?P<ids>{_ID}(?:,{_ID})*) (?P<name>{_ID})$"),
    "linkStyle": re.compile(r"^linkStyle (?P<indexes>\d+(?:,\d+)*) (?P<style>[\w#:,.\- ]+)$"),
    "comment": re.compile(r"^%%"),
}
#: Words Mermaid's flowchart grammar reserves: not usable as ids.
_KEYWORDS = {
    "end",
    "subgraph",
    "graph",
    "flowchart",
    "class",
    "classDef",
    "style",
    "linkStyle",
    "click",
    "default",
}


def _label_problems(text: str) -> list[str]:
    inner = text[1:-1].replace("<br/>", "")
    problems = [f"markup in label {text}"] if "<" in inner or ">" in inner else []
    if re.search(r"#(?!\d+;)", inner):
        problems.append(f"a '#' that is no entity code in label {text}")
    return problems


def mermaid_problems(text: str) -> list[str]:
    """What keeps ``text`` from being the flowchart ``graph`` means to write: a line of no
    known form, an id that is invalid, reserved or declared twice, a link or class to an
    undeclared node, a class never defined, a link style past the last link, an unclosed
    subgraph, a label with markup or a stray ``#``."""
    lines = text.splitlines()
    if not lines or lines[0] != "flowchart LR":
        return ["the first line is not `flowchart LR`"]
    problems: list[str] = []
    declared: list[str] = []
    subgraphs: list[str] = []
    depth = links = 0
    used: list[tuple[str, str]] = []
    defined: set[str] = set()
    indexes: list[int] = []
    for number, line in enumerate(lines[1:], 2):
        stripped = line.strip()
        kind, match = next(
            ((k, m) for k, pattern in _MERMAID_LINES.items() if (m := pattern.match(stripped))), ("", None)
        )
        if match is None:
            problems.append(f"line {number}: not a flowchart statement: {stripped!r}")
        elif kind == "node":
            declared.append(match["id"])
            problems += _label_problems(match["box"] or match["package"] or match["hexagon"])
        elif kind == "subgraph":
            subgraphs.append(match["id"])
            problems += _label_problems(match["label"])
            depth += 1
        elif kind == "end":
            depth -= 1
            problems += [f"line {number}: `end` outside a subgraph"] if depth < 0 else []
        elif kind == "edge":
            links += 1
            used += [("link", match["source"]), ("link", match["target"])]
        elif kind == "classDef":
            defined.add(match["name"])
        elif kind == "class":
            used += [("class", node) for node in match["ids"].split(",")]
            used.append(("classDef", match["name"]))
        elif kind == "linkStyle":
            indexes += [int(index) for index in match["indexes"].split(",")]
    problems += [f"{depth} subgraph(s) not closed"] if depth > 0 else []
    problems += [f"id {name!r} declared twice" for name in sorted(set(declared)) if declared.count(name) > 1]
    problems += [f"id {name!r} is a Mermaid keyword" for name in declared + subgraphs if name in _KEYWORDS]
    problems += [f"subgraph id {name!r} is also a node id" for name in subgraphs if name in declared]
    problems += [
        f"{what} to undeclared node {name!r}"
        for what, name in used
        if what != "classDef" and name not in declared
    ]
    problems += [
        f"class {name!r} is never defined"
        for what, name in used
        if what == "classDef" and name not in defined
    ]
    problems += [f"linkStyle {index} past the last link" for index in indexes if index >= links]
    return problems


def test_the_mermaid_checker_finds_each_kind_of_mistake() -> None:
    # The checker must be able to fail, or its silence on the real output proves nothing.
    bad = (
        "flowchart LR\n"
        '  end["a"]\n'
        '  a["x"]\n'
        '  a["y"]\n'
        '  b["<b>"]\n'
        "  a --> c\n"
        "  a -> b\n"
        "  class b missing\n"
        "  linkStyle 1 stroke:#000\n"
        '  subgraph s["#"]\n'
    )
    assert mermaid_problems(bad) == [
        'markup in label "<b>"',
        "line 7: not a flowchart statement: 'a -> b'",
        "a '#' that is no entity code in label \"#\"",
        "1 subgraph(s) not closed",
        "id 'a' declared twice",
        "id 'end' is a Mermaid keyword",
        "link to undeclared node 'c'",
        "class 'missing' is never defined",
        "linkStyle 1 past the last link",
    ]
    assert mermaid_problems("graph TD\n") == ["the first line is not `flowchart LR`"]


@pytest.mark.parametrize("options", [{}, {"module": "pkg.model"}, {"heavy_only": True}, {"everything": True}])
def test_the_mermaid_output_is_well_formed(cycles: Path, options: dict[str, Any]) -> None:
    assert mermaid_problems(_render(cycles, "mermaid", **options)) == []
    assert mermaid_problems(_render(CHEMTOOLS, "mermaid", **options if "module" not in options else {})) == []


def test_mermaid_labels_are_entity_coded_and_ids_distinct() -> None:
    assert label('a"b<c>#&é_x/y.z') == '"a#34;b#60;c#62;#35;#38;#233;_x/y.z"'
    nodes = [Node(name, "x.py", LIBRARY, False, False, False) for name in ("a.b", "a_b", "a-b")]
    nodes.append(Node("a.b", "", THIRD_PARTY, True, False, False))
    assert list(node_ids(nodes[:3]).values()) == ["m_a_b", "m_a_b_2", "m_a_b_3"]
    assert node_ids(nodes[3:]) == {"a.b": "h_a_b"}


# -- JSON against check -----------------------------------------------------------------------


def _check_json(capsys: pytest.CaptureFixture[str], root: Path) -> list[dict[str, object]]:
    main(["check", "--format", "json", "--select", "QF101,QF102", "--no-cache", str(root)])
    findings: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return findings


@pytest.mark.parametrize("project", ["chemtools", "cycles"])
def test_the_json_is_consistent_and_its_chains_and_cycles_are_checks_findings(
    project: str, cycles: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = CHEMTOOLS if project == "chemtools" else cycles
    monkeypatch.chdir(root)  # so that check's paths are the graph's, relative to the root
    data = json.loads(_render(root, "json", everything=True))
    nodes = {node["name"]: node for node in data["nodes"]}
    assert len(nodes) == len(data["nodes"]) and list(nodes) == sorted(nodes)
    edges = {(edge["source"], edge["target"]): edge for edge in data["edges"]}
    assert len(edges) == len(data["edges"]) and list(edges) == sorted(edges)
    assert all(source in nodes and target in nodes for source, target in edges)
    assert all((node["path"] is None) == (node["kind"] == THIRD_PARTY) for node in nodes.values())

    findings = _check_json(capsys, Path("."))
    messages = []
    for chain in data["chains"]:
        names = [hop["module"] for hop in chain["hops"]] + [chain["heavy"]]
        assert all(edges[pair]["on_heavy_chain"] for pair in zip(names, names[1:]))
        assert all(nodes[name]["on_heavy_chain"] for name in names)
        hops = " → ".join(f"{hop['path']}:{hop['line']}" for hop in chain["hops"])
        first = chain["hops"][0]
        message = (
            f"importing {chain['module']} pulls in {chain['heavy']} at import time: {hops} → {chain['heavy']}"
        )
        messages.append((first["path"], first["line"], message))
    assert messages == [(f["path"], f["line"], f["message"]) for f in findings if f["code"] == "QF101"]

    in_cycles = {name for cycle in data["cycles"] for name in cycle["modules"]}
    assert in_cycles == {name for name, node in nodes.items() if node["in_cycle"]}
    by_path = {node["path"]: name for name, node in nodes.items()}
    # QF102 reports every library module of a plain cycle, and the submodule that closes a
    # cycle through its package's __init__.py.
    expected = {
        name for cycle in data["cycles"] if cycle["kind"] == "import" for name in cycle["modules"]
    } | {cycle["cycle"][-2] for cycle in data["cycles"] if cycle["kind"] == "own-package"}
    reported = {by_path[f["path"]] for f in findings if f["code"] == "QF102"}
    assert reported == {name for name in expected if nodes[name]["kind"] == LIBRARY}
    for cycle in data["cycles"]:
        assert cycle["cycle"][0] == cycle["cycle"][-1] and sorted(set(cycle["cycle"])) == cycle["modules"]
        assert all(edges[pair]["in_cycle"] for pair in zip(cycle["cycle"], cycle["cycle"][1:]))
    cycle_messages = [f["message"] for f in findings if f["code"] == "QF102"]
    if project == "cycles":
        assert cycle_messages == [
            "import cycle at import time: pkg.a → pkg.b → pkg.a",
            "import cycle at import time: pkg.b → pkg.a → pkg.b",
            "import cycle through pkg/__init__.py: pkg.model imports Minimizer from pkg, whose import runs "
            "pkg → pkg.model; it works only while pkg/__init__.py binds Minimizer before that import "
            "(import from the module that defines it)",
        ]


def test_paths_are_project_relative_even_when_analysed_from_elsewhere(cycles: Path) -> None:
    assert os.path.isabs(str(cycles))
    paths = [node.path for node in _view(cycles).nodes if node.path]
    assert paths == ["pkg/__init__.py", "pkg/a.py", "pkg/b.py", "pkg/minimizer.py", "pkg/model.py"]


# -- A graph a person can read ------------------------------------------------------------------

#: The heavy modules of a scientific library, as its modules import them.
_HEAVY = ("pandas", "sklearn", "torch", "rdkit", "scipy", "matplotlib", "wandb", "plotly", "xgboost")
#: Packages (below ``chemflow``) and how many modules each holds, as in a library of about 140 modules.
_PACKAGES = {
    "core": 20,
    "core.preprocessing": 4,
    "research": 12,
    "research.drug_discovery": 8,
    "integrations": 3,
    "integrations.adapters": 3,
    "integrations.adapters.base": 3,
    "integrations.adapters.molecular": 4,
    "integrations.core": 8,
    "integrations.utils": 4,
    "quality": 5,
    "testing": 3,
    "utils": 8,
    "config": 4,
    "notebooks": 6,
}


def scientific_library(root: Path) -> Path:
    """A project shaped like a real scientific library (seeded, the same every run): about
    140 modules in nested packages under ``src/``, most importing a heavy library at the top
    and a few of their siblings and cousins, each package's ``__init__.py`` its modules."""
    rng = random.Random(21)
    modules = [f"chemflow.{package}.m{n}" for package, count in _PACKAGES.items() for n in range(count)]
    files = {
        "pyproject.toml": "[project]\nname = 'chemflow'\n",
        "src/chemflow/__init__.py": '"""Chemflow."""\n',
    }
    for package in _PACKAGES:
        inside = [m for m in modules if m.rpartition(".")[0] == f"chemflow.{package}"]
        lines = ['"""A package."""'] + [f"import {m}" for m in inside[:2]]
        files[f"src/chemflow/{package.replace('.', '/')}/__init__.py"] = "\n".join(lines) + "\n"
    for index, module in enumerate(modules):
        lines = ['"""A module."""']
        lines += [f"import {name}" for name in rng.sample(_HEAVY, rng.choice((0, 1, 1, 2)))]
        lines += [
            f"import {name}" for name in rng.sample(modules[:index], min(index, rng.choice((0, 1, 2, 3))))
        ]
        files[f"src/chemflow/{module.removeprefix('chemflow.').replace('.', '/')}.py"] = (
            "\n".join(lines) + "\n"
        )
    return write_tree(root, files)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scientific_library(tmp_path_factory.mktemp("library") / "chemflow")


def _png_size(dot: str) -> tuple[int, int]:
    """The width and height in pixels of ``dot`` drawn by Graphviz as a PNG (96 dpi)."""
    program = needs_program("dot", "the DOT output of `graph` is checked by rendering it with Graphviz")
    done = subprocess.run([program, "-Tpng"], input=dot.encode(), capture_output=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, b"")
    width, height = struct.unpack(">II", done.stdout[16:24])
    return width, height


def test_heavy_only_keeps_only_the_paths_to_heavy_modules(cycles: Path, library: Path) -> None:
    view = _view(cycles, heavy_only=True)
    # pkg.a → pkg.b (a cycle, no way to torch that pkg.a lacks) and pkg.model → pkg are no paths to torch.
    assert [(edge.source, edge.target) for edge in view.edges] == [
        ("pkg", "pkg.model"),
        ("pkg.a", "torch"),
        ("pkg.b", "pkg.a"),
        ("pkg.model", "pkg.a"),
    ]
    assert [node.name for node in view.nodes] == ["pkg", "pkg.a", "pkg.b", "pkg.model", "torch"]
    # In a library where most modules import a heavy one, it is the part worth a look: each
    # module's chain to a heavy module, not every import among the modules that have one.
    every, paths = _view(library), _view(library, heavy_only=True)
    assert len(every.nodes) > 100 and len(paths.edges) < len(every.edges) // 2
    on_a_chain = {pair for chain in paths.chains for pair in _chain_pairs(chain)}
    for edge in paths.edges:
        assert (
            edge.kind == "heavy"
            or (edge.source, edge.target) in on_a_chain
            or _reaches_heavy_through_others(paths, edge)
        )


def _chain_pairs(chain: HeavyChain) -> set[tuple[str, str]]:
    names = [hop.module for hop in chain.hops] + [chain.heavy]
    return set(zip(names, names[1:]))


def _reaches_heavy_through_others(view: GraphView, edge: Edge) -> bool:
    """The edge's target leads on to a heavy module in the view."""
    heavy = {node.name for node in view.nodes if node.heavy}
    seen, todo = {edge.target}, [edge.target]
    while todo:
        current = todo.pop()
        if current in heavy:
            return True
        for step in view.edges:
            if step.source == current and step.target not in seen:
                seen.add(step.target)
                todo.append(step.target)
    return False


def test_depth_draws_each_package_below_it_as_one_node(cycles: Path, library: Path) -> None:
    view = _view(cycles, depth=1)
    pkg = ("pkg", "pkg.a", "pkg.b", "pkg.minimizer", "pkg.model")
    assert view.nodes == (
        Node("pkg", "pkg/", LIBRARY, False, True, True, pkg),
        Node("torch", "", THIRD_PARTY, True, False, True),
    )
    assert [edge._replace(line=0) for edge in view.edges] == [
        Edge("pkg", "torch", 0, "heavy", True, False, "pkg/a.py", 1)
    ]
    assert 'shape="folder"' in emitter("graph", "dot")(view)
    assert '  m_pkg[["pkg (5 modules)"]]\n' in emitter("graph", "mermaid")(view)
    data = json.loads(emitter("graph", "json")(view))
    assert (data["depth"], data["nodes"][0]["modules"], data["edges"][0]["imports"]) == (1, list(pkg), 1)
    # The library at depth 2: one node per subpackage of chemflow, no module below.
    deep = _view(library, depth=2)
    assert {node.name.count(".") for node in deep.nodes if node.path} == {0, 1}
    assert sum(len(node.modules) or 1 for node in deep.nodes if node.path) == len(_view(library).nodes) - len(
        [node for node in deep.nodes if not node.path]
    )
    for format_name in ("mermaid",):
        assert mermaid_problems(emitter("graph", format_name)(deep)) == []


def test_modules_are_boxed_by_package_and_labelled_by_their_short_name(library: Path) -> None:
    view = _view(library)
    svg = _render_svg(emitter("graph", "dot")(view))
    packages = {node.package for node in view.nodes if node.package}
    assert {"chemflow", "chemflow.core", "chemflow.integrations.adapters.base"} <= packages
    for package in packages:
        assert f"<title>cluster_{package}</title>" in svg
    labels = [
        "".join(text.itertext())
        for group in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}g")
        if group.get("class") == "node" and "legend" not in "".join(group.itertext())
        for text in group.iter("{http://www.w3.org/2000/svg}text")
    ]
    assert "m3" in labels and not [text for text in labels if ".py" in text or text.startswith("chemflow.")]
    assert 'xlink:title="src/chemflow/core/m3.py"' in svg
    mermaid = emitter("graph", "mermaid")(view)
    assert (
        '  subgraph p_chemflow_core["chemflow.core"]\n' in mermaid
        and '    m_chemflow_core_m3["m3"]\n' in mermaid
    )
    assert mermaid_problems(mermaid) == []


@pytest.mark.slow
def test_the_heavy_paths_of_a_large_library_at_depth_2_fit_one_screen(library: Path) -> None:
    everything = _png_size(_render(library, "dot"))
    assert everything[0] * everything[1] > 4 * 1920 * 1080  # the library is large enough to need it
    width, height = _png_size(_render(library, "dot", heavy_only=True, depth=2))
    assert width <= 1920 and height <= 1080
