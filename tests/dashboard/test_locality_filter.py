"""The dashboard's "Locality" filter keeps the user on the dashboard; editions out of range; the chart's script."""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from tests.conftest import count_queries, login
from tests.dashboard.test_dashboard import festivals, listed, log_in_as  # noqa: F401 - the fixture is used

# The page's script loads the chart library when, and only when, the page has a chart to draw (a canvas
# with data-chart): no page loads it with a <script> tag of its own.
CHART_SCRIPT = '<script src="/static/vendor/chart.umd.min.js'
CHART_CANVAS = '<canvas id="season-chart"'


def test_choosing_a_unit_filters_the_dashboard(admin_client, festivals):  # noqa: F811
    response = admin_client.get("/dashboard?locality=00376")
    assert sorted(listed(response)) == ["00376", "00376001", "00376002"]
    body = response.get_data(as_text=True)
    assert "Showing Xã Sóc Sơn and the units below it." in body
    # The chosen unit's name is in the search box, its code in the hidden input; a link clears the filter.
    assert 'value="Xã Sóc Sơn"' in body
    assert re.search(r'<input id="dash-locality" name="locality" type="hidden" value="00376">', body)
    assert 'href="/dashboard?edition=2027">Clear the filter</a>' in body


def test_the_filter_is_intersected_with_the_scope(client, make, tree, festivals):  # noqa: F811
    log_in_as(client, make, tree, scope="01")
    assert sorted(listed(client.get("/dashboard?locality=00376"))) == ["00376", "00376001", "00376002"]
    assert listed(client.get("/dashboard?locality=00004")) == ["00004"]


def test_a_unit_above_the_scope_shows_the_scope(client, make, tree, festivals):  # noqa: F811
    log_in_as(client, make, tree, scope="00376")
    assert sorted(listed(client.get("/dashboard?locality=01"))) == ["00376", "00376001", "00376002"]
    assert sorted(listed(client.get("/dashboard?locality=VN"))) == ["00376", "00376001", "00376002"]


def test_a_unit_outside_the_scope_shows_nothing_of_it(client, make, tree, festivals):  # noqa: F811
    log_in_as(client, make, tree, scope="00376")
    for code, name in (("00004", "Phường Ba Đình"), ("38", "Tỉnh Thanh Hoá"), ("14758", "Phường Hàm Rồng")):
        response = client.get(f"/dashboard?locality={code}")
        assert response.status_code == 200
        assert listed(response) == []
        body = response.get_data(as_text=True)
        assert f"{name} is outside your scope: there is nothing to show." in body
        assert "Clear the filter" in body
        assert "Festival days in your scope" in body and "(0)" in body


@pytest.mark.parametrize("code", ["99999", "0" * 10_000, "<b>"])
def test_an_unknown_unit_is_said_so(admin_client, festivals, code):  # noqa: F811
    response = admin_client.get(f"/dashboard?locality={code}")
    assert response.status_code == 200
    assert listed(response) == []
    body = response.get_data(as_text=True)
    assert (
        "No administrative unit has the code 99999." in body
        or "That is not the code of an administrative unit." in body
    )
    assert "<b>" not in body.split("</header>")[1]


def test_the_choice_survives_paging_and_the_edition_switch(admin_client, make, add_hamlets):
    edition = make.edition(2027)
    for i, hamlet in enumerate(add_hamlets(30)):
        make.festival(edition, hamlet, day=date(2027, 7, 1 + i))
    # What the form sends after a suggestion was chosen: the name in q, the code in locality.
    first = admin_client.get("/dashboard", query_string={"edition": "2027", "q": "Xã Sóc Sơn", "locality": "00376"})
    assert len(listed(first)) == 25
    body = first.get_data(as_text=True)
    next_link = re.search(r'href="([^"]+)" rel="next"', body).group(1).replace("&amp;", "&")
    assert "locality=00376" in next_link
    assert len(listed(admin_client.get(next_link))) == 5


