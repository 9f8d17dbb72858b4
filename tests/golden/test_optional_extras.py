"""A test folder that needs an optional extra is skipped with the extra named, not an ImportError."""

from __future__ import annotations

import importlib.util

from tests.conftest import ROOT, missing_extra


def test_web_folder_names_the_extra_when_django_is_missing(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "django" else real(name, *a)
    )
    reason = missing_extra(ROOT / "tests" / "web")
    assert reason is not None and "pip install -e '.[web]'" in reason


def test_installed_extra_and_other_folders_are_collected():
    if importlib.util.find_spec("django") is not None:
        assert missing_extra(ROOT / "tests" / "web") is None
    assert missing_extra(ROOT / "tests" / "index") is None


def test_files_inside_the_folder_are_skipped_too(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "django" else real(name, *a)
    )
    assert missing_extra(ROOT / "tests" / "web" / "test_api.py") is not None
