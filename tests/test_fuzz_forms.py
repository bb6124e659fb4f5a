"""Bad input never answers 500: every form and every list filter the resolver knows, fuzzed.

For every URL pattern (the same walk as the access matrix), as the personas who may use it, the
page is fetched and its forms are read from the HTML. Each POST form is then sent once per field
and junk value, the other fields keeping what the page filled in; each GET form, and every query
parameter the page links to (the admin's list filters, its ordering), is requested once per
parameter and junk value. One fixed pass, no randomness. A response of 500 or more, or an
exception escaping the view, is collected, and each URL reports all of its failures at once.
"""

from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import Resolver404, resolve, reverse

from conftest import build_full_region
from tests.test_access_matrix import ADMIN_NAMES, MATRIX, _admin_kwargs


@pytest.fixture(scope="module")
def _module_region(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_full_region()
        transaction.set_rollback(True)


@pytest.fixture
def region(_module_region, db):
    return _module_region


# One pass of these per field: what a hostile or careless client sends.
JUNK: list[object] = [
    "x" * 10_001,  # longer than any field
    "a\x00b",  # PostgreSQL refuses NUL in text
    "31/12/9999",  # the day after overflows
    "9999-12-31",
    "0001-01-01",  # the day before, or a timezone shift, underflows
    "0000-00-00",
    str(10**20),  # beyond bigint
    "2147483648",  # beyond integer
    "-1",
    "abc",
    "\u202e\ufeff\u0301😀 Z\u0324\u0354",  # bidi override, BOM, combining marks, emoji
    "",
    ["1", "2"],  # a list where one value is expected
]
# Query strings: the same, less the ones that only differ for a form body.
QUERY_JUNK: list[object] = [
    "x" * 10_001,
    "a\x00b",
    "31/12/9999",
    "9999-12-31",
    "0001-01-01",
    str(10**20),
    "-1",
    "abc",
    "\u202e😀",
    ["1", "2"],
]
# Parameters list pages read outside their filter forms.
HUGE = "1" * 20


def _alone(name: str, filled: list[str]) -> list[str]:
    """What one field gets on its own: an overflowing date where a date goes, a number beyond
    bigint where a number or an id goes."""
    current = filled[0] if filled else ""
    if "date" in name or "datum" in name or (current[:1].isdigit() and "/" in current):
        return ["31/12/9999", "9999-12-31"]
    if current.lstrip("-").isdigit() or name.endswith(("_id", "-id", "organisation", "user")):
        return [HUGE]
    return []


MANAGEMENT = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")
COMMON_PARAMS = ("page", "p", "o", "q", "sort", "year", "school_year", "thema", "theme")


def junk_files() -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile("junk.pdf", b"%PDF-1.4\x00\xff\xfe junk", "application/pdf"),
        # one CSV field longer than the csv module's limit (131,072 characters)
        SimpleUploadedFile(
            "scholen.csv",
            b"instellingsnummer;naam\n1;" + b"x" * 140_000 + b"\n",
            "text/csv",
        ),
    ]


class _Form:
    def __init__(self, method: str, action: str, enctype: str):
        self.method, self.action, self.enctype = method, action, enctype
        self.fields: dict[str, list[str]] = {}  # name -> the values the page fills in
        self.files: list[str] = []
        self.submits: dict[str, str] = {}


