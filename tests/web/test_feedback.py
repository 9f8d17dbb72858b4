"""The platform's feedback and complaints log: sensitive items only for designated users (in their
scope), recording and following up through pages and API with the same checks, summaries that equal a
hand count and never name a sensitive theme, and the coding framework loaded by command."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.django_db

NLRC = Path(__file__).parents[3] / "shared" / "data" / "feedback_coding_framework_nlrc"


def _codes() -> dict[str, Any]:
    from humsec_web.feedback.models import FeedbackCode

    spec = {
        "aid": ("Complaint", "Aid quality", "Food spoiled", False),
        "thanks": ("Appreciation", "Thanks", "Thank you", False),
        "psea": ("Complaint", "PSEA", "Sexual exploitation by a volunteer", True),
    }
    return {
        key: FeedbackCode.objects.get_or_create(
            code_id=f"t-{key}",
            defaults=dict(zip(("type", "category", "name", "sensitive"), v, strict=True)),
        )[0]
        for key, v in spec.items()
    }


def _item(code: Any, **kw: Any) -> Any:
    from humsec_web.core.models import Organisation
    from humsec_web.feedback.models import FeedbackItem

    defaults = {"country": "COD", "organisation": Organisation.objects.get(acronym="WVI"),
                "received_on": date(2025, 3, 1), "channel": "hotline"}  # fmt: skip
    return FeedbackItem.objects.create(code=code, **{**defaults, **kw})


def _designate(username: str) -> None:
    from django.contrib.auth.models import Permission, User

    user = User.objects.get(username=username)
    user.user_permissions.add(Permission.objects.get(codename="view_sensitive_feedback"))


def test_sensitive_items_only_for_designated_users_in_their_scope(as_role):
    codes = _codes()
    plain = _item(codes["aid"])
    psea_cod = _item(codes["psea"])
    psea_ken = _item(codes["psea"], country="KEN")
    assert psea_cod.sensitive  # a sensitive code makes the item sensitive
    hsu = as_role("hsu")
    assert hsu.get(f"/feedback/{psea_cod.pk}/").status_code == 403
    assert hsu.get(f"/api/feedback/{psea_cod.pk}/").status_code == 404  # outside the user's list
    listing = hsu.get("/feedback/")
    assert f"/feedback/{plain.pk}/".encode() in listing.content
    assert f"/feedback/{psea_cod.pk}/".encode() not in listing.content
    assert b"2 sensitive items (protection, PSEA) in your scope are not shown" in listing.content
    ids = {r["id"] for r in hsu.get("/api/feedback/").json()["results"]}
    assert plain.pk in ids and psea_cod.pk not in ids
    _designate("hsu")
    hsu = as_role("hsu")
    assert hsu.get(f"/feedback/{psea_cod.pk}/").status_code == 200
    assert b"Sexual exploitation by a volunteer" in hsu.get(f"/feedback/{psea_cod.pk}/").content
    # a designated country-team member: their own country's sensitive items, not Kenya's
    _designate("country_cod")
    team = as_role("country_team")
    assert team.get(f"/feedback/{psea_cod.pk}/").status_code == 200
    assert team.get(f"/feedback/{psea_ken.pk}/").status_code == 403


def test_recording_a_sensitive_item_through_the_form(as_role):
    from humsec_web.feedback.models import FeedbackItem

    codes = _codes()
    focal = as_role("focal_point")
    form = {"country": "COD", "received_on": "2025-04-02", "channel": "sms", "area": "Goma",
            "group": "IDP", "sex": "female", "age_band": "18-59", "code": codes["psea"].pk,
            "description": "Reported abuse.", "status": "open"}  # fmt: skip
    response = focal.post("/feedback/new/", form, follow=True)
    item = FeedbackItem.objects.get(description="Reported abuse.")
    assert (
        item.sensitive
        and item.organisation.acronym == "WVI"
        and item.author.username == "focal_wvi"
    )
    assert b"recorded as sensitive: only designated staff can open it now" in response.content
    assert focal.get(f"/feedback/{item.pk}/").status_code == 403
    # a plain item opens at once, and its follow-up closes the loop
    response = focal.post(
        "/feedback/new/", {**form, "code": codes["aid"].pk, "description": "Late."}
    )
    plain = FeedbackItem.objects.get(description="Late.")
    assert response.status_code == 302 and response["Location"] == f"/feedback/{plain.pk}/"
    closed = {**form, "code": codes["aid"].pk, "description": "Late.", "status": "closed",
              "date_closed": "2025-04-05", "referral": "WFP", "response": "New delivery date given."}  # fmt: skip
    assert focal.post(f"/feedback/{plain.pk}/edit/", closed).status_code == 302
    plain.refresh_from_db()
    assert (
        plain.status == "closed"
        and plain.date_closed == date(2025, 4, 5)
        and plain.referral == "WFP"
    )


def test_closing_rules_and_country_scope_are_checked_by_form_and_api(as_role):
    codes = _codes()
    team = as_role("country_team")
    base = {"country": "COD", "received_on": "2025-04-02", "channel": "sms", "sex": "not_given",
            "age_band": "not_given", "code": codes["aid"].pk, "status": "closed"}  # fmt: skip
    page = team.post("/feedback/new/", base)
    assert (
        page.status_code == 200 and b"A closed item needs the date it was closed." in page.content
    )
    page = team.post("/feedback/new/", {**base, "date_closed": "2025-04-01"})
    assert b"closed before it was received (2025-04-02)" in page.content
    page = team.post("/feedback/new/", {**base, "status": "open", "country": "KEN"})
    assert b"Select a valid choice" in page.content  # a country team records its own country only
    api = team.post(
        "/api/feedback/",
        {**base, "code": "t-aid", "date_closed": "2025-04-01"},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert "closed before it was received" in api.json()["error"]["fields"]["date_closed"][0]
    api = team.post("/api/feedback/", {**base, "code": "t-aid", "status": "open", "country": "KEN"},
                    content_type="application/json")  # fmt: skip
    assert api.status_code == 400 and "COD only" in api.json()["error"]["fields"]["country"][0]
    created = team.post("/api/feedback/", {**base, "code": "t-aid", "date_closed": "2025-04-03"},
                        content_type="application/json")  # fmt: skip
    assert created.status_code == 201 and created.json()["theme"] == "Aid quality"
    patched = team.patch(f"/api/feedback/{created.json()['id']}/", {"status": "open"},
                         content_type="application/json")  # fmt: skip
    assert patched.status_code == 400 and "status" in patched.json()["error"]["fields"]


def test_summary_equals_a_hand_count_and_never_names_a_sensitive_theme(as_role):
    codes = _codes()
    start = date(2025, 3, 1)
    for days in (1, 2, 3, 4, 5):  # 5 aid items closed after 1..5 days: median 3
        _item(codes["aid"], status="closed", date_closed=start + timedelta(days=days))
    _item(codes["aid"], area="Goma")
    _item(codes["aid"], area="Goma")  # 7 aid items, 5 closed
    _item(codes["thanks"])
    _item(codes["thanks"])  # 2 thanks: fewer than 5, blanked
    for _ in range(3):
        _item(codes["psea"])
    _item(codes["aid"], sensitive=True)
    _item(
        codes["thanks"], sensitive=True
    )  # marked sensitive: counted as sensitive, not as aid/thanks
    hsu = as_role("hsu")
    summary = hsu.get("/api/feedback/summary/").json()
    rows = summary["rows"]
    national = {r["theme"]: r for r in rows if r["over"] == "national"}
    assert set(national) == {"Aid quality", "Thanks", "sensitive (not listed)"}
    aid = national["Aid quality"]
    assert aid["n"] == 7 and aid["n_total"] == 14 and aid["share"] == pytest.approx(0.5)
    assert aid["share_closed"] == pytest.approx(5 / 7) and aid["median_days_to_close"] == 3.0
    # 2 thanks (< 5) are blanked, and the 5 sensitive items with them (the next smallest cell), or
    # 14 - 7 - 5 would give the 2 back
    assert national["Thanks"]["n"] is None and national["Thanks"]["sdc_status"] == "suppressed"
    sensitive = national["sensitive (not listed)"]
    assert sensitive["n"] is None and sensitive["sdc_status"] == "secondary"
    assert sensitive["type"] == ""
    assert (
        "5 sensitive item(s) counted under 'sensitive (not listed)', never listed"
        in summary["notes"]
    )
    page = hsu.get("/feedback/summary/", {"over": "area"})
    assert page.status_code == 200
    for secret in (b"PSEA", b"Sexual exploitation", b"t-psea"):
        assert secret not in page.content
    assert b"sensitive (not listed)" in page.content and b"Goma" in page.content
    bad = hsu.get("/api/feedback/summary/", {"over": "code"})
    assert bad.status_code == 400 and "over" in bad.json()["error"]["fields"]
    # a focal point's summary counts only their organisation's items (none of OIM's here)
    assert as_role("focal_point").get("/api/feedback/summary/").json()["rows"]
    oim = as_role("anonymous")
    assert oim.get("/api/feedback/summary/").status_code in (401, 403)


def test_load_feedback_codes_command(tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from humsec_web.feedback.models import FeedbackCode

    framework = tmp_path / "fw.json"
    framework.write_text(
        '{"types": [{"name": "Question", "categories": [{"name": "Aid", "codes": ['
        '{"code_id": "q1", "name": "When?", "sensitive": false},'
        '{"code_id": "q2", "name": "Abuse", "sensitive": true}]}]}]}',
        encoding="utf-8",
    )
    call_command("load_feedback_codes", str(framework))
    assert FeedbackCode.objects.get(code_id="q2").sensitive
    (tmp_path / "bad.json").write_text('{"types": [{"name": "x"}]}', encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad\.json: expected JSON"):
        call_command("load_feedback_codes", str(tmp_path / "bad.json"))
    (tmp_path / "long.json").write_text(
        '{"types": [{"name": "Q", "categories": [{"name": "Aid", "codes": [{"code_id": "' + "x" * 300
        + '", "name": "n", "sensitive": false}]}]}]}',
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"1 code\(s\) have a code_id longer than 255 characters"):
        call_command("load_feedback_codes", str(tmp_path / "long.json"))
    if not NLRC.exists():
        pytest.skip("../shared/data/feedback_coding_framework_nlrc is absent")
    call_command("load_feedback_codes", str(NLRC / "coding_framework.json"))
    nlrc = FeedbackCode.objects.exclude(code_id__in=["q1", "q2"])
    # the framework's size as its SOURCE.md states it: 154 codes, 52 categories, 4 sensitive
    assert nlrc.count() == 154 and nlrc.filter(sensitive=True).count() == 4
    assert nlrc.values("type", "category").distinct().count() == 52


def test_staff_in_the_admin_see_sensitive_items_only_if_designated(client):
    from django.contrib.auth.models import Permission, User

    codes = _codes()
    plain, psea = _item(codes["aid"]), _item(codes["psea"])
    staff = User.objects.create_user("staff_fb", password="x", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_feedbackitem"))
    client.force_login(staff)
    page = client.get("/admin/feedback/feedbackitem/")
    assert page.status_code == 200
    assert f"/admin/feedback/feedbackitem/{plain.pk}/".encode() in page.content
    assert f"/admin/feedback/feedbackitem/{psea.pk}/".encode() not in page.content
    _designate("staff_fb")
    client.force_login(User.objects.get(username="staff_fb"))
    page = client.get("/admin/feedback/feedbackitem/")
    assert f"/admin/feedback/feedbackitem/{psea.pk}/".encode() in page.content


def test_downloaded_log_gives_the_platform_summary_through_the_cli(as_role, tmp_path):
    """The CSV download read by ``humsec voice feedback`` gives the numbers the platform shows;
    sensitive items are in it only for designated users; formulas are neutralised."""
    import json

    import pandas as pd
    from typer.testing import CliRunner

    from humsec.cli.main import app

    codes = _codes()
    start = date(2025, 3, 1)
    for days in range(1, 7):
        _item(codes["aid"], status="closed", date_closed=start + timedelta(days=days), area="Goma")
    for _ in range(5):
        _item(codes["thanks"], area="Beni")
    for _ in range(5):
        _item(codes["psea"], area="Goma")
    formula = _item(codes["aid"], area="=HYPERLINK(1)")
    hsu = as_role("hsu")
    plain = hsu.get("/feedback/export.csv")
    assert plain["Content-Type"].startswith("text/csv")
    log = pd.read_csv(io.BytesIO(plain.content), keep_default_na=False)
    assert (
        len(log) == 12 and not log["sensitive"].any()
    )  # not designated: the 5 PSEA items left out
    assert "'=HYPERLINK(1)" in set(log["area"])
    formula.delete()
    _designate("hsu")
    hsu = as_role("hsu")
    full = hsu.get("/feedback/export.csv").content
    (tmp_path / "log.csv").write_bytes(full)
    assert len(pd.read_csv(tmp_path / "log.csv")) == 16
    framework = {"types": [
        {"name": t, "categories": [{"name": c.category, "codes": [
            {"code_id": c.code_id, "name": c.name, "sensitive": c.sensitive}]}]}
        for t, c in ((c.type, c) for c in codes.values())
    ]}  # fmt: skip
    (tmp_path / "fw.json").write_text(json.dumps(framework), encoding="utf-8")
    out = tmp_path / "s.csv"
    res = CliRunner().invoke(
        app,
        ["voice", "feedback", str(tmp_path / "log.csv"), "--codes", str(tmp_path / "fw.json"),
         "--over", "area", "--out", str(out)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    cli = pd.read_csv(out, keep_default_na=False).fillna("")
    api = pd.DataFrame(hsu.get("/api/feedback/summary/", {"over": "area"}).json()["rows"])
    key = ["over", "group", "theme"]
    cli = cli.assign(group=cli["group"].astype(str)).set_index(key).sort_index()
    api = api.astype(object).where(api.notna(), "").set_index(key).sort_index()
    assert list(cli.index) == list(api.index)
    for col in ("n", "n_total", "sdc_status"):
        assert cli[col].astype(str).tolist() == api[col].astype(str).tolist(), col
    assert cli["share_closed"].astype(str).tolist() == api["share_closed"].astype(str).tolist()


def test_an_edit_that_makes_an_item_sensitive_leads_back_to_the_list(as_role):
    codes = _codes()
    item = _item(codes["aid"], description="Late.")
    focal = as_role("focal_point")
    form = {"country": "COD", "received_on": "2025-03-01", "channel": "hotline", "sex": "not_given",
            "age_band": "not_given", "code": codes["psea"].pk, "status": "open"}  # fmt: skip
    response = focal.post(f"/feedback/{item.pk}/edit/", form, follow=True)
    assert response.redirect_chain[-1][0] == "/feedback/"
    assert b"now sensitive: only designated staff can open it" in response.content
    item.refresh_from_db()
    assert item.sensitive and focal.get(f"/feedback/{item.pk}/").status_code == 403
