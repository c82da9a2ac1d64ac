#!/usr/bin/env bash
# Backup and restore, exercised end to end on PostgreSQL:
#   1. a scratch database gets the schema and the demo data (seed_demo),
#   2. pg_dump takes a custom-format backup of it,
#   3. pg_restore loads the backup into a fresh database owned by the app role,
#   4. the restored database passes `manage.py verify_audit` (the hash chain is intact) and
#      every table holds exactly as many rows as in the original.
# Backups are taken by a role that bypasses row-level security (here the superuser): the app
# role is under FORCE ROW LEVEL SECURITY and would dump no tenant's rows.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_ADMIN=${PG_ADMIN:-root}
APP_ROLE=${APP_ROLE:-kaoping}
SRC=kaoping_backup_source
DST=kaoping_backup_restored
DUMP=$(mktemp -d)/kaoping.dump
admin() { psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_ADMIN" -d postgres -v ON_ERROR_STOP=1 -qtAc "$1"; }
app_url() { echo "postgres://${APP_ROLE}:${APP_ROLE}@${PG_HOST}:${PG_PORT}/$1"; }

for db in "$SRC" "$DST"; do admin "DROP DATABASE IF EXISTS $db"; done
admin "CREATE DATABASE $SRC OWNER $APP_ROLE"

echo "== seeding $SRC"
env -u REDIS_URL DATABASE_URL="$(app_url $SRC)" DJANGO_SETTINGS_MODULE=config.settings.local \
  .venv/bin/python manage.py migrate --noinput -v 0
env -u REDIS_URL DATABASE_URL="$(app_url $SRC)" DJANGO_SETTINGS_MODULE=config.settings.local \
  .venv/bin/python manage.py seed_demo >/dev/null

echo "== pg_dump $SRC"
pg_dump -h "$PG_HOST" -p "$PG_PORT" -U "$PG_ADMIN" --format=custom --file="$DUMP" "$SRC"
ls -l "$DUMP"

echo "== pg_restore into $DST"
admin "CREATE DATABASE $DST OWNER $APP_ROLE"
pg_restore -h "$PG_HOST" -p "$PG_PORT" -U "$PG_ADMIN" --dbname="$DST" --no-owner --role="$APP_ROLE" \
  --exit-on-error "$DUMP"

echo "== verify_audit on the restored database"
env -u REDIS_URL DATABASE_URL="$(app_url $DST)" DJANGO_SETTINGS_MODULE=config.settings.local \
  .venv/bin/python manage.py verify_audit

echo "== row counts, table by table"
counts() {
  psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_ADMIN" -d "$1" -qtA -v ON_ERROR_STOP=1 <<'SQL'
SELECT format('SELECT %L || '' '' || count(*) FROM %I.%I;', c.relname, n.nspname, c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY c.relname
\gexec
SQL
}
counts "$SRC" > "$DUMP.src"
counts "$DST" > "$DUMP.dst"
tables=$(wc -l < "$DUMP.src")
rows=$(awk '{s += $2} END {print s}' "$DUMP.src")
if ! diff -u "$DUMP.src" "$DUMP.dst"; then
  echo "the restored database differs from the original"; exit 1
fi
# Row-level security survives the restore: the app role sees no row without a tenant.
forced=$(psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_ADMIN" -d "$DST" -qtAc \
  "SELECT count(*) FROM pg_class WHERE relforcerowsecurity AND relrowsecurity")
echo "restored $tables tables, $rows rows, identical counts; $forced tables under FORCE ROW LEVEL SECURITY"
for db in "$SRC" "$DST"; do admin "DROP DATABASE IF EXISTS $db"; done
rm -rf "$(dirname "$DUMP")"
