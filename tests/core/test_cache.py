"""Pages fast by construction: cached fragments that never outlive their data, read-only requests that keep
PostgreSQL's prepared statements, public pages a proxy may keep, private pages nobody keeps.
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import text

from festival.core import cache
from festival.extensions import db
from festival.localities.importer import import_bytes
from tests.conftest import count_queries, login, require


@pytest.fixture
def festival_world(make):
    tree = make.tree()
    edition = make.edition(2027)
    make.festival(edition, tree["00376"], day=date(2027, 8, 10))
    return {"tree": tree, "edition": edition}


def test_a_new_festival_day_shows_on_the_cached_home_page_at_once(client, make, festival_world):
    first = client.get("/").get_data(as_text=True)
    assert "Xã Sóc Sơn" in first and "Phường Hàm Rồng" not in first
    with count_queries() as statements:
        assert client.get("/").get_data(as_text=True) == first
    assert len(statements) == 1 and "data_versions" in statements[0]  # a hit: the version, nothing else

    make.festival(festival_world["edition"], festival_world["tree"]["14758"], day=date(2027, 8, 11))
    assert "Phường Hàm Rồng" in client.get("/").get_data(as_text=True)


def test_a_changed_unit_name_shows_on_its_cached_page_after_a_bulk_import(client, festival_world):
    assert "Thôn Đông" in client.get("/localities/00376").get_data(as_text=True)
    import_bytes(
        "code,parent_code,level,unit_type,name,full_name,name_en,full_name_en\n"
        "00376001,00376,residential_area,Thôn,Đông Bắc,Thôn Đông Bắc,Dong Bac,Dong Bac Hamlet\n".encode()
    )
    assert "Thôn Đông Bắc" in client.get("/localities/00376").get_data(as_text=True)


def test_each_language_has_its_own_fragment(client, festival_world):
    vietnamese = client.get("/").get_data(as_text=True)
    client.set_cookie("lang", "en")
    english = client.get("/").get_data(as_text=True)
    assert "Ngày hội" in vietnamese or "Mùa" in vietnamese
    assert "Festival days" in english and "Festival days" not in vietnamese


def test_a_cached_api_answer_is_marked_and_invalidated_by_a_change(client, make, festival_world):
    url = "/api/v1/organizations?q=cong+an"
    assert client.get(url).headers["X-Cache"] == "miss"
    assert client.get(url).headers["X-Cache"] == "hit"
    assert client.get(url).get_json()["total"] == 0
    make.organization(festival_world["tree"]["00376"], name="Công an xã Sóc Sơn")
    response = client.get(url)
    assert response.headers["X-Cache"] == "miss" and response.get_json()["total"] == 1


def test_an_unknown_unit_is_not_cached(client, festival_world):
    for _ in range(2):
        response = client.get("/api/v1/localities/99999")
        assert response.status_code == 404 and "X-Cache" not in response.headers


def test_a_failed_write_leaves_the_version_as_it_was(festival_world):
    from festival.core.errors import DomainError
    from festival.organizations import services as orgs

    before = cache.data_version()
    with pytest.raises(DomainError):
        orgs.save_organization(orgs.OrganizationData(locality=festival_world["tree"]["01"], name="", kind="police"))
    db.session.rollback()
    from flask import g

    g.pop("data_versions", None)
    assert cache.data_version() == before


def test_the_redis_store_serves_and_invalidates_the_same_way(app, client, make, festival_world):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        require(False, "Redis is not running on 127.0.0.1:6379")
    store = cache.RedisStore("redis://127.0.0.1:6379/0")
    store.PREFIX = f"ngayhoi:test:{uuid.uuid4().hex}:"
    saved = app.extensions["festival_cache"]
    app.extensions["festival_cache"] = store
    try:
        first = client.get("/").get_data(as_text=True)
        assert list(store.client.scan_iter(store.PREFIX + "*"))
        assert client.get("/").get_data(as_text=True) == first
        make.festival(festival_world["edition"], festival_world["tree"]["14758"], day=date(2027, 8, 11))
        assert "Phường Hàm Rồng" in client.get("/").get_data(as_text=True)
    finally:
        store.clear()
        app.extensions["festival_cache"] = saved


def test_a_redis_that_does_not_answer_is_bypassed_not_fatal(app, client, festival_world):
    saved = app.extensions["festival_cache"]
    app.extensions["festival_cache"] = cache.RedisStore("redis://127.0.0.1:1/0")  # nothing listens there
    try:
        response = client.get("/")
        assert response.status_code == 200 and "Xã Sóc Sơn" in response.get_data(as_text=True)
    finally:
        app.extensions["festival_cache"] = saved


def test_the_memory_store_keeps_at_most_its_size():
    store = cache.MemoryStore(3)
    for i in range(5):
        store.set(str(i), str(i), 60)
    assert [store.get(str(i)) for i in range(5)] == [None, None, "2", "3", "4"]


# --- who may keep a page ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/localities/01", "/localities?q=ha+noi", "/api/v1/localities?q=ha"])
def test_anonymous_public_pages_may_be_kept_briefly_by_a_proxy_and_set_no_cookie(client, festival_world, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert "Set-Cookie" not in response.headers


def test_pages_seen_logged_in_are_kept_by_nobody(client, make, festival_world):
    make.user("organizer", scope=festival_world["tree"]["01"], username="orga")
    login(client, "orga")
    for url in ("/", "/localities/01", "/dashboard", "/dashboard/account"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


def test_the_login_page_is_not_public(client, festival_world):
    response = client.get("/login")
    assert "public" not in response.headers.get("Cache-Control", "")


def test_hsts_only_over_https(client, festival_world):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


# --- PostgreSQL keeps its prepared statements -------------------------------------------------------------------


def test_read_only_requests_end_with_a_commit_so_postgresql_keeps_prepared_statements(app, client, festival_world):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's (psycopg prepares a query run five times)")
    # Requests one after the other reuse the pool's one connection; psycopg prepares a statement on its fifth run.
    for _ in range(8):
        assert client.get("/dashboard").status_code in (200, 302)
        assert client.get("/api/v1/localities?q=h&per_page=1&page=1").status_code == 200
        cache.store().clear()
    db.session.remove()
    with db.engine.connect() as conn:
        prepared = conn.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar()
    assert prepared > 0, "every request ended in a ROLLBACK, which makes psycopg forget its prepared statements"


# A unit's page: 8 queries, and one more for the edition its calendar feed link names.
@pytest.mark.parametrize(("url", "miss"), [("/", 5), ("/localities/01", 9), ("/localities/00376?fpage=2", 9)])
def test_public_pages_cost_a_bounded_number_of_queries_and_one_when_cached(client, festival_world, url, miss):
    """A miss: the data version, then the unit, its ancestors, its children (count and page), the current
    edition and its festival days (count and page, joined with their units and venues). A hit: the version."""
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    assert len(statements) <= miss, statements
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    assert len(statements) == 1 and "data_versions" in statements[0]


def test_the_login_page_and_healthz_ask_the_database_nothing(client, festival_world):
    with count_queries() as statements:
        assert client.get("/login").status_code == 200
        assert client.get("/healthz").status_code == 200
    assert statements == []


def test_each_set_of_arguments_has_its_own_fragment(client, festival_world):
    """Pagination links repeat the query's arguments: a fragment cached for one visitor's arguments must not be
    served for another's, or anyone could plant links in the pages others see."""
    for url, other in (("/?page=1&planted=evil", "/?page=1"), ("/localities/01?x=1", "/localities/01")):
        client.get(url)
        with count_queries() as statements:
            assert client.get(other).status_code == 200
        assert len(statements) > 1, other  # a miss: rendered for its own arguments
        with count_queries() as statements:
            client.get(url)
        assert len(statements) == 1, url  # and the first one is still a hit
