"""Stage 1: pages in, Documents out — article separated from comments and boilerplate."""
from __future__ import annotations

import io
import json
from datetime import date

import pytest

from frontlines.ingest import IngestError, ingest_path
from frontlines.ingest.textpage import split_page

from .conftest import EXAMPLES, SEED_000, SEED_004


def one(path, published=None):
    items = list(ingest_path(path, published))
    assert len(items) == 1, items
    return items[0]


def test_seed_000_comments_are_separated(shared):
    doc = one(SEED_000, date(2019, 1, 4))
    assert "defected and handed over their positions" in doc.article
    assert "You can call me Al" not in doc.article
    assert "vermin" not in doc.article
    assert len(doc.comments) >= 10
    assert any(c.startswith("Brother Ma") for c in doc.comments)
    assert doc.meta.title.startswith("Group Of Turkish-Backed Militants")
    assert doc.meta.published == date(2019, 1, 4) and doc.meta.published_from == "option"
    assert doc.raw == SEED_000.read_bytes()  # kept untouched


def test_seed_004_boilerplate_and_dateline(shared):
    doc = one(SEED_004)
    assert doc.meta.published == date(2019, 1, 10)  # the original, not the repost's January 11
    assert doc.meta.published_from == "dateline"
    assert "](" not in doc.article and "**" not in doc.article  # markdown syntax removed
    assert "Ahrar al-Sham groups in northwestern Hama surrendered" in doc.article
    assert "Note to readers" not in doc.article and "Disclaimer" not in doc.article
    assert any(b.startswith("Copyright") for b in doc.boilerplate)
    assert "South Front" in doc.meta.cited_outlets
    # a sentence broken by a stray blank line is one paragraph again
    assert "they discussed the recent developments" in doc.article


def test_no_year_is_reported_not_guessed(shared):
    doc = one(SEED_000)
    assert doc.meta.published is None
    assert any("no publication date" in w and "--published" in w for w in doc.warnings)


def test_html_page_separates_comments():
    doc = one(EXAMPLES / "local_2019-05-deir.html")
    assert doc.media_type == "text/html"
    assert doc.comments, "the page's comment section was not found"
    for c in doc.comments:
        assert c not in doc.article
    assert doc.meta.published is not None and doc.meta.title


def test_jsonl_and_feed_give_one_document_per_item():
    docs = list(ingest_path(EXAMPLES / "batch_2019-08.jsonl"))
    lines = [json.loads(l) for l in (EXAMPLES / "batch_2019-08.jsonl").read_text().splitlines() if l.strip()]
    assert [d.id for d in docs] == [l["url"] for l in lines]
    assert all(d.meta.published == date.fromisoformat(l["published"][:10]) for d, l in zip(docs, lines))
    feed = list(ingest_path(EXAMPLES / "feed_2019-10.xml"))
    assert len(feed) == 3 and all(d.id.startswith("http") and d.meta.published for d in feed)


def test_comment_thread_detection_needs_a_thread():
    text = ("Army retakes town\n\nOn May 2, government forces captured the town of Kafr Nabl from rebels.\n\n"
            "Background\n\nThe town had been held by the opposition since 2012 and saw heavy fighting.\n")
    page = split_page(text)
    assert page.comments == []  # one short heading is not a comment thread
    assert any("held by the opposition" in a for a in page.article)


@pytest.mark.parametrize("caption", [
    "Riot police detain a man near the stadium in Tarsa on Friday. AFP",
    "Residents look at a house hit by a drone in Tarsa. Photo: Reuters",
    "Smoke rises over the market in Tarsa on Monday. Jane Roe/AFP",
    "Fighters gather at a checkpoint outside Tarsa. (AP Photo/John Doe)",
    "Mourners carry a coffin through Tarsa. REUTERS/John Doe",
])
def test_a_photo_caption_inside_the_article_is_not_reporting(caption):
    text = ("Clashes in Tarsa\n\nGunmen attacked a police post in Tarsa on Friday, killing two officers, "
            "a local official said.\n\n" + caption + "\n\nThe attackers fled north after the raid, witnesses said, "
            "and the army sent reinforcements.\n")
    page = split_page(text)
    assert caption in page.boilerplate and all(caption not in a for a in page.article)
    assert len(page.article) == 2


