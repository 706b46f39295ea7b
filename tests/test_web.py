"""The analyst's page in headless Chromium: timeline, control legend, source reader, reviews, hostile text.

Skipped when /usr/bin/chromium is missing or Playwright cannot launch it.  One server (a temp
store with the example reports plus a crafted hostile page) serves every test in this file.
"""
from __future__ import annotations

import json
import socket
import threading
import time
from datetime import date
from pathlib import Path

import httpx
import pytest

from .conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
TOKEN = "test-token"
ARTIFACTS = ROOT / "artifacts"

HOSTILE_PAGE = """Rebels Claim Gains Near Kafr Nabl

Rebels said <script>window.__pwned=1</script> was the caption of their statement posted on Sunday.

A second post carried <img src=x onerror="window.__pwned=2"> beside a photograph of the square.

On March 3, 2019, government forces captured the town of Kafr Nabl from Hay'at Tahrir al-Sham.

Local activists said the fighting lasted for most of the night and that many families had already left the town.
"""

# an event outside Syria: the map draws Nigeria's states around it
NIGERIA_PAGE = """Troops Repel Insurgents Near Bama

Nigerian troops killed ten insurgents near the town of Bama in Borno State, Nigeria, on March 4, 2019, the army said.

Residents said the fighting lasted for several hours.
"""

