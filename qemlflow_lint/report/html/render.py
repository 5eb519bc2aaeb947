"""The page rendered with Jinja2, autoescaping on, into one file that requests nothing.

The style sheet and the script are files beside the template, pasted in whole. The page's
Content-Security-Policy allows no fetch of any kind and only that one script (by its
SHA-256), so even a markup injection that slipped past the escaping could neither load
anything nor run an inline event handler.
"""

from __future__ import annotations

import base64
import functools
import hashlib

import jinja2
import markupsafe

from qemlflow_lint.model.printable import controls_escaped, decodable
from qemlflow_lint.report.html.page import (
    CHAINS_SHOWN,
    DROP_FILES_SHOWN,
    DROPS_SHOWN,
    UNPARSEABLE_SHOWN,
    ReportPage,
)

#: The folder of the template, the style sheet and the script, inside this package.
TEMPLATES = "templates"
SCRIPT = "report.js"


def _shown(value: object) -> object:
    """A value of the page's data as the page writes it: text from outside the project
    (a commit subject, an author, a file name) with its control characters escaped, so that
    an escape sequence or a line break is seen, not acted on. The package's own markup
    (the style sheet, the script, the chart) is written as it is."""
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return controls_escaped(value)
    return value


@functools.cache
def environment() -> jinja2.Environment:
    """The template environment: autoescaping everywhere, undefined names are errors, and
    control characters in the data escaped (:func:`_shown`)."""
    return jinja2.Environment(
        finalize=_shown,
        loader=jinja2.PackageLoader(__package__ or "qemlflow_lint.report.html", TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _source(name: str) -> str:
    loader = environment().loader
    assert loader is not None  # set above
    text: str = loader.get_source(environment(), name)[0]
    return text


def content_security_policy(script: str) -> str:
    """The policy of the page: nothing may be fetched, only ``script`` may run."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; "
        f"script-src 'sha256-{digest}'; "
        "style-src 'unsafe-inline'; "
        "base-uri 'none'; form-action 'none'"
    )


def render_html(page: ReportPage) -> str:
    """The whole HTML document of ``page``."""
    script = _source(SCRIPT)
    # A file name that is not UTF-8 (carried with surrogate escapes) is shown escaped.
    return decodable(
        environment()
        .get_template("report.html.j2")
        .render(
            page=page,
            # The package's own files, trusted as they are; everything in ``page`` is escaped.
            style=markupsafe.Markup(_source("report.css")),
            script=markupsafe.Markup(script),
            policy=content_security_policy(script),
            DROPS_SHOWN=DROPS_SHOWN,
            DROP_FILES_SHOWN=DROP_FILES_SHOWN,
            CHAINS_SHOWN=CHAINS_SHOWN,
            UNPARSEABLE_SHOWN=UNPARSEABLE_SHOWN,
        )
    )
