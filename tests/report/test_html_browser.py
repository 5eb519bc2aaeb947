"""The HTML report in a real headless Chromium: it loads without an error or a single
request, shows the numbers ``score --format json`` gives, keeps hostile names as text, its
ledger sorts and filters, it fits a phone and prints without its controls.

The report is written once per module by the command line, as a user writes it, for a
project with a hostile file name, a hostile history and an import-time result.
Screenshots at 1280 and 375 px are saved in ``$QEMLFLOW_LINT_ARTIFACTS`` (else pytest's
temporary folder): the test prints where.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from tests.browser import artifacts_folder, launched_chromium, open_page
from tests.report.html_samples import (
    EMOJI_SUBJECT,
    HOSTILE_AUTHOR,
    HOSTILE_FILE,
    HOSTILE_SUBJECT,
    RISE,
    RLO_FILE,
    hostile_project,
    hostile_trend,
    importtime_data,
    large_project,
    long_history,
    trend_json,
)

pytestmark = pytest.mark.slow

#: The gate of both runs: the project scores below it, so the verdict is a failure.
FAIL_UNDER = "85"


class Written(NamedTuple):
    """The report, and ``score --format json`` on the same project."""

    page: Path
    score: dict[str, Any]


def _run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qemlflow_lint", *args, "--no-cache", "--fail-under", FAIL_UNDER],
        cwd=str(project),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Written:
    folder = tmp_path_factory.mktemp("html-report")
    project = hostile_project(folder / "demo")
    (folder / "trend.json").write_text(json.dumps(trend_json(hostile_trend())), encoding="utf-8")
    (folder / "importtime.json").write_text(json.dumps(importtime_data()), encoding="utf-8")
    page = folder / "report.html"
    done = _run(
        project,
        "report",
        "--html",
        str(page),
        "--trend-json",
        str(folder / "trend.json"),
        "--importtime",
        str(folder / "importtime.json"),
    )
    assert done.returncode == 1, done.stderr  # the gate fails; the page is written anyway
    scored = _run(project, "score", "--format", "json")
    assert scored.returncode == 1, scored.stderr
    return Written(page, json.loads(scored.stdout))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched_chromium() as launched:
        yield launched


def _tenths(value: float) -> str:
    """``value`` to one decimal, half up, as the report rounds the exact fraction behind it."""
    return str(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _ledger(page: Any) -> list[dict[str, str]]:
    """The ledger's visible rows, in their order on the page."""
    rows: list[dict[str, str]] = page.eval_on_selector_all(
        "#ledger tbody tr",
        """rows => rows.filter(row => !row.hidden).map(row => ({
            path: row.dataset.path, rule: row.dataset.rule, exact: row.dataset.points,
            shown: row.querySelector('.points').textContent, file: row.cells[0].textContent}))""",
    )
    return rows


def _losses(score: dict[str, Any]) -> int:
    """How many (file, rule) losses ``score --format json`` lists: the ledger's rows."""
    return sum(len(file["violating"]) for file in score["files"].values())


def test_the_page_loads_without_errors_or_requests(written: Written, browser: Any) -> None:
    with open_page(browser, written.page) as (page, log):
        assert page.title().startswith("demo: qemlflow-lint report")
        assert page.is_visible("#ledger-controls"), "the page's own script ran (the policy allows it)"
    assert log.problems == []
    assert log.requests == [], "the report requests nothing: no font, image, script or style"


