"""Reposts found at ingest by MinHash/LSH agree with the pairwise check they replace; views are
cached per store generation and recomputed after a change."""
from __future__ import annotations

import random

from frontlines.analysis import merged, reposts, timeline
from frontlines.merge import near_duplicates
from frontlines.merge.minhash import bands, containment, signature
from frontlines.records import Document
from frontlines.store import Store


def _article(rng: random.Random, words: list[str], n: int) -> str:
    return " ".join(rng.choice(words) for _ in range(n)) + "."


def _doc(i: str, text: str) -> Document:
    raw = text.encode()
    return Document(id=i, media_type="text/plain", raw=raw, sha256=Document.digest(raw), article=text)


def _corpus() -> dict[str, str]:
    rng = random.Random(5)
    words = [f"w{k}" for k in range(3000)]
    docs: dict[str, str] = {}
    for i in range(150):
        docs[f"orig{i:03d}"] = _article(rng, words, rng.randint(80, 600))
    for i in range(0, 150, 5):  # reposts: a copy with a paragraph added, a cut, a half copy
        base = docs[f"orig{i:03d}"].split()
        kind = i % 3
        if kind == 0:
            text = " ".join(base) + " " + _article(rng, words, len(base) // 3)
        elif kind == 1:
            text = " ".join(base[: int(len(base) * 0.7)])
        else:
            text = " ".join(base[: len(base) // 2]) + " " + _article(rng, words, len(base))
        docs[f"repost{i:03d}"] = text
    return docs


def test_lsh_reposts_equal_the_pairwise_check(tmp_path):
    docs = _corpus()
    store = Store(str(tmp_path / "r.db"))
    ids = list(docs)
    for k in range(0, len(ids), 40):
        store.add_documents([_doc(i, docs[i]) for i in ids[k:k + 40]])
    expected = sorted(near_duplicates(docs))
    assert len(expected) >= 20  # the half copies sit at the 0.5 threshold, some each side
    assert sorted(store.reposts()) == expected


def test_reposts_are_the_same_whatever_the_batches(tmp_path):
    # a batch's documents are indexed together: a copy in the same batch as its original, in a later
    # one, or each page alone give the same reposts as the pairwise check over the same order
    docs = _corpus()
    ids = list(docs)
    random.Random(2).shuffle(ids)
    docs = {i: docs[i] for i in ids}
    expected = sorted(near_duplicates(docs))
    assert len(expected) >= 20
    for size in (1, 13, len(ids)):
        store = Store(str(tmp_path / f"b{size}.db"))
        for k in range(0, len(ids), size):
            store.add_documents([_doc(i, docs[i]) for i in ids[k:k + size]])
        assert sorted(store.reposts()) == expected, size


def test_signature_is_stable_and_bands_match_for_copies():
    text = "government forces captured the village of Kafr Nabl from rebels after heavy clashes " * 3
    assert signature(text) == signature(text) and len(signature(text)) == 128 * 4
    assert signature("too short") is None
    same = set(bands(signature(text))) & set(bands(signature(text + " and more words were added later on")))
    assert same
    assert containment(text, text + " extra words here and there") == 1.0


def test_signature_is_datasketch_minhash_in_exact_integers():
    """The signature a store keeps must not change between versions (stored pages are compared with
    new ones by it): each value is min over shingles of ((a*h + b) mod 2^64) mod (2^61 - 1), cut to
    32 bits, with h the shingle's 32-bit blake2b hash — computed here with Python's exact integers."""
    import hashlib

    from frontlines.merge.minhash import _A, _B, fingerprint, shingles

    text = ("Rebel fighters shelled the outskirts of the town on Tuesday, and the army answered with "
            "air strikes on two villages to the north; at least nine people were killed, a monitor said.")
    hs = [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest(), "little") for s in shingles(text)]
    p = (1 << 61) - 1
    want = [min((((int(a) * h + int(b)) % (1 << 64)) % p) & 0xFFFFFFFF for h in hs) for a, b in zip(_A, _B)]
    sig = signature(text)
    assert [int.from_bytes(sig[4 * k:4 * k + 4], "little") for k in range(128)] == want
    fp = fingerprint(text)
    assert fp.sig == sig and fp.bands == bands(sig) and sorted(set(hs)) == list(fp.hashes)


def test_views_are_cached_until_the_store_changes(tmp_path, pipeline):
    from rich.console import Console

    from frontlines.batch import ingest_paths

    from .conftest import EXAMPLES
    store = Store(str(tmp_path / "v.db"))
    ingest_paths([EXAMPLES], store, lambda: pipeline, console=Console(stderr=True, force_terminal=False))
    t1, m1 = timeline(store), merged(store)
    assert timeline(store) is t1 and merged(store) is m1
    # the original is the page stored first (here the repost, by file order), as with the pairwise check
    assert [({a, b}, round(s)) for a, b, s in reposts(store)] == [({"sf_2019-02-idlib", "repost_2019-02-idlib"}, 1)]
    assert store.forget("repost_2019-02-idlib")
    assert merged(store) is not m1 and timeline(store) is not t1
    assert not any("repost_2019-02-idlib" in (a, b) for a, b, _ in reposts(store))
    assert all(ev.doc_id != "repost_2019-02-idlib" for e in merged(store).events for ev in e.evidence)


def test_old_stores_get_signatures_once(tmp_path):
    store = Store(str(tmp_path / "o.db"))
    text = "government forces captured the village of Kafr Nabl from rebels after heavy clashes, sources said."
    store.add_documents([_doc("a", text), _doc("b", text + " More later.")])
    from sqlalchemy import delete

    from frontlines.store.db import BandRow, RepostRow, SignatureRow
    with store.session() as s, s.begin():  # what a store written before signatures looks like
        for model in (BandRow, RepostRow, SignatureRow):
            s.execute(delete(model))
    assert store.reposts() == []
    assert store.index_missing_signatures() == 2 and store.index_missing_signatures() == 0
    assert store.reposts() == [("a", "b", 1.0)]


def test_a_band_that_many_pages_share_does_not_make_them_all_candidates(tmp_path):
    """Forty pages share one band key (the same boilerplate line); a copy shares two keys with its
    original, and one page shares a key nobody else has: those two are checked, the forty are not."""
    from sqlalchemy import insert, select

    from frontlines.store.models import BandRow
    from frontlines.store.writes import COMMON_BAND, _candidates

    store = Store(str(tmp_path / "b.db"))
    ids = [f"page{i:02d}" for i in range(42)]
    store.add_documents([_doc(i, f"short note {i}") for i in ids])  # too short for bands of their own
    rows = [{"band": 1, "doc_id": i} for i in ids[:40]]  # the boilerplate band
    rows += [{"band": 100 + k, "doc_id": i} for k, i in enumerate(ids)]  # a band of each page's own
    rows += [{"band": 2, "doc_id": "page40"}, {"band": 3, "doc_id": "page40"},  # the copy: two shared keys
             {"band": 4, "doc_id": "page41"}]  # one key only this page has
    with store.session() as s:
        s.execute(insert(BandRow), rows)
        assert 40 >= COMMON_BAND

        def _for(keys):  # the band rows a new page's keys match, as the repost index reads them
            return _candidates(s.execute(select(BandRow.id, BandRow.band, BandRow.doc_id)
                                         .where(BandRow.band.in_(keys))).all())
        assert _for([1, 2, 3, 4, 5]) == ["page40", "page41"]
        assert _for([1, 5]) == []
        assert _for([1, 100, 5]) == ["page00"]  # one boilerplate key and one rare one of page00
