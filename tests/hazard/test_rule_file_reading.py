"""Both rule readers (one rule, a set of rules) name an unreadable or broken file the same way."""

from __future__ import annotations

import pytest

from humsec.core.errors import SpecError
from humsec.hazard.triggers import TriggerRules, TriggerSet


@pytest.mark.parametrize("reader", [TriggerRules, TriggerSet])
def test_missing_and_broken_files_are_named(tmp_path, reader):
    missing = tmp_path / "absent.yaml"
    with pytest.raises(SpecError, match="file: no such file") as info:
        reader.from_yaml(missing)
    assert "absent.yaml" in str(info.value)
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"file: cannot parse as YAML \(line 2") as info:
        reader.from_yaml(str(broken))
    assert "broken.yaml" in str(info.value)


@pytest.mark.parametrize("content", [b"", b"   \n", "name: s\u00e9che\n".encode("latin-1")])
def test_empty_and_non_utf8_rule_files_are_named(tmp_path, content):
    path = tmp_path / "rules.yaml"
    path.write_bytes(content)
    with pytest.raises(SpecError, match=r"rules\.yaml:\n  - file: (is empty|is not UTF-8)"):
        TriggerSet.from_yaml(path)