def test_the_numbers_are_those_of_score_json(written: Written, browser: Any) -> None:
    expected = written.score
    with open_page(browser, written.page) as (page, _):
        assert page.text_content("[data-testid=score]") == f"{expected['score']:.1f}"
        assert (
            page.text_content("[data-testid=verdict]")
            == f"FAIL: score {expected['score']:.1f} is below 85 (--fail-under)"
        )
        for code, rule in expected["rules"].items():
            row = page.locator(f"#rules [data-rule={code}]")
            assert float(row.get_attribute("data-coverage")) == rule["coverage"]
            assert row.locator(".coverage").text_content() == _tenths(rule["coverage"] * 100) + "%"
            assert row.locator(".weight").text_content() == f"{rule['weight']:g}"
            assert row.locator(".lost").text_content() == _tenths(rule["points_lost"])
        ledger = _ledger(page)
        lost = page.text_content("[data-testid=lost]")
    files = expected["files"]
    assert {(row["path"], row["rule"]) for row in ledger} == {
        (path, code) for path, file in files.items() for code in file["violating"]
    }
    for path, file in files.items():
        mine = [row for row in ledger if row["path"] == path]
        assert sum(float(row["exact"]) for row in mine) == pytest.approx(file.get("points_lost", 0.0))
    for row in ledger:
        assert abs(float(row["shown"]) - float(row["exact"])) < 0.1, "rounded so that the rows add up"
    assert lost == f"{100 - expected['score']:.1f}"
    assert f"{sum(float(row['shown']) for row in ledger):.1f}" == lost


def test_hostile_names_are_visible_text_that_runs_nothing(written: Written, browser: Any) -> None:
    with open_page(browser, written.page) as (page, log):
        assert page.locator("img").count() == 0, "no element was made from a name"
        cell = page.locator("#ledger td.path", has_text=HOSTILE_FILE).first
        assert cell.text_content() == HOSTILE_FILE
        assert cell.is_visible()
        drop = page.locator("#trend .drop .commit-label")
        assert HOSTILE_SUBJECT in drop.text_content() and HOSTILE_AUTHOR in drop.text_content()
        assert drop.is_visible()
        assert page.locator("script").count() == 1
        page.hover("#trend circle.dropped")  # a tooltip is text too
    assert log.dialogs == [], "no alert fired"
    assert log.problems == []


def test_the_ledger_sorts_and_filters(written: Written, browser: Any) -> None:
    files = written.score["files"]
    with open_page(browser, written.page) as (page, _):
        rows = _ledger(page)
        points = [float(row["exact"]) for row in rows]
        assert points == sorted(points, reverse=True), "most points first"

        page.click("#ledger th[data-sort=path] button")
        paths = [row["path"] for row in _ledger(page)]
        assert paths == sorted(paths)
        assert page.get_attribute("#ledger th[data-sort=path]", "aria-sort") == "ascending"
        page.click("#ledger th[data-sort=path] button")
        assert [row["path"] for row in _ledger(page)] == sorted(paths, reverse=True)

        page.fill("#ledger-file", "api.py")
        shown = _ledger(page)
        assert shown and {row["path"] for row in shown} == {"chemtools/api.py"}
        status = page.text_content("#ledger-status")
        total = float(status.rsplit(", ", 1)[1].split()[0])
        assert status.startswith(f"{len(shown)} of {len(rows)} rows shown")
        assert abs(total - files["chemtools/api.py"]["points_lost"]) < 0.051

        page.fill("#ledger-file", "")
        page.select_option("#ledger-rule", "QF101")
        shown = _ledger(page)
        assert shown and {row["rule"] for row in shown} == {"QF101"}
        assert len(shown) == written.score["rules"]["QF101"]["violating"]

        page.fill("#ledger-file", "no such file")
        assert _ledger(page) == []


def test_without_javascript_the_ledger_is_complete(written: Written, browser: Any) -> None:
    with open_page(browser, written.page, javascript=False) as (page, _):
        assert len(_ledger(page)) == _losses(written.score)
        assert not page.is_visible("#ledger-controls"), "controls that would do nothing stay hidden"
        if page.locator("#ledger-all").count():
            page.click("#ledger-all summary")  # "show all" is a <details>: no script needed
        assert page.locator("#ledger tbody tr:visible").count() == _losses(written.score)