def test_typing_something_else_is_a_new_search(admin_client, festivals):  # noqa: F811
    # The hidden code is still the old choice, but the text no longer names it: the text wins.
    response = admin_client.get("/dashboard", query_string={"q": "ba dinh", "locality": "00376"})
    assert listed(response) == ["00004"]
    # The text emptied: no filter at all.
    assert len(listed(admin_client.get("/dashboard", query_string={"q": "", "locality": "00376"}))) == 10


def test_free_text_still_filters_without_javascript(admin_client, festivals):  # noqa: F811
    response = admin_client.get("/dashboard", query_string={"q": "soc son", "locality": ""})
    assert listed(response) == ["00376"]
    assert "Showing the localities matching “soc son”." in response.get_data(as_text=True)


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs: dict[str, dict] = {}
        self.lists: dict[str, dict] = {}
        self.order: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("id"):
            self.inputs[attrs["id"]] = attrs
            self.order.append(attrs["id"])
        if tag == "ul" and attrs.get("id"):
            self.lists[attrs["id"]] = attrs
            self.order.append(attrs["id"])


def test_the_search_box_follows_the_suggestion_contract(client, make, tree, festivals):  # noqa: F811
    log_in_as(client, make, tree, scope="01")
    parser = _Inputs()
    parser.feed(client.get("/dashboard").get_data(as_text=True))
    box = parser.inputs["dash-q"]
    assert box["type"] == "search" and box["name"] == "q"
    assert "data-locality-search" in box and "data-submit" in box
    assert box["data-within"] == "01"
    results = parser.lists[box["data-results"]]
    assert results["class"] == "suggestions" and results["role"] == "listbox" and "hidden" in results
    assert parser.order.index(box["data-results"]) == parser.order.index("dash-q") + 1  # the list follows the box
    hidden = parser.inputs[box["data-fill"]]
    assert (hidden["type"], hidden["name"], hidden["value"]) == ("hidden", "locality", "")


@pytest.mark.parametrize("value", ["9223372036854775808", "32768", "-1", "abc", "0", "2004", "1e3", "2027.0"])
def test_an_edition_out_of_range_is_a_404_page(admin_client, festivals, value):  # noqa: F811
    response = admin_client.get(f"/dashboard?edition={value}")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_the_chart_library_is_loaded_only_with_a_chart(admin_client, make, tree):
    edition = make.edition(2027)
    body = admin_client.get("/dashboard").get_data(as_text=True)
    assert "No festival day is planned" in body
    assert CHART_SCRIPT not in body and CHART_CANVAS not in body
    make.festival(edition, tree["00376"], day=date(2027, 8, 1))
    body = admin_client.get("/dashboard").get_data(as_text=True)
    assert CHART_CANVAS in body and "data-chart=" in body and CHART_SCRIPT not in body
    # Filtered to a unit without festival days: no chart, no library.
    body = admin_client.get("/dashboard?locality=38").get_data(as_text=True)
    assert CHART_SCRIPT not in body and CHART_CANVAS not in body
    assert "No festival day is planned in Tỉnh Thanh Hoá or below it for this edition yet." in body


@pytest.mark.parametrize("role", ["admin", "organizer"])
def test_the_filtered_dashboard_runs_a_bounded_number_of_queries(client, make, tree, festivals, role):  # noqa: F811
    make.user(role, scope=None if role == "admin" else tree["01"], username="someone")
    login(client, "someone")
    client.get("/dashboard?locality=00376")
    with count_queries() as statements:
        assert len(listed(client.get("/dashboard?locality=00376"))) == 3
    assert len(statements) <= 13  # the dashboard's bound, plus the chosen unit


def test_the_chart_counts_what_the_filter_shows(admin_client, make, tree):
    edition = make.edition(2027)
    make.festival(edition, tree["00376"], day=date(2027, 8, 1))
    make.festival(edition, tree["14758"], day=date(2027, 8, 2))
    body = admin_client.get("/dashboard?locality=01").get_data(as_text=True)
    data = json.loads(re.search(r'id="season-chart-data">(.*?)</script>', body).group(1))
    assert sum(data["values"]) == 1  # Hà Nội's one festival day, not Thanh Hoá's too
