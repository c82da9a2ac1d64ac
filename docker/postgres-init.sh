#!/bin/sh
# Runs once, when the postgres container initialises an empty data directory.
# The app gets its own role: not a superuser, no BYPASSRLS, owner of the app database, so
# row-level security applies to every query it makes.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE kaoping_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE PASSWORD '${APP_DB_PASSWORD}';
ALTER DATABASE "${POSTGRES_DB}" OWNER TO kaoping_app;
ALTER SCHEMA public OWNER TO kaoping_app;
SQL
