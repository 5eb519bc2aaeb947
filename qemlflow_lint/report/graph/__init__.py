"""The formats of ``qemlflow-lint graph``: the import graph as Graphviz DOT, a Mermaid
flowchart or JSON, each a pure function of a :class:`~qemlflow_lint.report.graph.view.GraphView`,
and SVG, the DOT drawn by Graphviz (:class:`~qemlflow_lint.report.graph.svg.GraphvizError`
when it is missing). Each module's ``render(view) -> str`` is listed in
:mod:`qemlflow_lint.report.emitters`, which imports it the first time it is asked for.
"""
