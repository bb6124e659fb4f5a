#!/usr/bin/env bash
# Collect the source strings into the Dutch catalogue and compile it.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py makemessages -l nl_BE --no-location --no-obsolete \
  --ignore=.venv --ignore=var --ignore=tests --ignore=bench >/dev/null
.venv/bin/python manage.py compilemessages -l nl_BE --ignore=.venv >/dev/null
