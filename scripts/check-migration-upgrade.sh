#!/usr/bin/env bash
# Proves an upgrade loses nothing: a PostgreSQL database migrated to the base revision and loaded
# with the demo region migrates to this tree's head with every row intact, and afterwards
# makemigrations --check is clean and migrate has nothing left to apply.
#
#   scripts/check-migration-upgrade.sh [BASE]      (or MIGRATION_BASE=<rev>; default below)
#
# Environment: DATABASE_URL names the server (its database name only gives the scratch database
# its name: <name>_upgrade_check, or UPGRADE_CHECK_DATABASE); UPGRADE_CHECK_PYTHON, the interpreter
# with the locked dependencies (default .venv/bin/python), runs both trees; UPGRADE_CHECK_KEEP_DB=1
# keeps the scratch database after a pass (after a failure it is always kept, for a look).
# The base tree runs with this tree's interpreter, so its migrations and load_demo must still
# import with today's locked dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
SECONDS=0

# The revision a real database is on. Bump it to the previous release (tag or commit) whenever
# one ships; until the first release it is the commit before the apps were restructured.
DEFAULT_BASE=c9db159
base=${1:-${MIGRATION_BASE:-$DEFAULT_BASE}}

# Tables that may disappear between the base and this tree, each with its reason. One entry a
# line, "<table> <reason>"; also "<table>.<column> <reason>" for a column, "<sequence> <reason>"
# for a sequence and "ct:<app_label>.<model> <reason>" for a content type.
ALLOW_GONE=(
)
# Tables renamed between the base and this tree, compared under their new name:
# "<old_table>=<new_table> <reason>".
RENAMED=(
)

PY=${UPGRADE_CHECK_PYTHON:-$repo/.venv/bin/python}
[ -x "$PY" ] || { echo "No interpreter at $PY: run make setup, or set UPGRADE_CHECK_PYTHON." >&2; exit 1; }
helper=$repo/scripts/table_fingerprint.py
server_url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/}
server_db=$("$PY" -c 'import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).path.strip("/"))' "$server_url")
check_db=${UPGRADE_CHECK_DATABASE:-${server_db:-samenwerking}_upgrade_check}
# The scratch database is dropped first: never let that be a database someone works with.
case $check_db in
  *_upgrade_check) ;;
  *) echo "UPGRADE_CHECK_DATABASE must end in _upgrade_check (it is dropped): $check_db" >&2; exit 1 ;;
esac

base_commit=$(git rev-parse --verify --quiet "$base^{commit}") || {
  echo "Base revision '$base' is not in this clone (a shallow CI checkout? git fetch --unshallow)." >&2
  exit 1
}

tmp=$(mktemp -d -t migration-upgrade.XXXXXX)
old=$tmp/base
passed=
models_base= models_head=
cleanup() {
  for pid in $models_base $models_head; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  git -C "$repo" worktree remove --force "$old" >/dev/null 2>&1 || true
  git -C "$repo" worktree prune >/dev/null 2>&1 || true
  rm -rf "$tmp"
  if [ -z "$passed" ]; then
    echo "== upgrade check FAILED (base $base)" >&2
  fi
  if [ -n "$passed" ] && [ -z "${UPGRADE_CHECK_KEEP_DB:-}" ]; then
    "$PY" "$helper" drop-db "$server_url" "$check_db" || true
  elif [ -n "${check_url:-}" ]; then
    echo "The scratch database is kept for a look: $check_url" >&2
  fi
}
trap cleanup EXIT

echo "== base revision $(git log -1 --format='%h %s' "$base_commit")"
git worktree add --detach --quiet "$old" "$base_commit"

echo "== scratch database $check_db"
check_url=$("$PY" "$helper" recreate-db "$server_url" "$check_db")

# Both trees run the demo settings on PostgreSQL: MFA stays required (it may only be off on the
# embedded SQLite demo), Celery runs eagerly, files go to a folder of the run.
django() {
  local tree=$1
  shift
  (cd "$tree" && env DJANGO_SETTINGS_MODULE=samenwerking.settings.dev \
    DATABASE_URL="$check_url" SAMENWERKING_REQUIRE_MFA=true \
    REDIS_URL=redis://127.0.0.1:6379/5 CACHE_KEY_PREFIX=samenwerking-upgrade-check \
    CELERY_TASK_ALWAYS_EAGER=true MEDIA_ROOT="$tmp/media" LOG_LEVEL=WARNING \
    EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend \
    "$@")
}

# The model lists of both trees (for the content type check) load meanwhile: they need no database.
django "$old" "$PY" "$helper" models "$old" "$tmp/models-base.json" &
models_base=$!
django "$repo" "$PY" "$helper" models "$repo" "$tmp/models-head.json" &
models_head=$!

echo "== base: migrate"
django "$old" "$PY" manage.py migrate --noinput -v0
echo "== base: load_demo"
django "$old" "$PY" manage.py load_demo --quiet

echo "== fingerprint of every table at the base"
"$PY" "$helper" snapshot "$check_url" "$tmp/before.json"

echo "== this tree: migrate"
django "$repo" "$PY" manage.py migrate --noinput >"$tmp/migrate.log"
grep -E '^  Applying' "$tmp/migrate.log" || echo "  (nothing to apply)"

echo "== every row of the base is still there"
wait "$models_base"
wait "$models_head"
args=()
for entry in "${ALLOW_GONE[@]}"; do args+=(--allow-gone "$entry"); done
for entry in "${RENAMED[@]}"; do args+=(--renamed "$entry"); done
"$PY" "$helper" compare "$tmp/before.json" "$check_url" \
  --old-models "$tmp/models-base.json" --new-models "$tmp/models-head.json" "${args[@]}"

echo "== migrations match the models, on the upgraded database"
django "$repo" "$PY" manage.py makemigrations --check --dry-run

echo "== nothing left to apply"
plan=$(django "$repo" "$PY" manage.py migrate --plan)
if ! grep -q "No planned migration operations" <<<"$plan"; then
  echo "$plan" >&2
  echo "migrate still has operations to apply after the upgrade." >&2
  exit 1
fi
echo "  No planned migration operations."

passed=1
echo "== upgrade from $(git rev-parse --short "$base_commit") keeps every row (${SECONDS}s)"
