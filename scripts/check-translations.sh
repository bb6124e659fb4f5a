#!/usr/bin/env bash
# Fails when a source string lacks a Dutch translation, or when the compiled catalogue is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
po=locale/nl_BE/LC_MESSAGES/django.po
tmp=$(mktemp -d)
cp "$po" "$tmp/committed.po"
trap 'cp "$tmp/committed.po" "$po"; rm -rf "$tmp"' EXIT

# Collect the source strings afresh, as a developer would, and count what lacks Dutch.
.venv/bin/python manage.py makemessages -l nl_BE --no-location --no-obsolete \
  --ignore=.venv --ignore=var --ignore=tests --ignore=bench >/dev/null
stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$po" 2>&1)
echo "nl_BE: $stats"
if echo "$stats" | grep -Eq "fuzzy|untranslated"; then
  echo "Some source strings have no (or only a fuzzy) Dutch translation:" >&2
  msgattrib --untranslated "$po" | grep '^msgid' | head -40 >&2 || true
  msgattrib --only-fuzzy "$po" | grep '^msgid' | head -40 >&2 || true
  exit 1
fi
if ! diff -q <(grep -v POT-Creation-Date "$po") <(grep -v POT-Creation-Date "$tmp/committed.po") >/dev/null; then
  echo "$po is out of date: run manage.py makemessages -l nl_BE --no-location --no-obsolete" >&2
  exit 1
fi
# The compiled catalogue holds exactly what the committed .po says.
msgfmt --check -o "$tmp/django.mo" "$tmp/committed.po"
cmp -s "$tmp/django.mo" locale/nl_BE/LC_MESSAGES/django.mo || {
  echo "locale/nl_BE/LC_MESSAGES/django.mo is stale: run manage.py compilemessages" >&2
  exit 1
}
# Our Dutch for allauth's and Django's strings (kept by hand, not by makemessages): it compiles
# without errors and its compiled catalogue is up to date.
third=locale/thirdparty/nl_BE/LC_MESSAGES
msgfmt --check -o "$tmp/thirdparty.mo" "$third/django.po"
cmp -s "$tmp/thirdparty.mo" "$third/django.mo" || {
  echo "$third/django.mo is stale: run manage.py compilemessages" >&2
  exit 1
}
if LC_ALL=C msgfmt --statistics -o /dev/null "$third/django.po" 2>&1 | grep -Eq "fuzzy|untranslated"; then
  echo "$third/django.po has an entry without Dutch" >&2
  exit 1
fi
