"""Maps beside lists, server side: tile settings, the CSP, and the data the markers come from."""

import pytest

from web.config import ConfigError, load_settings
from web.security import content_security_policy, tile_source


@pytest.mark.parametrize(
    ("tiles_url", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tiles.example:8443/{z}/{x}/{y}.png", "https://*.tiles.example:8443"),
        ("/tiles/{z}/{x}/{y}.png", ""),
    ],
)
def test_the_tile_host_is_the_only_other_image_source(tiles_url, source):
    assert tile_source(tiles_url) == source
    image_rule = next(
        rule for rule in content_security_policy(tiles_url).split("; ") if "img-src" in rule
    )
    assert image_rule == f"img-src 'self' data: {source}".strip()


@pytest.mark.parametrize(
    "tiles_url", ["tile.example/{z}/{x}/{y}.png", "https://tile.example/tiles.png", ""]
)
def test_a_tile_url_without_its_placeholders_stops_start_up(tiles_url):
    with pytest.raises(ConfigError, match="KOMVOS_MAP_TILES_URL"):
        load_settings(environ={"KOMVOS_MAP_TILES_URL": tiles_url})


def test_pages_send_the_configured_tile_host_in_their_csp(make_app):
    app = make_app(map_tiles_url="https://maps.example/{z}/{x}/{y}.png")
    response = app.test_client().get("/needs")
    assert (
        "img-src 'self' data: https://maps.example;" in response.headers["Content-Security-Policy"]
    )
    assert 'data-tiles="https://maps.example/{z}/{x}/{y}.png"' in response.text


def test_each_listed_need_carries_its_area_for_the_map(client, make_need, app):
    need = make_need(place="kypseli")
    kypseli = app.extensions["komvos.places"]["kypseli"]
    html = client.get("/needs").text
    assert f'id="need-{need.id}" data-lat="{kypseli.lat}" data-lon="{kypseli.lon}"' in html
    assert 'data-map-list="needs-list"' in html