class FormParser(HTMLParser):
    """The page's <form>s with their input, select and textarea names and filled-in values,
    and the query parameters of its ``?...`` links."""

    def __init__(self):
        super().__init__()
        self.forms: list[_Form] = []
        self.link_params: set[str] = set()
        self._form: _Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("?"):
            self.link_params.update(k for k, _v in parse_qsl(a["href"][1:], True))
        if tag == "form":
            self._form = _Form(
                a.get("method", "get").lower(), a.get("action", ""), a.get("enctype", "")
            )
            self.forms.append(self._form)
            return
        form, name = self._form, a.get("name")
        if form is None or not name:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "file":
                form.files.append(name)
            elif kind in ("submit", "button", "image"):
                form.submits.setdefault(name, a.get("value", ""))
            elif kind in ("checkbox", "radio"):
                values = form.fields.setdefault(name, [])
                if "checked" in a:
                    values.append(a.get("value", "on"))
            else:
                form.fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "button":
            if a.get("type", "submit") == "submit":
                form.submits.setdefault(name, a.get("value", ""))
        elif tag == "select":
            self._select, self._select_first, self._select_chosen = name, None, False
            form.fields.setdefault(name, [])
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                form.fields[self._select].append(value)
                self._select_chosen = True
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select and self._form:
            if not self._select_chosen and self._select_first is not None:
                self._form.fields[self._select].append(self._select_first)
            self._select = None
        elif tag == "textarea" and self._textarea and self._form:
            self._form.fields.setdefault(self._textarea, []).append("".join(self._text))
            self._textarea = None


def parse(html: str) -> FormParser:
    parser = FormParser()
    parser.feed(html)
    return parser


# Forms that end the session (logging out), not input to fuzz.
SKIP_ACTIONS = {"account_logout", "admin:logout"}
# Forms found on many pages (the search box in the header) are fuzzed once per persona.
_seen_forms: set[tuple] = set()


def _target(action: str, page_url: str) -> str | None:
    path = urlsplit(action).path or urlsplit(page_url).path
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return None if match.view_name in SKIP_ACTIONS else path


def _personas(name: str) -> list[str]:
    """Who uses the page: the platform administrator in the admin; elsewhere the directie, a
    CLB medewerker and anonymous where the matrix lets them in (else whoever it does)."""
    if name.startswith("admin:"):
        return ["platform_admin"]
    case = MATRIX[name]
    usable = {
        persona
        for expectations in case.expect.values()
        for persona, status in expectations.items()
        if isinstance(status, int) and (200 <= status < 300 or status == 400)
    }
    chosen = [p for p in ("directie_a", "clb_medewerker_a", "anonymous") if p in usable]
    return (chosen or sorted(usable))[:1]


def _kwargs(name: str, region) -> dict:
    return _admin_kwargs(name, region) if name.startswith("admin:") else MATRIX[name].kwargs(region)


