"""MkDocs hook: links to repository files that a page of the site shows.

A few files outside ``docs/`` are shown on the site by a page that includes them whole with
one snippet line (``changelog.md`` is ``--8<-- "CHANGELOG.md"``). The pages link to the
files themselves (``../CHANGELOG.md``), which is what works when the Markdown is read on a
code host; on the site, this hook points such a link at the page that shows the file. Every
other link that leaves ``docs/`` still fails ``mkdocs build --strict``.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

#: A page that is one snippet line: the repository file it shows.
WHOLE_FILE_SNIPPET = re.compile(r'\A\s*--8<-- "(?P<path>[^"]+)"\s*\Z')
#: The target of an inline Markdown link, up to its anchor.
LINK_TARGET = re.compile(r"(?<=\]\()(?P<target>[^)\s#]+)")


def shown_files(files: Files, docs_folder: str) -> dict[str, str]:
    """The repository files that a page shows whole, each with that page's path below
    ``docs/``; both relative to the repository."""
    shown: dict[str, str] = {}
    for file in files.documentation_pages():
        snippet = WHOLE_FILE_SNIPPET.match(file.content_string)
        if snippet:
            shown[posixpath.normpath(snippet["path"])] = file.src_uri
    return {path: posixpath.join(docs_folder, page) for path, page in shown.items()}


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Point the page's links to shown repository files at the pages that show them."""
    root = Path(config.config_file_path).resolve().parent
    docs_folder = Path(config.docs_dir).resolve().relative_to(root).as_posix()
    shown = shown_files(files, docs_folder)
    here = posixpath.dirname(posixpath.join(docs_folder, page.file.src_uri))

    def retarget(link: re.Match[str]) -> str:
        target = link["target"]
        if "://" in target or target.startswith(("/", "mailto:")):
            return target
        page_showing = shown.get(posixpath.normpath(posixpath.join(here, target)))
        return posixpath.relpath(page_showing, here) if page_showing else target

    return LINK_TARGET.sub(retarget, markdown)
