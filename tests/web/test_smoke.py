import pytest


@pytest.mark.django_db
def test_demo_pages_render(as_role, world):
    c = as_role("hsu")
    for url in ["/", "/activities/", "/digests/", f"/digests/{world.draft_digest.pk}/", "/lessons/",
                f"/lessons/{world.lesson.pk}/", "/proposals/", f"/proposals/{world.reviewing.pk}/", "/portfolio/",
                "/api/schema/", "/api/lessons/", "/portfolio/countries.json"]:
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code)
