"""One term, one translation: every catalogue entry whose English holds a domain term of the
glossary (``humsec/locale/glossary.yaml``) holds that term's rendering in its language, in the
report's catalogue and in the platform's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

import humsec
import humsec_web

GLOSSARY = yaml.safe_load((Path(humsec.__file__).parent / "locale" / "glossary.yaml").read_text(encoding="utf-8"))
CATALOGUES = {
    "report": Path(humsec.__file__).parent / "locale" / "{code}" / "LC_MESSAGES" / "humsec.po",
    "platform": Path(humsec_web.__file__).parent / "locale" / "{code}" / "LC_MESSAGES" / "django.po",
}


def _entries(path: Path, code: str) -> list[tuple[str, str]]:
    with path.open("rb") as fh:
        catalogue = read_po(fh, locale=code)
    out = []
    for m in catalogue:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        out += [(ids[0], s) for s in strings if s]
    return out


@pytest.mark.parametrize("code", ["fr", "es", "ar"])
@pytest.mark.parametrize("which", list(CATALOGUES))
def test_each_domain_term_has_one_translation(which: str, code: str) -> None:
    wrong, used = [], 0
    for english, translated in _entries(Path(str(CATALOGUES[which]).format(code=code)), code):
        plain = re.sub(r"%\(\w+\)[sd]|\{[^}]*\}|<[^>]+>", " ", english)  # placeholders and markup
        for term, renderings in GLOSSARY.items():
            case = 0 if term.isupper() else re.I  # "IPC" the classification, not the "ipc" command
            if re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", plain, flags=case):
                used += 1
                bare = re.sub("[\u064b-\u0652]", "", translated)  # Arabic short vowels and shadda
                if not re.search(renderings[code], bare, flags=re.I):
                    wrong.append(f"{term!r} in {english[:60]!r} → {translated[:70]!r}")
    assert used >= 10, "the glossary's terms should occur in the catalogue"
    assert not wrong, f"{len(wrong)} entries render a term otherwise:\n" + "\n".join(wrong)