# records CSP violations from the first script on; init scripts are not subject to the page's CSP
CSP_PROBE = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
"""


@pytest.fixture(scope="session")
def web_db(tmp_path_factory, pipeline):
    from frontlines.batch import ingest_paths
    from frontlines.store import Store

    root = tmp_path_factory.mktemp("web")
    hostile = root / "pages" / "hostile_2019-03-kafrnabl.txt"
    hostile.parent.mkdir()
    hostile.write_text(HOSTILE_PAGE, encoding="utf-8")
    (hostile.parent / "nigeria_2019-03-bama.txt").write_text(NIGERIA_PAGE, encoding="utf-8")
    db = str(root / "web.db")
    report = ingest_paths([EXAMPLES, hostile.parent], Store(db), lambda: pipeline)
    assert report.events > 0 and not report.failed
    return db


@pytest.fixture(scope="session")
def server(web_db):
    import uvicorn

    from frontlines.serve import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(web_db, token=TOKEN), log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture(scope="session")
def api(server):
    with httpx.Client(base_url=server, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed")
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                               args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                     "--disable-component-update"])
    except Exception as e:  # noqa: BLE001 - any launch failure means "no browser here"
        pw.stop()
        pytest.skip(f"playwright cannot launch chromium: {e}")
    yield b
    b.close()
    pw.stop()


@pytest.fixture
def page(browser, server):
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=server)
    # the page must not reach anything but its own server
    ctx.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server) else route.abort())
    pg = ctx.new_page()
    pg.add_init_script(CSP_PROBE)
    problems: list[str] = []
    pg.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
    pg.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    pg.problems = problems
    yield pg
    ctx.close()


def _open(page) -> None:
    page.goto("/")
    page.wait_for_selector('body[data-ready="1"]', timeout=30_000)


def _set_slider(page, day: date) -> None:
    lo = date.fromisoformat(page.eval_on_selector("#range-label", "el => el.textContent.split(' ')[0]"))
    page.eval_on_selector("#date-slider", """(el, v) => {
        el.value = v;
        el.dispatchEvent(new Event('input', {bubbles: true}));
        el.dispatchEvent(new Event('change', {bubbles: true}));
    }""", str((day - lo).days))
    page.wait_for_selector(f'body[data-control-date="{day.isoformat()}"]', timeout=15_000)
    assert page.text_content("#date-label") == day.isoformat()


def _holders(rows: list[dict]) -> set[str]:
    return {r["holder"] or "unknown" for r in rows}


def _open_event(page, event_id: str) -> None:
    page.click(f'#event-list li[data-event-id="{event_id}"] button')
    page.wait_for_selector("#evidence-mark", timeout=15_000)


def test_timeline_reader_and_review(page, api, web_db, tmp_path):
    events = api.get("/api/events").json()
    days = sorted({date.fromisoformat(e["event_date"]) for e in events})
    _open(page)

    # the slider spans the event dates, one step per day, and starts at the latest
    assert page.get_attribute("#date-slider", "max") == str((days[-1] - days[0]).days)
    assert page.text_content("#date-label") == days[-1].isoformat()
    assert page.locator("#event-list li[data-event-id]").count() == len(events)
    outlines = page.locator("path.governorate").count()
    assert outlines >= 14

    latest = api.get("/api/control", params={"at": days[-1].isoformat()}).json()
    assert page.locator(".leaflet-marker-icon.control-flag").count() == len(latest)
    assert {el.get_attribute("data-holder") for el in page.locator(".legend .holder").all()} == _holders(latest)

    # move the slider back to a day whose control picture differs
    target = next((d for d in days if api.get("/api/control", params={"at": d.isoformat()}).json() != latest),
                  days[0])
    expect = api.get("/api/control", params={"at": target.isoformat()}).json()
    _set_slider(page, target)
    assert len(expect) != len(latest) or _holders(expect) != _holders(latest)
    assert page.locator(".leaflet-marker-icon.control-flag").count() == len(expect)
    assert {el.get_attribute("data-holder") for el in page.locator(".legend .holder").all()} == _holders(expect)
    assert page.get_attribute(".control-legend", "data-date") == target.isoformat()
    listed = page.locator("#event-list li[data-event-id]").count()
    assert listed == sum(1 for e in events if date.fromisoformat(e["event_date"]) <= target)

    # pick an event whose page has reader comments (they must stay hidden)
    def comments_of(ev):
        return api.get(f"/api/documents/{ev['evidence'][0]['doc_id']}").json()["comments"]
    chosen = next((e for e in events if e["evidence"] and comments_of(e)), next(e for e in events if e["evidence"]))
    _set_slider(page, max(target, date.fromisoformat(chosen["event_date"])))
    _open_event(page, chosen["event_id"])
    expected = api.get(f"/api/events/{chosen['event_id']}").json()["evidence"][0]["text"]
    mark = page.locator("#article mark")
    assert mark.count() == 1
    assert mark.text_content() == expected
    # scrolled into view inside the panel
    assert page.evaluate("""() => {
        const m = document.querySelector('#evidence-mark').getBoundingClientRect();
        const p = document.querySelector('#detail').getBoundingClientRect();
        return m.top >= p.top - 1 && m.top < p.bottom;
    }""")
    comments = comments_of(chosen)
    if comments:
        summary = page.locator("details.comments summary")
        assert summary.text_content() == f"{len(comments)} reader comment{'s' if len(comments) != 1 else ''} (not reporting)"
        assert page.locator("details.comments").get_attribute("open") is None
        snippet = comments[0].splitlines()[-1][:40]
        assert not page.get_by_text(snippet, exact=False).is_visible()
        assert snippet not in page.text_content("#article")

    # a wrong token is refused and said so; the right one stores the correction
    original = api.get(f"/api/events/{chosen['event_id']}").json()
    page.fill("#token", "not-the-token")
    page.click("form.review button.accept")
    page.wait_for_selector("form.review .msg.error")
    assert "401" in page.text_content("form.review .msg")
    page.fill("#token", TOKEN)
    page.fill("#reviewer", "web-test")
    page.select_option("form.review select[name=field]", "location")
    # a free name is refused with the reason; a gazetteer place id is taken, with its coordinates
    page.fill("form.review input[name=value]", "Test Place")
    page.click("form.review button.correct")
    page.wait_for_selector("form.review .msg.error")
    assert "422" in page.text_content("form.review .msg") and "gazetteer place id" in page.text_content("form.review .msg")
    page.fill("form.review input[name=value]", "geonames:170905")
    page.click("form.review button.correct")
    page.wait_for_selector("form.review .msg.ok")
    assert page.get_attribute("#detail .badge", "data-status") == "corrected"
    assert page.text_content('#detail dd[data-field="location"] .value') == "Dar'a"
    stored = api.get(f"/api/events/{chosen['event_id']}").json()
    loc = next(r for r in stored["reviews"] if r["field"] == "location")
    assert (loc["new_value"], loc["old_value"], loc["reviewer"]) == ("Dar'a", original["location"], "web-test")
    assert (stored["location"], stored["place_id"]) == ("Dar'a", "geonames:170905")
    assert stored["status"] == "corrected"
    # the extraction itself is untouched
    from frontlines.store import Store
    from frontlines.store.db import EventRow
    with Store(web_db).session() as s:
        assert s.get(EventRow, chosen["event_id"]).data["location"] == original["location"]
    assert page.evaluate("localStorage.getItem('frontlines.token')") == TOKEN

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web.png"))
    page.screenshot(path=str(tmp_path / "web.png"))
    assert page.evaluate("window.__csp") == []
    # the failed requests are the deliberate wrong-token review and the refused place name
    assert [p for p in page.problems if "status of 401" not in p and "status of 422" not in p] == []


def test_hostile_article_is_text(page, api):
    events = api.get("/api/events").json()
    ev = next(e for e in events if any(x["doc_id"].startswith("hostile_") for x in e["evidence"]))
    doc = api.get(f"/api/documents/{ev['evidence'][0]['doc_id']}").json()
    assert "<script>" in doc["article"] and "<img" in doc["article"]
    _open(page)
    _open_event(page, ev["event_id"])
    article = page.locator("#article")
    text = article.text_content()
    assert "<script>" in text and "</script>" in text and "<img src=x" in text
    script_line = next(line for line in doc["article"].splitlines() if "<script>" in line)
    assert page.get_by_text(script_line[:60], exact=False).is_visible()
    assert page.locator("#article img, #detail img, #detail script").count() == 0
    assert page.locator("#article *").count() == 1  # only the <mark>
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.evaluate("window.__csp") == []
    assert page.problems == []


def _in_map(page, box) -> bool:
    m = page.locator("#map").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    return m["x"] + 20 < x < m["x"] + m["width"] - 20 and m["y"] + 20 < y < m["y"] + m["height"] - 20


def test_map_click_opens_the_event(page, api):
    _open(page)
    box = next(b for b in (el.bounding_box() for el in page.locator("path.event-marker").all()) if b and _in_map(page, b))
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    page.wait_for_selector("#event-list li.selected", timeout=10_000)
    page.wait_for_selector("#evidence-mark", timeout=15_000)
    chosen = page.get_attribute("#event-list li.selected", "data-event-id")
    ev = api.get(f"/api/events/{chosen}").json()
    assert page.text_content("#evidence-mark") == ev["evidence"][0]["text"]
    page.keyboard.press("Escape")
    assert page.locator("#detail").is_hidden()
    assert page.locator("#event-list li.selected").count() == 0
    assert page.problems == []


def test_filter_correct_download_areas_and_offline_docs(page, api, tmp_path):
    import csv
    import io

    _open(page)
    # filter by an alias: the list is the API's selection for the canonical actor
    page.fill("#f-actor", "HTS")
    page.click("#f-apply")
    page.wait_for_selector('body[data-filter="actor=HTS"]')
    hts = api.get("/api/events", params={"actor": "Hay'at Tahrir al-Sham"}).json()
    assert hts and len(hts) < len(api.get("/api/events").json())
    _set_slider(page, max(date.fromisoformat(e["event_date"]) for e in hts))
    listed = {li.get_attribute("data-event-id") for li in page.locator("#event-list li[data-event-id]").all()}
    assert listed == {e["event_id"] for e in hts}

    # correct fatalities and location of one of them in the page
    chosen = next(e for e in hts if e["evidence"] and e["status"] == "unreviewed")
    _open_event(page, chosen["event_id"])
    page.fill("#token", TOKEN)
    page.select_option("form.review select[name=field]", "fatalities")
    page.fill("form.review input[name=value]", "two")
    page.click("form.review button.correct")
    page.wait_for_selector("form.review .msg.error")
    assert "whole number" in page.text_content("form.review .msg")
    page.fill("form.review input[name=value]", "13")
    page.click("form.review button.correct")
    page.wait_for_selector("form.review .msg.ok")
    page.select_option("form.review select[name=field]", "location")
    page.fill("form.review input[name=value]", "geonames:170905")
    page.click("form.review button.correct")
    from playwright.sync_api import expect
    expect(page.locator('#detail dd[data-field="location"] .value')).to_have_text("Dar'a")
    assert page.text_content('#detail dd[data-field="fatalities"] .value') == "13"

    # the download is the current selection, as ACLED's CSV, with the corrections
    assert "actor=HTS" in page.get_attribute("#download-csv", "href")
    with page.expect_download() as dl:
        page.click("#download-csv")
    path = tmp_path / "selection.csv"
    dl.value.save_as(str(path))
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    now = api.get("/api/events", params={"actor": "HTS"}).json()  # a moved event may merge differently now
    assert {r["event_id"] for r in rows} == {e["event_id"] for e in now}
    row = next(r for r in rows if r["event_id"] == chosen["event_id"])
    assert (row["fatalities"], row["location"], row["review_status"]) == ("13", "Dar'a", "corrected")
    assert row["event_id_cnty"].startswith("SYR") and "Hayat Tahrir al-Sham" in (row["actor1"], row["actor2"])
    with page.expect_download() as dl:
        page.click("#download-geojson")
    gj = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    feat = next(f for f in gj["features"] if f["properties"]["event_id"] == chosen["event_id"])
    assert feat["properties"]["fatalities"] == 13 and feat["id"] == row["event_id_cnty"]

    # the list kept room for rows while the article was open; closing it brings the filters back
    assert page.locator("#event-list").bounding_box()["height"] > 150
    page.click("#detail-close")
    # control areas follow the slider
    page.click("#f-reset")
    page.wait_for_selector('body[data-filter=""]')
    events = api.get("/api/events").json()
    days = sorted({date.fromisoformat(e["event_date"]) for e in events})
    areas = {d: api.get("/api/control/areas", params={"at": d.isoformat()}).json()["features"] for d in days}
    def key(d):
        return [(f["properties"]["holder"], f["properties"]["places"]) for f in areas[d]]
    a = next(d for d in days if areas[d])
    b = next(d for d in days if d > a and key(d) != key(a))
    seen = {}
    for d in (a, b):
        _set_slider(page, d)
        assert page.locator("path.control-area").count() == len(areas[d])
        seen[d] = page.get_attribute("body", "data-areas")
        page.screenshot(path=str(ARTIFACTS / f"web-areas-{d.isoformat()}.png"))
    assert seen[a] != seen[b]
    assert [p for p in page.problems if "status of 422" not in p] == []


def test_docs_render_with_the_network_blocked(page):
    page.goto("/docs")  # the fixture aborts every request that is not to the server
    page.wait_for_selector('body[data-ready="1"]', timeout=15_000)
    assert page.locator("section.endpoint").count() >= 10
    assert "/api/events/{event_id}/review" in page.text_content("#docs")
    assert "edit token" in page.text_content('section[id="post-/api/events/{event_id}/review"]')
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "docs.png"), full_page=True)
    assert page.evaluate("window.__csp") == [] and page.problems == []


def _boxes_overlap(a, b) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and \
        a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def _visible_labels(page) -> dict[str, dict]:
    return {el.text_content(): el.bounding_box() for el in page.locator(".place-label:not(.label-hidden) .label-text").all()}


def test_place_labels_and_control_flags(page, api):
    from playwright.sync_api import expect

    events = api.get("/api/events").json()
    latest = max(date.fromisoformat(e["event_date"]) for e in events)
    rows = [r for r in api.get("/api/control", params={"at": latest.isoformat()}).json() if r["latitude"] is not None]
    _open(page)

    # names beside the markers, readable and never over each other
    labels = _visible_labels(page)
    assert labels, "no place label is shown"
    names = {e["location"] for e in events} | {r["place"] for r in rows}
    assert set(labels) <= names
    assert {r["place"] for r in rows} & set(labels), "no controlled place is named on the map"
    for text, box in labels.items():
        assert text.strip() and box["height"] >= 10
        assert page.locator(".place-label:not(.label-hidden) .label-text", has_text=text).first.is_visible()
    items = list(labels.values())
    assert not any(_boxes_overlap(a, b) for i, a in enumerate(items) for b in items[i + 1:])
    # zoomed far out the names give way to the markers; zoomed back in they return
    for _ in range(3):
        page.click(".leaflet-control-zoom-out")
        page.wait_for_timeout(350)
    page.wait_for_selector('body[data-labels="0"]')
    for _ in range(3):
        page.click(".leaflet-control-zoom-in")
        page.wait_for_timeout(350)
    expect(page.locator(".place-label:not(.label-hidden)").first).to_be_visible()

    # a controlled place that also has an event: the flag and the event dot are both there, each its own click
    def here(e, r):
        return e["latitude"] is not None and abs(e["latitude"] - r["latitude"]) < 1e-6 \
            and abs(e["longitude"] - r["longitude"]) < 1e-6
    row, ev = next((r, e) for r in rows for e in events if here(e, r))
    flag = page.locator(f'.control-flag div[data-place="{row["place"]}"]')
    dot = page.locator(f'path.event-marker[data-event-id="{ev["event_id"]}"]')
    expect(flag).to_be_visible()
    expect(dot).to_be_visible()
    fb, db = flag.bounding_box(), dot.bounding_box()
    cx, cy = db["x"] + db["width"] / 2, db["y"] + db["height"] / 2
    assert abs(fb["x"] + 1 - cx) < 3 and abs(fb["y"] + fb["height"] - cy) < 3  # the pole stands on the place
    assert not _boxes_overlap({"x": fb["x"] + 3, "y": fb["y"], "width": 14, "height": 12}, db)  # the flag clears the dot

    page.mouse.click(cx, cy)
    popup = page.locator(".leaflet-popup.event-popup")
    expect(popup).to_be_visible()
    chosen = page.get_attribute("#event-list li.selected", "data-event-id")
    shown = api.get(f"/api/events/{chosen}").json()
    assert shown["location"] == row["place"]
    assert popup.locator(".popup").get_attribute("data-event-id") == chosen
    assert shown["event_type"] in popup.text_content() and row["place"] in popup.text_content()
    expect(page.locator(".leaflet-popup.control-popup")).to_have_count(0)
    page.wait_for_selector("#evidence-mark", timeout=15_000)

    page.mouse.click(fb["x"] + 9, fb["y"] + 7)
    cpop = page.locator(".leaflet-popup.control-popup")
    expect(cpop).to_be_visible()
    expect(page.locator(".leaflet-popup.event-popup")).to_have_count(0)  # one popup at a time
    text = cpop.text_content()
    assert f"Control — {row['place']}" in text
    assert f"held by {row['holder'] or 'unknown'}" in text
    assert f"since {row['since']}" in text and f"basis {row['basis']}" in text
    assert cpop.locator("blockquote.popup-evidence").text_content() == row["evidence"][0]["text"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-control-popup.png"))
    # the popup leads to the article, with the sentence highlighted
    cpop.get_by_role("button", name="read the article").click()
    expect(page.locator("#detail-title")).to_have_text(f"Control — {row['place']}")
    expect(page.locator("#evidence-mark")).to_have_text(row["evidence"][0]["text"])
    page.screenshot(path=str(ARTIFACTS / "web-labels.png"))
    assert page.evaluate("window.__csp") == [] and page.problems == []


def test_the_edit_token_is_copyable(page, server):
    from playwright.sync_api import expect

    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    _open(page)
    page.click("#token-copy")
    expect(page.locator("#token-msg")).to_have_text("no token to copy: paste the one printed at start-up")
    page.fill("#token", TOKEN)
    assert page.get_attribute("#token", "type") == "password"
    page.click("#token-show")
    assert page.get_attribute("#token", "type") == "text" and page.input_value("#token") == TOKEN
    assert page.get_attribute("#token-show", "aria-pressed") == "true"
    page.click("#token-show")
    assert page.get_attribute("#token", "type") == "password"
    page.click("#token-copy")
    expect(page.locator("#token-msg")).to_have_text("copied")
    assert page.evaluate("navigator.clipboard.readText()") == TOKEN
    page.locator("#topbar").screenshot(path=str(ARTIFACTS / "web-token.png"))
    assert page.evaluate("window.__csp") == [] and page.problems == []


def test_outlines_around_an_event_outside_syria(page, api):
    from playwright.sync_api import expect

    events = api.get("/api/events").json()
    ev = next(e for e in events if e["country"] == "Nigeria")
    assert ev["latitude"] is not None and ev["admin1"] == "Borno"
    served = api.get("/api/outlines").json()
    assert served["countries"] == ["NG"]  # only the countries with events, Syria has its own basemap
    ng = [f for f in served["features"] if f["properties"]["country_code"] == "NG"]
    _open(page)
    assert page.get_attribute("body", "data-outlines") == "NG"
    assert page.locator("path.admin1-outline").count() == len(ng)
    assert page.locator("path.admin1-outline.cc-NG").count() == len(ng)
    assert page.locator("path.governorate").count() >= 14  # Syria's still there

    _open_event(page, ev["event_id"])  # the map pans to it
    dot = page.locator(f'path.event-marker[data-event-id="{ev["event_id"]}"]')
    expect(dot).to_be_visible()
    page.wait_for_timeout(500)
    box = dot.bounding_box()
    assert _in_map(page, box)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # around the dot lies a Nigerian state's outline, and the place is named beside it
    around = page.evaluate("""([x, y]) => document.elementsFromPoint(x + 14, y + 14)
        .filter((el) => el.classList && el.classList.contains('admin1-outline')).map((el) => el.getAttribute('class'))""",
                           [x, y])
    assert around and all("cc-NG" in c for c in around)
    expect(page.locator(".place-label:not(.label-hidden) .label-text", has_text=ev["location"]).first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "web-outlines.png"))
    assert page.evaluate("window.__csp") == [] and page.problems == []
