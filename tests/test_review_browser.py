"""The review app end to end in a real headless Chromium (Debian's, driven by Selenium through
its chromedriver), on a real corpus PDF ingested with `extract run`.

A reviewer fixes a heading, deletes a false measure and sets a plan's period; the extractor
version then changes and `extract run` runs again: the three corrections hold on the new
extraction and the page shows them. The document page's screenshot is kept in
tests/artifacts/review.png.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from extract.ingest import batch
from extract.schema import Document, walk
from tests.conftest import shared_path
from tests.review_app import OTOINEPPU_PDF, PLAN_TEXT, extracted, served

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).parent / "artifacts"
WAIT_SECONDS = 20

pytestmark = [pytest.mark.slow, pytest.mark.corpus]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed: "
                                    "pip install -e '.[dev]'")
    from selenium.webdriver.chrome.service import Service

    if not CHROMIUM.is_file() or not CHROMEDRIVER.is_file():
        pytest.skip("Debian's chromium and chromium-driver are not installed "
                    "(apt-get install chromium chromium-driver fonts-noto-cjk)")
    profile = tempfile.mkdtemp(prefix="review-browser-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
                 "--window-size=1600,1000", "--lang=ja"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _wait(driver: Any, condition: Any) -> Any:
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    # A save reloads the page: elements found before it go stale while it loads.
    ignored = (WebDriverException,)
    return WebDriverWait(driver, WAIT_SECONDS, ignored_exceptions=ignored).until(condition)


def _revision(driver: Any, n: int) -> None:
    """Wait for the page to show revision `n`; fail with what the page said instead."""
    from selenium.common.exceptions import TimeoutException

    try:
        _wait(driver, lambda d: d.find_element("id", "revision").text == f"revision {n}")
    except TimeoutException:
        said = [e.text for e in driver.find_elements("css selector", "#messages, .error")
                if e.text]
        raise AssertionError(f"no revision {n}; the page says {said}") from None


def _row(driver: Any, title: str) -> Any:
    for row in driver.find_elements("css selector", "#outline .row"):
        if row.find_element("css selector", ".title").text == title:
            return row
    raise AssertionError(f"no row titled {title!r}")


def _titles(driver: Any) -> list[str]:
    return [t.text for t in driver.find_elements("css selector", "#outline .row .title")]


def _keys(driver: Any, *keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(*keys).perform()


def _field(driver: Any, name: str, value: str) -> None:
    field = driver.find_element("css selector", f'#editor [name="{name}"]')
    field.clear()
    if value:
        field.send_keys(value)


def _a_measure(out: Path) -> str:
    """The title of the extraction's last measure whose title no other node has."""
    path = next(p for p in out.rglob("*.json") if p.name != "index.json")
    nodes = list(walk(Document.model_validate_json(path.read_bytes()).outline))
    titles = [n.title for n in nodes]
    return next(n.title for n in reversed(nodes)
                if n.kind.value == "measure" and n.title and titles.count(n.title) == 1)


def _save_editor(driver: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    ActionChains(driver).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL
                                                                            ).perform()


