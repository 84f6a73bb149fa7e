"""Backup and restore with PostgreSQL's own tools, as docs/operations.md tells: pg_dump of a
database with the demo data, pg_restore into a fresh database, and every row of every table
found again, identical.

Needs the PostgreSQL server at 127.0.0.1:5432 (user postgres, trust auth; PGHOST and friends
override). CI sets REQUIRE_POSTGRES=1, so there it fails when the server is missing; on a
machine without PostgreSQL it is skipped and says why.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVER = {
    "host": os.environ.get("PGHOST", "127.0.0.1"),
    "port": os.environ.get("PGPORT", "5432"),
    "user": os.environ.get("PGUSER", "postgres"),
}


def url(name):
    return f"postgres://{SERVER['user']}@{SERVER['host']}:{SERVER['port']}/{name}"


def admin_connection():
    connection = psycopg2.connect(dbname="postgres", connect_timeout=5, **SERVER)
    connection.autocommit = True
    return connection


@pytest.fixture
def databases():
    try:
        admin = admin_connection()
    except psycopg2.OperationalError as error:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is needed for the backup test: {error}")
        pytest.skip(f"no PostgreSQL server for the backup test: {error}")
    suffix = secrets.token_hex(4)
    names = (f"mrplan_backup_{suffix}", f"mrplan_restored_{suffix}")
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{names[0]}"')
    try:
        yield names
    finally:
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def manage(*args, database):
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")},
        "SECRET_KEY": "backup-test",
        "DATABASE_URL": url(database),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def fingerprint(database):
    """Per table of the database: its row count and a digest of all its rows in key order."""
    with psycopg2.connect(dbname=database, **SERVER) as connection:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
            tables = [row[0] for row in cursor.fetchall()]
            prints = {}
            for table in tables:
                cursor.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(t::text, chr(10) "
                    f"ORDER BY t::text), '')) FROM \"{table}\" t"
                )
                prints[table] = cursor.fetchone()
    return prints


def test_a_dump_restores_into_a_fresh_database_with_every_row_intact(databases, tmp_path):
    source, restored = databases
    manage("migrate", "--no-input", database=source)
    manage("load_demo", "--on-production", database=source)
    before = fingerprint(source)
    for table in ("goals_plan", "goals_statusentry", "goals_historyrecord", "auth_user"):
        assert before[table][0] > 0, table

    dump = tmp_path / "mrplan.dump"
    env = {**os.environ, "PGHOST": SERVER["host"], "PGPORT": SERVER["port"]}
    for command in (
        ["pg_dump", "--format=custom", "--no-owner", f"--dbname={url(source)}",
         f"--file={dump}"],
        ["createdb", f"--username={SERVER['user']}", restored],
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={url(restored)}",
         str(dump)],
    ):  # fmt: skip
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, (command[0], result.stderr)

    after = fingerprint(restored)
    assert after == before
    # The restored database is complete for the app: no migration is missing, and it reads.
    manage("migrate", "--check", database=restored)
    counts = manage(
        "shell",
        "-c",
        "from goals.models import Plan, StatusEntry, HistoryRecord; "
        "print(Plan.objects.count(), StatusEntry.objects.count(), HistoryRecord.objects.count())",
        database=restored,
    )
    assert counts.split()[-3:] == [
        str(before["goals_plan"][0]),
        str(before["goals_statusentry"][0]),
        str(before["goals_historyrecord"][0]),
    ]
