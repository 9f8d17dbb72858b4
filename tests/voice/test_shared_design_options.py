"""The voice engines take the survey design the same way: one set of options, one DesignColumns."""

from __future__ import annotations

from humsec.voice import DesignColumns, PerceptionIndicators, VoiceTabulator


def test_both_engines_give_the_same_design_columns() -> None:
    options = {"over": ("setting",), "weight": "w", "strata": "s", "psu": "c", "nest": True,
               "lonely_psu": "adjust", "level": 0.9}  # fmt: skip
    tab = VoiceTabulator(**options)  # type: ignore[arg-type]
    ind = PerceptionIndicators("spec.yaml", **options)  # type: ignore[arg-type]
    expected = DesignColumns("w", "s", "c", True, "adjust", ("setting",))
    assert tab.design_columns() == expected
    assert ind.design_columns() == expected
    assert (tab.level, ind.level) == (0.9, 0.9)
    assert tab.get_params()["lonely_psu"] == "adjust"