def test_it_fits_a_phone_and_a_desktop(written: Written, browser: Any) -> None:
    for width in (1280, 375):
        with open_page(browser, written.page, width=width, height=800) as (page, log):
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow == 0, f"the page scrolls sideways at {width} px"
            scroller = page.evaluate(
                "(() => { const box = document.querySelector('.table-scroll');"
                " return box.getBoundingClientRect().right <= document.documentElement.clientWidth; })()"
            )
            assert scroller, "the ledger scrolls inside its own container"
        assert log.problems == []


def test_it_prints_every_row_without_its_controls(written: Written, browser: Any) -> None:
    with open_page(browser, written.page) as (page, _):
        page.fill("#ledger-file", "api.py")
        page.emulate_media(media="print")
        assert not page.is_visible("#ledger-controls")
        visible = page.eval_on_selector_all(
            "#ledger tbody tr", "rows => rows.filter(row => row.getBoundingClientRect().height > 0).length"
        )
        assert visible == _losses(written.score), "a printed report has the whole ledger"
        assert page.pdf()[:4] == b"%PDF"


# A large project with a long history: read in a minute, on any screen

#: The height of a laptop's screen: the whole report, collapsed, is under six of them.
SCREEN = 800


@pytest.fixture(scope="module")
def long_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of a 60-module project with a 200-commit history shaped like QeMLflow's."""
    folder = tmp_path_factory.mktemp("long-report")
    project = large_project(folder / "labkit")
    (folder / "trend.json").write_text(json.dumps(trend_json(long_history())), encoding="utf-8")
    page = folder / "report.html"
    done = _run(project, "report", "--html", str(page), "--trend-json", str(folder / "trend.json"))
    assert done.returncode == 1, done.stderr
    return page


def test_the_long_report_is_under_six_screens_and_saved_as_screenshots(
    long_report: Path, browser: Any, tmp_path: Path
) -> None:
    folder = artifacts_folder(tmp_path)
    for width in (1280, 375):
        with open_page(browser, long_report, width=width, height=SCREEN) as (page, log):
            height = page.evaluate("document.documentElement.scrollHeight")
            if width == 1280:
                assert height < 6 * SCREEN, f"the collapsed report is {height} px tall"
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow == 0, f"the page scrolls sideways at {width} px"
            page.screenshot(path=str(folder / f"report-{width}px.png"), full_page=True)
        assert log.problems == []
    print(f"screenshots of the HTML report: {folder}")


def _show_all(page: Any, selector: str) -> None:
    """Open the "show all" at ``selector``, when the page has one."""
    if page.locator(selector).count():
        page.click(f"{selector} summary")


def _colour(page: Any, selector: str, text: str) -> tuple[int, ...]:
    """The red, green and blue of the first element matching ``selector`` with ``text``."""
    rgb: str = page.locator(selector, has_text=text).first.evaluate("e => getComputedStyle(e).color")
    return tuple(int(part) for part in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])


def test_rises_are_green_and_falls_red(long_report: Path, browser: Any) -> None:
    with open_page(browser, long_report) as (page, _):
        _show_all(page, "[data-testid=drops-all]")
        red, green, _ = _colour(page, "#trend .drop .change", f"{RISE[0]:.1f} → {RISE[1]:.1f}")
        assert green > red + 40, f"the rise {RISE} is green, not rgb({red}, {green})"
        red, green, _ = _colour(page, "#trend .drop .change", "86.0 → 81.0")
        assert red > green + 40, "the fall is red"
        red, green, _ = _colour(page, "#trend .drop .change", "−5.0")
        assert red > green + 40, "a file that cost points is red"


