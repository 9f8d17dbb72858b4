"""The platform in English, French, Spanish and Arabic: the browser's Accept-Language, a chosen
language (cookie), and a signed-in user's own setting, which wins; Arabic right to left; the
catalogues hold every string the templates mark and their compiled files are current.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings

import humsec_web

pytestmark = pytest.mark.django_db

WEB = Path(humsec_web.__file__).parent
LOCALE = WEB / "locale"
#: a string of each main page, per language (home, reviews, alerts, sign-in)
PAGES = {
    "fr": {"/": "Enseignements tirés", "/reviews/": "Examens de la sécurité humaine par pays",
           "/alerts/": "Alertes actuelles aux aléas", "/accounts/login/": "Se connecter"},
    "es": {"/": "Lecciones aprendidas", "/reviews/": "Exámenes de la seguridad humana por país",
           "/alerts/": "Alertas actuales de amenazas", "/accounts/login/": "Iniciar sesión"},
    "ar": {"/": "الدروس المستفادة", "/reviews/": "الاستعراضات القطرية للأمن البشري",
           "/alerts/": "تنبيهات المخاطر الحالية", "/accounts/login/": "تسجيل الدخول"},
    "en": {"/": "Lessons learned", "/reviews/": "Country Human Security Reviews",
           "/alerts/": "Current hazard alerts", "/accounts/login/": "Sign in"},
}  # fmt: skip


@pytest.mark.parametrize("lang", list(PAGES))
def test_main_pages_answer_in_the_browsers_language(client, world, lang: str) -> None:  # type: ignore[no-untyped-def]
    direction = "rtl" if lang == "ar" else "ltr"
    for url, text in PAGES[lang].items():
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=f"{lang};q=0.9,en;q=0.5").content.decode()
        assert f'<html lang="{lang}" dir="{direction}">' in page, url
        assert text in page, (lang, url)


def test_an_unoffered_browser_language_gets_english(client, world) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()
    assert '<html lang="en" dir="ltr">' in page and "Lessons learned" in page


def test_a_users_own_language_wins_over_the_browser(client, world) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import User

    from humsec_web.core.models import Profile

    user = User.objects.get(username="hsu")
    Profile.objects.filter(user=user).update(language="es")
    client.force_login(user)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="es" dir="ltr">' in page and "Lecciones aprendidas" in page


def test_choosing_a_language_keeps_it_for_the_visitor_and_in_the_users_profile(client, world) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import User

    from humsec_web.core.models import Profile

    response = client.post("/language/", {"language": "ar", "next": "/reviews/"})
    assert response.status_code == 302 and response["Location"] == "/reviews/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert '<html lang="ar" dir="rtl">' in client.get("/").content.decode()
    user = User.objects.get(username="focal_wvi")
    client.force_login(user)
    client.post("/language/", {"language": "fr", "next": "/"})
    assert Profile.objects.get(user=user).language == "fr"
    client.post("/language/", {"language": "xx", "next": "/"})  # not offered: nothing changes
    assert Profile.objects.get(user=user).language == "fr"


def test_every_marked_string_is_translated_and_compiled() -> None:
    marked = set()
    for template in (WEB / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        marked |= set(re.findall(r'{% translate "([^"]+)"', text))
        marked |= set(re.findall(r'_\("([^"]+)"\)', text))
        for block in re.findall(r"{% blocktranslate[^%]*%}(.*?){% endblocktranslate %}", text, flags=re.S):
            singular = block.split("{% plural %}")[0]  # a counted message is filed under its singular
            marked.add(re.sub(r"\s+", " ", re.sub(r"{{ (\w+) }}", r"%(\1)s", singular)).strip())
    assert len(marked) >= 50
    for code, _name in settings.LANGUAGES:
        if code == "en":
            continue
        po = LOCALE / code / "LC_MESSAGES" / "django.po"
        with po.open("rb") as fh:
            catalogue = read_po(fh, locale=code)
        strings = {}
        for m in catalogue:
            if m.id and not m.fuzzy:
                forms = m.string if isinstance(m.string, (tuple, list)) else (m.string,)
                strings[m.id[0] if isinstance(m.id, (tuple, list)) else m.id] = all(forms)
        missing = sorted(m for m in marked if not strings.get(m))
        assert not missing, f"{code}: not translated (makemessages, then translate): {missing[:5]}"
        compiled = io.BytesIO()
        write_mo(compiled, catalogue, use_fuzzy=False)
        assert (po.with_suffix(".mo")).read_bytes() == compiled.getvalue(), f"{code}: django.mo is stale"
