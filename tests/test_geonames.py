"""GeoNames dump loading and fetching (frontlines.places.geonames).

Uses the small Syria extract in tests/fixtures/geonames; downloads go to a local
http.server on 127.0.0.1, never to geonames.org.
"""
from __future__ import annotations

import functools
import http.server
import shutil
import threading
import zipfile
from pathlib import Path

import pytest

from frontlines.places.admin1_names import english
from frontlines.places.gazetteer import Gazetteer
from frontlines.places.geonames import (FetchError, fetch, is_latin_name, load_dump, read_alternate_names,
                                        read_dump)
from frontlines.places.resolve import PlaceContext, PlaceResolver
from frontlines.store.db import Store

FIXTURES = Path(__file__).parent / "fixtures" / "geonames"
DUMP_TXT = FIXTURES / "SY.txt"
DUMP_ZIP = FIXTURES / "SY.zip"
ADMIN1 = FIXTURES / "admin1CodesASCII.txt"
ALTERNATES = FIXTURES / "alternateNamesV2.txt"

# A spelling of Zamalka (geonameid 90000004) that only the alternate-names file carries:
# the dump's own columns give nothing that folds or fuzzy-matches to it.
ONLY_IN_ALTERNATES = ("90000004", "Zamalkeh")
EXTRA_ALTERNATE_ROWS = [
    "99100001\t90000004\t\tZamalkeh\t\t\t\t\t\t",
    "99100002\t90000004\tpost\tZamalka 1234\t\t\t\t\t\t",      # a postcode row: skipped
    "99100003\t90000004\tru\tЗамалка\t\t\t\t\t\t",             # Cyrillic, and not a kept language
    "99100004\t90000004\ten\tزملكا\t\t\t\t\t\t",               # Arabic script under "en": skipped
]

pytestmark = pytest.mark.skipif(not (DUMP_TXT.is_file() and DUMP_ZIP.is_file() and ADMIN1.is_file()
                                     and ALTERNATES.is_file()),
                                reason="tests/fixtures/geonames is incomplete")


