"""``report --html``: the score, its ledger, the trend, import time and the heavy import chains
as one self-contained HTML page (inline CSS, SVG and script; it requests nothing).

:mod:`.page` turns the results into plain values, :mod:`.charts` computes the SVG
geometry, :mod:`.inputs` reads the JSON that ``importtime`` and ``trend`` write, and
:mod:`.render` fills the Jinja2 template with autoescaping on.
"""