def test_review_a_pdf_and_keep_the_corrections_across_extractor_versions(
        browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from selenium.webdriver.common.keys import Keys

    pdf = shared_path("corpus", *OTOINEPPU_PDF.split("/"))
    raw, out = extracted(tmp_path, {"otoineppu/koudoukeikaku.pdf": pdf})
    with served(raw, out) as base:
        browser.get(base + "/")
        browser.find_element("partial link text", "音威子府村特定事業主行動計画").click()
        _wait(browser, lambda d: d.find_element("id", "outline"))
        doc_id = browser.current_url.rsplit("/", 1)[-1].split("#")[0]
        author = browser.find_element("id", "author")
        author.send_keys("佐藤")
        author.send_keys(Keys.TAB)

        # Clicking a heading's box on the page selects its node in the tree.
        boxes = httpx.get(f"{base}/doc/{doc_id}/page/3/boxes").json()
        chapter = _row(browser, "具体的な内容").get_attribute("data-node")
        left, top, right, bottom = boxes[chapter][0]
        page = browser.find_element("css selector", '.page[data-page="3"] img')
        browser.execute_script("arguments[0].scrollIntoView({block: 'start'});", page)
        _wait(browser, lambda d: page.get_property("complete"))  # loaded lazily, once in view
        x, y = browser.execute_script(
            """const [img, fx, fy] = arguments;
               img.scrollIntoView({block: "start"});
               const source = document.getElementById("source");
               source.scrollTop += img.getBoundingClientRect().height * fy - innerHeight / 2;
               const rect = img.getBoundingClientRect();
               return [rect.left + rect.width * fx, rect.top + rect.height * fy];""",
            page, (left + right) / 2, (top + bottom) / 2)
        from selenium.webdriver.common.actions.action_builder import ActionBuilder

        click = ActionBuilder(browser)
        click.pointer_action.move_to_location(int(x), int(y)).click()
        click.perform()
        _wait(browser, lambda d: "selected" in (_row(d, "具体的な内容").get_attribute("class")
                                                or ""))

        # 1. A heading whose ◎ marker was read as text: its label set in place.
        _row(browser, "計画の策定・推進").click()
        _keys(browser, Keys.ENTER)
        _field(browser, "label", "◎")
        _save_editor(browser)
        _revision(browser, 1)

        # 2. A measure the reviewer takes for no action: deleted.
        false_measure = _a_measure(out)
        _row(browser, false_measure).click()
        _keys(browser, Keys.DELETE)
        from selenium.webdriver.support import expected_conditions

        _wait(browser, expected_conditions.alert_is_present()).accept()
        _revision(browser, 2)
        assert false_measure not in _titles(browser)

        # 3. The main plan's period, typed as words.
        browser.find_element("css selector", "#plans tbody tr").click()
        _keys(browser, Keys.ENTER)
        _field(browser, "period", "平成27年度から平成31年度まで")
        _field(browser, "start", "")
        _field(browser, "end", "")
        _save_editor(browser)
        _revision(browser, 3)

        # A save made on an older revision is refused, and both versions are shown.
        data = httpx.get(f"{base}/api/doc/{doc_id}").json()
        heading = _row(browser, "計画の実施主体")
        heading.click()
        _keys(browser, Keys.ENTER)
        _field(browser, "title", "計画の実施主体等")
        page_html = httpx.get(f"{base}/doc/{doc_id}").text
        csrf = page_html.split('data-csrf="', 1)[1].split('"', 1)[0]
        other = httpx.post(f"{base}/api/doc/{doc_id}/save", headers={"X-CSRF-Token": csrf},
                           json={"revision": data["revision"], "author": "鈴木", "edits": [
                               {"op": "set", "target": {"kind": "node",
                                                        "id": heading.get_attribute(
                                                            "data-node")},
                                "field": "responsible", "value": "総務課長"}]})
        assert other.status_code == 200
        _save_editor(browser)
        stale = _wait(browser, lambda d: d.find_element("css selector", "#stale[open]"))
        assert "計画の実施主体等" in stale.find_element("css selector", ".yours").text
        assert "鈴木" in stale.find_element("css selector", ".theirs").text
        stale.find_element("css selector", 'button[value="reload"]').click()
        _revision(browser, 4)
        assert "計画の実施主体" in _titles(browser)

        # A new extractor version re-extracts the document; the corrections are re-applied.
        monkeypatch.setattr(batch, "__version__", "0.1.0+next")
        import extract.pipeline

        monkeypatch.setattr(extract.pipeline, "__version__", "0.1.0+next")
        summary = batch.run(raw, out, jobs=1)
        assert [o.status for o in summary.outcomes] == ["ok"]
        assert [(s.status, s.conflicts) for s in summary.reviews] == [("reviewed", 0)]
        raw_output = Path(str(summary.outcomes[0].output))
        assert Document.model_validate_json(raw_output.read_bytes()
                                            ).extractor_version == "0.1.0+next"

        browser.get(f"{base}/doc/{doc_id}")
        _wait(browser, lambda d: d.find_element("id", "outline"))
        bar = browser.find_element("css selector", ".bar").text
        assert "extractor 0.1.0+next" in bar
        assert browser.find_element("id", "outcomes").text == "4 applied"
        fixed = _row(browser, "計画の策定・推進")
        assert fixed.find_element("css selector", ".label").text == "◎"
        assert false_measure not in _titles(browser)
        plan = browser.find_element("css selector", "#plans tbody tr").text
        assert "平成27年度から平成31年度まで" in plan and "FY2015–FY2019" in plan
        assert "総務課長" in _row(browser, "計画の実施主体").text

        fixed.click()
        _wait(browser, lambda d: d.find_elements("css selector", ".page .box.selected"))
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / "review.png"
        browser.save_screenshot(str(shot))
        assert shot.stat().st_size > 50_000


def test_text_source_keys_and_a_measure_from_selected_text(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    raw, out = extracted(tmp_path, {"kakuu/plan.txt": PLAN_TEXT})
    with served(raw, out) as base:
        browser.get(base + "/")
        browser.execute_script("localStorage.setItem('review-author', '鈴木')")
        browser.find_element("partial link text", "架空市行政改革実施計画").click()
        _wait(browser, lambda d: d.find_element("id", "text").is_displayed())

        # Clicking a heading in the text selects its node; j and k walk the tree.
        browser.find_element("xpath", "//pre[@id='text']/mark[contains(., '財政の健全化')]"
                             ).click()
        selected = browser.find_element("css selector", "#outline .row.selected .title")
        assert selected.text == "財政の健全化"
        _keys(browser, "k")
        assert browser.find_element("css selector", "#outline .row.selected .title"
                                    ).text == "電子申請の対象手続を拡大します。"
        _keys(browser, "j")
        mark = browser.find_element("css selector", "#text mark.selected")
        assert "財政の健全化" in mark.text

        # Tab indents the selected node under the one before it.
        _keys(browser, Keys.TAB)
        _revision(browser, 1)
        parent = _row(browser, "事務の見直し").find_element("xpath", "..")
        assert "財政の健全化" in [t.text for t in parent.find_elements(
            "css selector", "li .title")]

        # Text selected in the source, then m: a measure from it, under the selected heading.
        _row(browser, "計画の期間").click()
        browser.execute_script(
            """const piece = [...document.querySelectorAll('#text span')]
                   .find((s) => s.textContent.includes('中間年度'));
               const node = piece.firstChild, at = node.data.indexOf('中間年度');
               const range = document.createRange();
               range.setStart(node, at);
               range.setEnd(node, node.data.indexOf('。', at));
               getSelection().removeAllRanges();
               getSelection().addRange(range);""")
        _keys(browser, "m")
        _revision(browser, 2)
        measure = _row(browser, "中間年度に計画の進み具合を点検します")
        assert "kind-measure" in (measure.find_element("xpath", "..").get_attribute("class")
                                  or "")

        # h: "not a heading"; u: undo, as a record of its own.
        _row(browser, "計画の期間").click()
        _keys(browser, "h")
        _revision(browser, 3)
        assert "計画の期間" not in _titles(browser)
        _keys(browser, "u")
        _revision(browser, 4)
        assert "計画の期間" in _titles(browser)
        assert browser.find_element("id", "outcomes").text == "3 applied, 1 undone"