class Fuzzer:
    def __init__(self, client, region, persona, forget, *, relogin_after_post=False):
        self.client, self.region, self.persona, self.forget = client, region, persona, forget
        self.relogin_after_post = relogin_after_post
        self.failures: list[str] = []
        client.raise_request_exception = False
        self.login()

    def login(self):
        self.client.logout()
        user = self.region.persona(self.persona)
        if user is not None:
            self.client.force_login(user)

    def send(self, method: str, url: str, data, label: str):
        self.forget()
        try:
            if method == "get":
                response = self.client.get(url, data)
            else:
                response = self.client.post(url, data)
        except Exception as exc:  # noqa: BLE001 - every escape is a finding
            self.failures.append(f"{self.persona} {label}: {type(exc).__name__}: {exc!s:.200}")
            return None
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            why = f"{exc[0].__name__}: {exc[1]!s:.200}" if exc else ""
            self.failures.append(f"{self.persona} {label}: {response.status_code} {why}")
        return response

    def fuzz_page(self, url: str):
        response = self.send("get", url, {}, f"GET {url}")
        if response is None or response.status_code != 200:
            return
        if "text/html" not in response.get("Content-Type", ""):
            return
        page = parse(response.content.decode("utf-8", "replace"))
        declared = set(page.link_params)
        for form in page.forms:
            path = _target(form.action, url)
            if path is None:
                continue
            key = (self.persona, form.method, path, tuple(sorted(form.fields)))
            if key in _seen_forms:
                continue
            _seen_forms.add(key)
            if form.method == "get":
                declared |= set(form.fields)
            else:
                self.fuzz_post(path, form)
        params = sorted(declared | set(COMMON_PARAMS))
        # Each junk value in every parameter at once: a filter form cleans each field on its
        # own, so one bad field does not hide another.
        for value in QUERY_JUNK:
            self.send("get", url, dict.fromkeys(params, value), f"GET {url} all={_show(value)}")
        # and a twenty-digit number and a NUL in each parameter the page declares alone, for the
        # admin's list filters, search and date hierarchy, which stop at the first one they refuse
        for param in sorted(declared):
            for value in (HUGE, "a\x00b"):
                self.send("get", url, {param: value}, f"GET {url}?{param}={_show(value)}")

    def fuzz_post(self, path: str, form: _Form):
        base = dict(form.fields)
        base.update(dict(list(form.submits.items())[:1]))
        management = {n for n in form.fields if n.endswith(MANAGEMENT)}
        fuzzed = [n for n in form.fields if n != "csrfmiddlewaretoken" and n not in management]
        # Each junk value in every field at once (fields are cleaned one by one, and a form
        # with errors is shown again, which is where a bad id reaches the widgets).
        for value in JUNK:
            data = base | dict.fromkeys(fuzzed, value)
            self.send("post", path, data, f"POST {path} all={_show(value)}")
            self.relogin()
        # and per field alone, in a form the page filled in, for what only a valid form reaches
        # (the service, the database): the values that overflow or that PostgreSQL refuses
        for name in fuzzed:
            for value in _alone(name, base[name]):
                data = base | {name: value}
                self.send("post", path, data, f"POST {path} {name}={_show(value)}")
                self.relogin()
        for value in (HUGE, "abc", "-1"):
            data = base | dict.fromkeys(management, value)
            if management:
                self.send("post", path, data, f"POST {path} management={_show(value)}")
        for name in form.files:
            for upload in junk_files():
                data = base | {name: upload}
                self.send("post", path, data, f"POST {path} {name}=<{upload.name}>")

    def relogin(self):
        if self.relogin_after_post:
            self.login()


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


NAMES = sorted(MATRIX) + ADMIN_NAMES
# Pages that are no forms: logging out, the admin's JavaScript catalogue and redirects.
SKIP = {"account_logout", "admin:logout", "admin:jsi18n", "admin:view_on_site", "health"} | {
    n for n in ADMIN_NAMES if n.endswith(("_history", "_delete"))
}


@pytest.mark.parametrize("name", [n for n in NAMES if n not in SKIP])
def test_no_server_error_on_junk(client, region, rate_limits_reset, name):
    failures = []
    url = reverse(name, kwargs=_kwargs(name, region))
    account = name.startswith(("account_", "mfa_"))
    forget = rate_limits_reset if account else lambda: None
    for persona in _personas(name):
        # a password or e-mail form that succeeds may end the session
        fuzzer = Fuzzer(client, region, persona, forget, relogin_after_post=account)
        fuzzer.fuzz_page(url)
        failures += fuzzer.failures
    assert not failures, f"{len(failures)} server errors on {url}:\n" + "\n".join(failures)


def test_an_id_beyond_bigint_in_the_path_is_no_server_error(client, region):
    """Every id in the path beyond bigint: the object does not exist, whatever the view."""
    client.raise_request_exception = False
    failures = []
    for name in NAMES:
        if name not in SKIP:
            # each URL's objects in a savepoint of their own: the builders reuse names
            with transaction.atomic():
                failures += _with_huge_ids(client, region, name)
                transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


def _with_huge_ids(client, region, name) -> list[str]:
    kwargs = _kwargs(name, region)
    ids = {key for key, value in kwargs.items() if isinstance(value, int)}
    if not ids:
        return []
    url = reverse(name, kwargs=kwargs | dict.fromkeys(ids, 10**20))
    client.force_login(
        region.persona("platform_admin" if name.startswith("admin:") else "directie_a")
    )
    failures = []
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {url}: {response.status_code}")
    return failures