def test_a_paragraph_that_cites_an_agency_is_still_article():
    text = ("Clashes in Tarsa\n\nGunmen attacked a police post in Tarsa on Friday, killing two officers, "
            "the governor told AFP.\n\nTwo soldiers were wounded in the fighting, according to Reuters.\n")
    assert len(split_page(text).article) == 2


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "empty file"),
    ("blob.html", bytes(range(256)) * 40, "binary"),
    ("page.pdf", b"%PDF-1.4 hello", "unknown file type"),
    ("notes.txt", b"   \n\n  ", "empty"),
])
def test_bad_input_gets_one_line_error(tmp_path, name, content, reason):
    p = tmp_path / name
    p.write_bytes(content)
    item = one(p)
    assert isinstance(item, IngestError)
    assert reason in str(item) and "\n" not in str(item)


def test_huge_page_is_refused(tmp_path):
    p = tmp_path / "huge.html"
    p.write_bytes(b"<html><body><p>" + b"war " * (5 * 1024 * 1024) + b"</p></body></html>")  # 20 MB
    item = one(p)
    assert isinstance(item, IngestError) and "too large" in str(item)


def test_non_utf8_is_decoded_with_a_warning(tmp_path):
    text = ("On March 3, 2019, government forces captured the village of Kafr Nabl from rebels, "
            "local sources said. The café owner’s shop was destroyed in the fighting that followed.")
    p = tmp_path / "cp1252.txt"
    p.write_bytes(text.encode("cp1252"))
    doc = one(p)
    assert not isinstance(doc, IngestError)
    assert "café" in doc.article
    assert any("not UTF-8" in w for w in doc.warnings)


def test_broken_html_is_recovered_with_a_warning(tmp_path):
    p = tmp_path / "broken.html"
    p.write_text("<html><body><div><p>On May 2, 2019, government forces captured the town of Kafr Nabl from "
                 "rebels after heavy clashes, local sources said.<p>More fighting was reported <b>near <i>Saraqib"
                 "</div></span></body>")
    doc = one(p)
    assert not isinstance(doc, IngestError)
    assert "captured the town of Kafr Nabl" in doc.article


def test_non_english_page_is_flagged(tmp_path):
    p = tmp_path / "ar.txt"
    p.write_text("سيطرت قوات الحكومة على بلدة كفرنبل بعد اشتباكات عنيفة مع الفصائل المسلحة في ريف إدلب الجنوبي " * 5)
    doc = one(p)
    assert doc.meta.language != "en"
    assert any("English" in w for w in doc.warnings)


def test_markdown_cleaning_keeps_literal_stars_and_underscores():
    from frontlines.ingest.textpage import clean_markdown
    assert clean_markdown("*On May 2, **HTS** took (formerly *Jabhat al-Nusra*).*") == "On May 2, HTS took (formerly Jabhat al-Nusra)."
    assert clean_markdown("window.__pwned=1 and 5 * 3") == "window.__pwned=1 and 5 * 3"
    assert clean_markdown("See [the map](http://x) ![img](y)") == "See the map"


def test_warc_responses_become_documents(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    html = (b"<html><head><title>Army enters town</title></head><body><article><p>On May 2, 2019, government "
            b"forces captured the town of Kafr Nabl from rebels after heavy clashes, local sources said.</p>"
            b"<p>The town had been held by the opposition since 2012.</p></article></body></html>")
    path = tmp_path / "crawl.warc.gz"
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record("https://example.org/a", "response", payload=io.BytesIO(html),
                                            http_headers=headers))
        w.write_record(w.create_warc_record("https://example.org/a", "request", payload=io.BytesIO(b"GET /a")))
    docs = list(ingest_path(path))
    assert [d.id for d in docs] == ["https://example.org/a"]
    assert docs[0].raw == html and "captured the town of Kafr Nabl" in docs[0].article


def test_sidecar_metadata_dates_a_saved_text_page():
    doc = one(EXAMPLES / "sf_2019-02-idlib.txt")
    assert doc.meta.published == date(2019, 2, 14) and doc.meta.published_from == "metadata"
    assert doc.meta.url.startswith("https://example.org/") and doc.meta.site == "Frontline Report"
    assert not any("no publication date" in w for w in doc.warnings)
    from frontlines.batch import expand
    assert not any(p.name.endswith(".meta.json") for p in expand([EXAMPLES]))
