"""One page under load: what ``bench/run.py`` starts locust with, once per page.

The page, the session cookie and the extra headers come from the environment
(BENCH_PATH, BENCH_COOKIE, BENCH_HEADERS as JSON). Each simulated user asks for the page again
as soon as the answer is in (no think time), so 20 users keep 20 connections busy. A redirect
counts as a failure: it would mean the session was lost and the login page was measured.
"""

import json
import os

from locust import FastHttpUser, constant, task

PATH = os.environ.get("BENCH_PATH", "/")
HEADERS = json.loads(os.environ.get("BENCH_HEADERS", "{}"))
COOKIE = os.environ.get("BENCH_COOKIE", "")


class PageUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def page(self):
        headers = {**HEADERS, "Cookie": COOKIE}
        with self.client.get(
            PATH, headers=headers, name="page", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