def test_at_375_px_no_element_is_narrower_than_its_text(long_report: Path, browser: Any) -> None:
    with open_page(browser, long_report, width=375, height=SCREEN) as (page, _):
        _show_all(page, "#ledger-all")
        broken: list[str] = page.evaluate(
            r"""() => {
            // Every word of up to 24 characters sits on one line: no column is squeezed
            // until a rule code or a number wraps a letter at a time.
            const found = [];
            const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const parent = node.parentElement;
                if (!parent || parent.closest("svg, details:not([open]) > :not(summary)") || !parent.offsetParent) continue;
                for (const match of node.data.matchAll(/[^\s-]+/g)) {  // a hyphen may break a line
                    if (match[0].length > 24) continue;
                    const range = document.createRange();
                    range.setStart(node, match.index);
                    range.setEnd(node, match.index + match[0].length);
                    const lines = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
                    if (lines.size > 1) found.push(match[0] + " in <" + parent.tagName.toLowerCase() + ">");
                }
            }
            return found;
        }"""
        )
        assert broken == [], "\n".join(broken)
        narrow: list[str] = page.eval_on_selector_all(
            "main *",
            """els => {
            // (text hidden for the eye, kept for screen readers, sits in a 1 px box on purpose)
            const hidden = e => { for (; e; e = e.parentElement) if (e.getBoundingClientRect().width <= 1) return true; return false; };
            return els.filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0
                && getComputedStyle(e).overflowX === 'visible' && !e.closest('svg') && !hidden(e))
                .map(e => e.tagName + ' ' + e.textContent.slice(0, 40));
            }""",
        )
        assert narrow[:10] == [], "an element whose text overflows it"


def test_emoji_in_subjects_are_drawn_in_colour(long_report: Path, browser: Any) -> None:
    with open_page(browser, long_report) as (page, _):
        _show_all(page, "[data-testid=drops-all]")
        subject = page.locator("#trend .subject", has_text=EMOJI_SUBJECT).first.element_handle()
        subject.evaluate("e => { e.textContent = '🚀'; e.style.fontSize = '40px'; }")
        shot = subject.screenshot()
    canvas = browser.new_page()
    try:
        # An empty box is drawn in the text's grey; a colour emoji has saturated pixels.
        coloured = canvas.evaluate(
            """async (data) => {
            const image = new Image();
            image.src = "data:image/png;base64," + data;
            await image.decode();
            const canvas = document.createElement("canvas");
            canvas.width = image.width; canvas.height = image.height;
            const context = canvas.getContext("2d");
            context.drawImage(image, 0, 0);
            const pixels = context.getImageData(0, 0, image.width, image.height).data;
            let count = 0;
            for (let i = 0; i < pixels.length; i += 4) {
                const [r, g, b] = [pixels[i], pixels[i + 1], pixels[i + 2]];
                if (Math.max(r, g, b) - Math.min(r, g, b) > 60) count += 1;
            }
            return count;
        }""",
            base64.b64encode(shot).decode("ascii"),
        )
    finally:
        canvas.close()
    assert coloured > 50, "the emoji is drawn by a colour emoji font (install fonts-noto-color-emoji)"


def test_a_right_to_left_override_does_not_reverse_the_numbers_beside_it(
    long_report: Path, browser: Any
) -> None:
    with open_page(browser, long_report) as (page, _):
        # The drop whose file is named with U+202E is the largest, so it is shown at once.
        lefts: list[float] = page.evaluate(
            """(name) => {
            // The first "5.0" after the file's name, in the text that follows it on the page.
            const walker = document.createTreeWalker(document.getElementById("trend"), NodeFilter.SHOW_TEXT);
            let seen = false;
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                let from = 0;
                if (!seen) {
                    const named = node.data.indexOf(name);
                    if (named < 0) continue;
                    seen = true;
                    from = named + name.length;
                }
                const at = node.data.indexOf("5.0", from);
                if (at < 0) continue;
                return [...Array(3).keys()].map(i => {
                    const range = document.createRange();
                    range.setStart(node, at + i);
                    range.setEnd(node, at + i + 1);
                    return range.getBoundingClientRect().left;
                });
            }
            return [];
        }""",
            RLO_FILE.split("/")[-1],
        )
    assert len(lefts) == 3 and lefts == sorted(lefts), "5.0 reads left to right: not 0.5"
