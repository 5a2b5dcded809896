"""Share links: long random tokens stored hashed, scope, expiry, revocation, every use logged."""

from datetime import timedelta

import pytest

from passmap import share
from passmap.store.base import utc_now


def test_token_is_long_random_and_only_its_hash_is_stored(store, tiny_db):
    link_id, token = share.create_link(
        store, "County Sheriff", ["c1"], "doors,aeds,grid", timedelta(days=7), "test"
    )
    assert len(token) >= 43  # 256 bits, url-safe
    row = store.get_share_link(link_id)
    assert row["token_hash"] == share.hash_token(token) and token not in str(row)
    store.cursor().execute("CHECKPOINT")
    assert token.encode() not in tiny_db.read_bytes()
    _, other = share.create_link(store, "Fire", ["c1"], ["doors"], timedelta(days=1), "test")
    assert other != token


def test_a_valid_link_grants_exactly_its_campuses_and_layers(store):
    _, token = share.create_link(
        store, "Fire District 3", ["c1"], ["doors", "hazards"], timedelta(hours=2), "test"
    )
    grant = share.resolve(store, token)
    assert grant.campuses == ("c1",) and grant.layers == ("doors", "hazards")
    assert share.resolve(store, token + "x") is None
    assert share.resolve(store, "") is None and share.resolve(store, None) is None


def test_expired_and_revoked_links_are_refused_alike(store):
    link_id, token = share.create_link(store, "PD", ["c1"], ["doors"], timedelta(minutes=30), "t")
    assert share.resolve(store, token, now=utc_now() + timedelta(minutes=31)) is None
    grant = share.resolve(store, token)
    assert share.is_still_valid(store, grant)
    assert store.revoke_share_link(link_id, "admin")
    assert share.resolve(store, token) is None
    assert not share.is_still_valid(store, grant)
    assert not store.revoke_share_link(link_id, "admin")  # already revoked


def test_every_use_is_logged_with_campus_and_view(store):
    link_id, token = share.create_link(store, "PD", ["c1"], ["doors"], timedelta(days=1), "t")
    grant = share.resolve(store, token)
    share.record_use(store, grant, None, "open", "10.1.1.1")
    share.record_use(store, grant, "c1", "responder:site", "10.1.1.1")
    uses = store.share_accesses(link_id)
    assert [(u["campus_id"], u["view"], u["client"]) for u in uses] == [
        (None, "open", "10.1.1.1"),
        ("c1", "responder:site", "10.1.1.1"),
    ]
    assert [ln["uses"] for ln in store.list_share_links() if ln["id"] == link_id] == [2]


@pytest.mark.parametrize(
    "bad",
    [dict(campuses=["nope"]), dict(layers="doors,secrets"), dict(agency=" "), dict(campuses=[])],
)
def test_bad_links_are_refused_with_a_sentence(store, bad):
    args = dict(agency="PD", campuses=["c1"], layers="doors") | bad
    with pytest.raises(ValueError):
        share.create_link(
            store, args["agency"], args["campuses"], args["layers"], timedelta(days=1), "t"
        )


def test_durations():
    assert share.parse_duration("7d") == timedelta(days=7)
    for bad in ("7", "0d", "9999d", "1w", "-1d", "7d; DROP TABLE x"):
        with pytest.raises(ValueError):
            share.parse_duration(bad)
