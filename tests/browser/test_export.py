"""End to end: the directie asks for the dossier export on the reports page, watches its
progress bar move while a real Celery worker builds it, and downloads the ZIP.

The suite's Celery runs eagerly (the export would be made inside the request, with nothing to
watch), so this test starts a real worker process (`celery -A samenwerking worker`) on a queue
of its own, on the test database and media folder, as dossier/rapporten/tests/
test_worker_lost.py does. axe-core checks the page before the request and while the bar shows.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
import zipfile

import pytest
import redis
from django.conf import settings as django_settings
from playwright.sync_api import Page, expect

from conftest import build_region
from dossier.rapporten.models import Report
from dossier.rapporten.tests.export_data import MARKER_B, YEAR, fill_school_a, fill_school_b
from dossier.rapporten.tests.test_worker_lost import forget_queue, worker_database_url
from samenwerking.celery import app as celery_app
from signalen.tests.factories import SignaalFactory
from tests.browser.conftest import SHOTS, assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def region(transactional_db):
    return build_region()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def worker(settings, media_root, tmp_path):
    """A worker on a queue of this test's, and this process sending to it."""
    queue = f"test-export-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(settings.REDIS_URL)
    saved = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    log_path = tmp_path / "worker.log"
    log = log_path.open("w")
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "samenwerking.settings.test",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "TEST_WORKER_QUEUE": queue,
        "TEST_MEDIA_ROOT": str(media_root),
        # a second before the ZIP is saved: the bar stays full for a moment, as on a busy day
        "REPORT_TEST_RENDER_DELAY": "1",
    }
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "samenwerking",
            "worker",
            "--pool=solo",
            f"--queues={queue}",
            f"--hostname=export-{queue}@localhost",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while "ready." not in log_path.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    try:
        yield log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = saved
        forget_queue(client, queue)


def test_the_directie_watches_the_export_being_made_and_downloads_it(
    page: Page, live_server, login, region, worker, tmp_path
):
    fill_school_a(region)
    fill_school_b(region)
    # six earlier school years with a signal each: their yearly PDFs take the worker a few
    # seconds, long enough to watch
    start = int(YEAR[:4])
    for year in range(start - 7, start - 1):
        SignaalFactory(
            dossier=region.dossier_a,
            author=region.clb_medewerker_a,
            school_year=f"{year}-{year + 1}",
        )
    login(region.directie_a)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/dossiers/{region.dossier_a.pk}/rapporten/")
    card = page.locator("section.export-card")
    expect(card).to_be_visible()
    assert_accessible(page)

    card.locator("button[type=submit]").click()
    report = Report.objects.get(kind="export", requested_by=region.directie_a)
    row = page.locator(f"tr#report-{report.reference}")
    expect(row).to_be_visible()

    # the row asks again every two seconds: the bar appears and moves on. Each look is one
    # snapshot of the row (htmx swaps it whole), taken in the page.
    snapshot = """(id) => {
        const row = document.getElementById(id);
        if (!row) return null;
        const bar = row.querySelector("progress");
        const pill = row.querySelector(".status-pill");
        return {
            status: pill ? pill.className : "",
            value: bar ? bar.getAttribute("value") : null,
            max: bar ? bar.getAttribute("max") : null,
            text: row.innerText,
        };
    }"""
    seen: list[tuple[str, str]] = []
    checked = False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = page.evaluate(snapshot, f"report-{report.reference}") or {}
        if "report-done" in state.get("status", ""):
            break
        if "report-failed" in state.get("status", ""):
            pytest.fail(f"the export failed:\n{worker.read_text()[-3000:]}")
        if state.get("value") is not None:
            pair = (state["value"], state["max"])
            if pair not in seen:
                seen.append(pair)
            if not checked:
                assert re.search(r"\d+ (van|of) \d+", state["text"]), state["text"]
                assert_accessible(page)
                page.screenshot(path=f"{SHOTS}/export_progress.png", full_page=True)
                checked = True
        time.sleep(0.2)
    else:
        pytest.fail(f"the export was not made in time:\n{worker.read_text()[-3000:]}")
    assert len(seen) >= 2, seen
    values = [int(value) for value, _max in seen]
    assert values == sorted(values)
    assert all(int(value) <= int(maximum) for value, maximum in seen)

    with page.expect_download() as download_info:
        row.locator("a[href$='/download/']").click()
    download = download_info.value
    assert download.suggested_filename == f"dossier-export-{region.school_a.instellingsnummer}.zip"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert {"README.txt", "dossier.json", "schema.json"} <= set(names)
        assert any(name.endswith("/jaarverslag.pdf") for name in names)
        readme = archive.read("README.txt").decode("utf-8")
        assert region.school_a.name in readme
        assert MARKER_B not in archive.read("dossier.json").decode("utf-8")
    assert_accessible(page)