def _rows(path: Path) -> list[list[str]]:
    return [line.rstrip("\n").split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _admin1_names() -> dict[str, str]:
    return {r[0]: r[1] for r in _rows(ADMIN1)}


def _expected_alternates() -> dict[str, set[str]]:
    """Alternate names the default filter keeps, worked out here independently of the module."""
    out: dict[str, set[str]] = {}
    for r in _rows(ALTERNATES):
        gid, lang, name = r[1], r[2], r[3]
        if lang in ("", "en", "ar-Latn", "fr") and name.isascii() and any(c.isalpha() for c in name):
            out.setdefault(gid, set()).add(name)
    return out


@pytest.fixture
def alternates_plus(tmp_path: Path) -> Path:
    """The fixture alternate-names file plus a few rows of our own (see EXTRA_ALTERNATE_ROWS)."""
    path = tmp_path / "alternateNamesV2.txt"
    text = ALTERNATES.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n" + "\n".join(EXTRA_ALTERNATE_ROWS) + "\n", encoding="utf-8")
    return path


def _by_id(store: Store) -> dict[str, object]:
    return {p.id: p for p in store.places()}


# ---- reading --------------------------------------------------------------------------------

def test_read_dump_streams_txt_and_zip_alike():
    txt = read_dump(DUMP_TXT)
    assert iter(txt) is txt  # a generator, not a list read whole
    lines = list(txt)
    assert len(lines) == len(DUMP_TXT.read_text(encoding="utf-8").splitlines())
    assert list(read_dump(DUMP_ZIP)) == lines  # the zip's readme.txt is not mistaken for data


def test_read_dump_picks_the_data_member_of_a_differently_named_zip(tmp_path: Path):
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("readme.txt", "GeoNames readme, much longer than nothing\n")
        zf.write(DUMP_TXT, "cities500.txt")
    assert list(read_dump(archive)) == list(read_dump(DUMP_TXT))


def test_read_dump_prefers_the_member_named_like_the_zip(tmp_path: Path):
    archive = tmp_path / "SY.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("SY.txt", "170063\tAleppo\n")
        zf.writestr("iso-languagecodes.txt", "x\ty\n" * 100)  # bigger, but not the dump
    assert list(read_dump(archive)) == ["170063\tAleppo\n"]


def test_read_alternate_names_keeps_latin_spellings_by_language(alternates_plus: Path):
    names = read_alternate_names(alternates_plus)
    assert {k: set(v) for k, v in names.items() if k != "90000004"} == _expected_alternates()
    assert names["90000004"] == ["Zamalkeh"]
    assert names["172256"] == ["Kobani", "Kobane"]           # file order kept
    assert "Palmyra" in names["163808"]
    assert read_alternate_names(alternates_plus, languages=("la",)) == {"163808": ["Palmyra"]}
    everything = read_alternate_names(alternates_plus, languages=None)
    flat = [n for v in everything.values() for n in v]
    assert not any(n.startswith("http") for n in flat)      # "link" rows
    assert "Zamalka 1234" not in flat                         # "post" rows
    assert "ladhqyہ" not in flat and "hەsychە" not in flat     # mixed-script names
    assert read_alternate_names(alternates_plus, ids={"172256"}) == {"172256": ["Kobani", "Kobane"]}


def test_is_latin_name():
    assert is_latin_name("Ḩalab") and is_latin_name("Ma'arrat an-Nu'man") and is_latin_name("Lattaquié")
    assert not is_latin_name("حلب") and not is_latin_name("Алеппо") and not is_latin_name("1968")
    assert not is_latin_name("ladhqyہ")


# ---- loading --------------------------------------------------------------------------------

def test_load_stores_every_row_with_admin1_and_alternate_names(tmp_path: Path):
    rows = _rows(DUMP_TXT)
    store = Store(str(tmp_path / "g.db"))
    n = load_dump(store, DUMP_TXT, admin1_path=ADMIN1, alternate_names_path=ALTERNATES)
    assert n == len(rows) == 48
    stored = _by_id(store)
    assert set(stored) == {f"geonames:{r[0]}" for r in rows}
    admin1 = english(_admin1_names())  # divisions under the names reports write
    for r in rows:
        p = stored[f"geonames:{r[0]}"]
        assert p.name == r[1]
        assert p.admin1 == admin1[f"{r[8]}.{r[10]}"], r[1]
        assert (p.latitude, p.longitude) == (float(r[4]), float(r[5]))
    assert stored["geonames:170017"].admin1 == "Hama"
    assert stored["geonames:163913"].admin1 == "Aleppo"  # the other Şūrān, in another governorate
    for gid, names in _expected_alternates().items():
        p = stored[f"geonames:{gid}"]
        assert names <= {p.name, *p.alternate_names}, gid
    # spellings the dump's own column lacks arrive from the alternate-names file, on the right id
    assert "Madinat al-Thawra" in stored["geonames:172374"].alternate_names
    assert "Khan Sheikhoun" in stored["geonames:168325"].alternate_names
    assert "Khan Sheikhoun" not in stored["geonames:168661"].alternate_names
    assert not any("http" in a for p in stored.values() for a in p.alternate_names)


def test_admin1_file_beside_the_dump_is_found(tmp_path: Path):
    lone = tmp_path / "lone"
    lone.mkdir()
    shutil.copy(DUMP_TXT, lone / "SY.txt")
    store = Store(str(tmp_path / "a.db"))
    load_dump(store, lone / "SY.txt")
    # no admin1 file beside the dump: the built-in table (every country's first-level names) names them
    assert _by_id(store)["geonames:169389"].admin1 == "Idlib"
    assert "" not in {p.admin1 for p in store.places() if p.country_code == "SY"}

    shutil.copy(ADMIN1, lone / "admin1CodesASCII.txt")
    load_dump(store, lone / "SY.txt")
    assert _by_id(store)["geonames:169389"].admin1 == "Idlib"


def test_zip_gives_the_same_rows_as_txt(tmp_path: Path):
    a, b = Store(str(tmp_path / "txt.db")), Store(str(tmp_path / "zip.db"))
    assert load_dump(a, DUMP_TXT, ADMIN1, ALTERNATES) == load_dump(b, DUMP_ZIP, ADMIN1, ALTERNATES) == 48

    def dump(store: Store) -> list[dict]:
        return sorted((p.model_dump(exclude={"source"}) for p in store.places()), key=lambda d: d["id"])
    assert dump(a) == dump(b)
    assert {p.source for p in b.places()} == {"GeoNames SY.zip"}


def test_loaded_alternate_spelling_resolves_with_admin1(tmp_path: Path, alternates_plus: Path):
    gid, spelling = ONLY_IN_ALTERNATES
    # without the alternate-names file the spelling is unknown...
    bare = Store(str(tmp_path / "bare.db"))
    load_dump(bare, DUMP_TXT, admin1_path=ADMIN1)
    assert PlaceResolver(Gazetteer(bare.places())).resolve(spelling, PlaceContext()).place_id is None
    # ...with it, it resolves to the right place and governorate
    store = Store(str(tmp_path / "g.db"))
    load_dump(store, DUMP_TXT, admin1_path=ADMIN1, alternate_names_path=alternates_plus)
    gaz = Gazetteer(store.places())
    assert [p.id for p in gaz.exact(spelling)] == [f"geonames:{gid}"]
    resolved = PlaceResolver(gaz).resolve(spelling, PlaceContext())
    assert resolved.place_id == f"geonames:{gid}"
    assert resolved.admin1 == "Rif Dimashq"
    assert resolved.geo_precision == 1
    # a spelling from the stock fixture file, too
    assert PlaceResolver(gaz).resolve("Khan Sheikhoun", PlaceContext()).admin1 == "Idlib"


def test_malformed_rows_are_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    good = DUMP_TXT.read_text(encoding="utf-8").splitlines()
    template = good[0].split("\t")

    def row(**changes: str) -> str:
        cols = list(template)
        for index, value in changes.items():
            cols[int(index[1:])] = value
        return "\t".join(cols)
    bad = [
        "\t".join(template[:10]),                       # too few columns
        row(c0="91000001", c4="thirty-six"),            # non-numeric latitude
        row(c0="91000002", c5=""),                      # empty longitude
        row(c0="91000003", c14="many"),                 # non-numeric population
        row(c0="91000004", c4="236.2"),                 # latitude off the globe
        row(c0="not-an-id"),
        "",
        "garbage without tabs",
    ]
    dump = tmp_path / "SY.txt"
    dump.write_text("\n".join(good[:10] + bad + good[10:]) + "\n", encoding="utf-8")
    store = Store(str(tmp_path / "m.db"))
    with caplog.at_level("WARNING", logger="frontlines.places.geonames"):
        n = load_dump(store, dump, admin1_path=ADMIN1)
    assert n == len(good)
    assert set(_by_id(store)) == {f"geonames:{line.split(chr(9))[0]}" for line in good}
    assert "skipped 7 malformed row(s)" in caplog.text


def test_country_filter(tmp_path: Path):
    lines = DUMP_TXT.read_text(encoding="utf-8").splitlines()
    iraq = lines[0].split("\t")
    iraq[0], iraq[1], iraq[8], iraq[10] = "99999", "Mosul", "IQ", "15"
    dump = tmp_path / "mixed.txt"
    dump.write_text("\n".join([*lines, "\t".join(iraq)]) + "\n", encoding="utf-8")
    assert load_dump(Store(str(tmp_path / "sy.db")), dump, ADMIN1, country="SY") == len(lines)
    iq = Store(str(tmp_path / "iq.db"))
    assert load_dump(iq, dump, ADMIN1, country="iq") == 1
    assert [(p.id, p.country, p.admin1) for p in iq.places()] == [("geonames:99999", "Iraq", "")]
    with pytest.raises(ValueError):
        load_dump(iq, dump, country="IRQ")


# ---- fetching -------------------------------------------------------------------------------

class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A local GeoNames mirror: SY.zip and admin1CodesASCII.txt, no alternatenames/ folder."""
    for var in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    root = tmp_path / "mirror"
    root.mkdir()
    shutil.copy(DUMP_ZIP, root / "SY.zip")
    shutil.copy(ADMIN1, root / "admin1CodesASCII.txt")
    requests: list[str] = []

    class Handler(_Handler):
        def do_GET(self) -> None:  # noqa: N802
            requests.append(self.path)
            super().do_GET()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield {"url": f"http://127.0.0.1:{httpd.server_address[1]}/", "root": root, "requests": requests}
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def test_fetch_downloads_files_and_tolerates_missing_alternate_names(server: dict, tmp_path: Path):
    dest = tmp_path / "dump"
    files = fetch(["SY"], dest, base_url=server["url"], timeout=10)
    assert files == [dest / "SY.zip", dest / "admin1CodesASCII.txt"]
    assert (dest / "SY.zip").read_bytes() == DUMP_ZIP.read_bytes()
    assert (dest / "admin1CodesASCII.txt").read_bytes() == ADMIN1.read_bytes()
    assert "/alternatenames/SY.zip" in server["requests"]  # asked for, got 404, carried on
    assert not (dest / "alternatenames" / "SY.zip").exists()
    assert sorted(p.name for p in dest.rglob("*") if p.is_file()) == ["SY.zip", "admin1CodesASCII.txt"]
    # what fetch wrote loads as is, with governorate names found beside the dump
    store = Store(str(tmp_path / "f.db"))
    assert load_dump(store, dest / "SY.zip") == 48
    assert _by_id(store)["geonames:173322"].admin1 == "Homs"


def test_fetched_alternate_names_are_used_by_load(server: dict, tmp_path: Path, alternates_plus: Path):
    (server["root"] / "alternatenames").mkdir()
    with zipfile.ZipFile(server["root"] / "alternatenames" / "SY.zip", "w") as zf:
        zf.write(alternates_plus, "SY.txt")
    dest = tmp_path / "dump"
    files = fetch(["sy"], dest, base_url=server["url"].rstrip("/"), timeout=10)
    assert dest / "alternatenames" / "SY.zip" in files
    store = Store(str(tmp_path / "f.db"))
    load_dump(store, dest / "SY.zip")
    assert "Zamalkeh" in _by_id(store)["geonames:90000004"].alternate_names


def test_fetch_unknown_code_raises_with_url(server: dict, tmp_path: Path):
    with pytest.raises(FetchError) as info:
        fetch(["XX"], tmp_path / "dump", base_url=server["url"], timeout=10)
    assert f"{server['url']}XX.zip" in str(info.value)
    assert "HTTP 404" in str(info.value)
    assert "\n" not in str(info.value)
    assert not list((tmp_path / "dump").glob("*"))  # no half-written file left behind


def test_fetch_network_failure_is_a_fetch_error(tmp_path: Path):
    import socket
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FetchError, match=rf"download of http://127\.0\.0\.1:{port}/SY\.zip failed"):
        fetch(["SY"], tmp_path, base_url=f"http://127.0.0.1:{port}/", timeout=5)


def test_fetch_rejects_a_non_zip_body(server: dict, tmp_path: Path):
    (server["root"] / "SY.zip").write_text("<html>captive portal</html>")
    with pytest.raises(FetchError, match="not a zip file"):
        fetch(["SY"], tmp_path / "dump", base_url=server["url"], timeout=10)
    assert not list((tmp_path / "dump").glob("*"))


@pytest.mark.parametrize("codes", [["S1"], ["SY", "S1"], ["SYR"], ["cities42"], [""]])
def test_fetch_validates_codes_before_any_request(server: dict, tmp_path: Path, codes: list[str]):
    with pytest.raises(ValueError):
        fetch(codes, tmp_path / "dump", base_url=server["url"], timeout=10)
    assert server["requests"] == []
    assert not (tmp_path / "dump").exists()
