"""Action phrases in prose: hand-made sentences, each showing one rule (real plans: test_gold)."""

from __future__ import annotations

import pytest

from extract.measures import prose_measures


def _titles(sentence: str) -> list[str]:
    return [m.title for m in prose_measures(sentence, 0, None)]


@pytest.mark.parametrize(("sentence", "expected"), [
    # a noun phrase ending in an action noun, committed to by a light verb
    ("最高経営会議運営方法の見直しを行います。", ["最高経営会議運営方法の見直し"]),
    # "Xを導入し" → "Xの導入"
    ("積極的に民間委託を導入し、効率的な組織運営を行います。", ["民間委託の導入"]),
    # coordination of two actions with や gives two measures
    ("指定管理者導入施設の拡大や委託化の推進など、改革を進めます。",
     ["指定管理者導入施設の拡大", "委託化の推進"]),
    # "Xを明確にする" → "Xの明確化"
    ("手続きを明確にするとともに、支援に取り組みます。", ["手続きの明確化"]),
])
def test_measures_found(sentence: str, expected: list[str]) -> None:
    found = _titles(sentence)
    for title in expected:
        assert title in found, found


@pytest.mark.parametrize(("sentence", "absent"), [
    # the aim of a means ("…による" + aim) is not a measure; the means is
    ("コンビニ収納導入による市民サービスの向上を図ります。", "市民サービスの向上"),
    # a goal ("…に向けて", "…ため") is not a measure
    ("経営層の支援強化に向けて、会議の見直しを行います。", "経営層の支援強化"),
    # a negated verb commits to nothing
    ("本大綱は、期間を設定しません。", "期間の設定"),
    # a word that merely ends in 化 is not an act
    ("社会情勢の変化に対応します。", "社会情勢の変化"),
    # a verb modifying a noun is a description, not an act
    ("トップマネジメントを支援する機能を強化します。", "トップマネジメントの支援"),
])
def test_not_measures(sentence: str, absent: str) -> None:
    assert absent not in _titles(sentence)


def test_means_is_kept_when_its_aim_is_dropped() -> None:
    assert "コンビニ収納導入" in _titles("コンビニ収納導入による市民サービスの向上を図ります。")


def test_numeric_target_is_attached() -> None:
    measures = prose_measures("今後5年間で職員数を30人(4.6%)削減します。", 0, None)
    cut = next(m for m in measures if m.title == "職員数の削減")
    assert cut.target == "職員数を30人(4.6%)削減"
