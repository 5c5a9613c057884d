"""Crawl manifests in CSV and YAML (hand-made fixtures: small manifests written by the tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.errors import InputError
from extract.ingest.manifest import Site, load_manifest


def test_csv_rows_of_one_municipality_merge(tmp_path: Path) -> None:
    manifest = tmp_path / "sites.csv"
    manifest.write_text(
        "name,code,start_urls,allowed_prefixes\n"
        "刈谷市,232106,https://www.city.kariya.lg.jp/shisei/keikaku/,/shisei/\n"
        "刈谷市,,https://www.city.kariya.lg.jp/shisei/gyokaku/ https://www.city.kariya.lg.jp/x/,\n"
        "綾瀬市,,https://www.city.ayase.kanagawa.jp/,\n", "utf-8")
    kariya, ayase = load_manifest(manifest)
    assert kariya == Site(start_urls=("https://www.city.kariya.lg.jp/shisei/keikaku/",
                                      "https://www.city.kariya.lg.jp/shisei/gyokaku/",
                                      "https://www.city.kariya.lg.jp/x/"),
                          name="刈谷市", code="232106", allowed_prefixes=("/shisei/",))
    assert ayase.code is None and ayase.allows_page("/anything")
    assert kariya.allows_page("/shisei/a.html") and not kariya.allows_page("/kurashi/a.html")


def test_yaml_lists_sites_with_lists_or_strings(tmp_path: Path) -> None:
    manifest = tmp_path / "sites.yaml"
    manifest.write_text(
        "sites:\n"
        "  - name: 入間市\n"
        "    code: '112097'\n"
        "    start_urls: [https://www.city.iruma.saitama.jp/shisei/]\n"
        "    allowed_prefixes: /shisei/ /material/\n", "utf-8")
    (iruma,) = load_manifest(manifest)
    assert iruma.code == "112097" and iruma.allowed_prefixes == ("/shisei/", "/material/")


@pytest.mark.parametrize(("name", "text", "says"), [
    ("a.csv", "name,code,start_urls\n市,,\n", "no start URL"),
    ("b.csv", "name,code,start_urls\n市,12,https://x.example/\n", "6 digits"),
    ("c.csv", "name,start_urls\n市,ftp://x.example/\n", r"not an http\(s\) URL"),
    ("d.yaml", "- name: 市\n  code: 011002\n  start_urls: https://x.example/\n", "quote"),
    ("e.yaml", "sites: {a: 1}\n", "list of sites"),
    ("f.csv", "name,start_urls\n", "no sites"),
    ("g.csv", "name,start_urls,allowed_prefixes\n市,https://x.example/,shisei\n", "'/'"),
])
def test_bad_manifests_say_what_is_wrong(tmp_path: Path, name: str, text: str,
                                         says: str) -> None:
    manifest = tmp_path / name
    manifest.write_text(text, "utf-8")
    with pytest.raises(InputError, match=says):
        load_manifest(manifest)
