#!/usr/bin/env bash
# Print `export` lines pointing the test suite at the real PostgreSQL and Redis of this
# machine (and at a pgvector PostgreSQL of its own, see below), starting them first if
# they are installed but stopped. Variables already set are kept. Prints nothing for a
# service that is not here: those tests then skip, and the rest of the suite runs on
# SQLite and in-process caches.
set -u

if [ -z "${PERSONAE_TEST_POSTGRES_URL:-}" ] && command -v pg_isready >/dev/null 2>&1; then
    if ! pg_isready -q -h 127.0.0.1 -p 5432 && command -v pg_ctlcluster >/dev/null 2>&1; then
        for version in $(ls /etc/postgresql 2>/dev/null); do
            pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
        done
        for _ in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    fi
    if pg_isready -q -h 127.0.0.1 -p 5432; then
        echo "export PERSONAE_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test"
    fi
fi

if [ -z "${PERSONAE_TEST_REDIS_URL:-}" ] && command -v redis-cli >/dev/null 2>&1; then
    if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1; then
        redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null 2>&1 || true
        for _ in 1 2 3 4 5; do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
    fi
    if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
        echo "export PERSONAE_TEST_REDIS_URL=redis://127.0.0.1:6379/0"
    fi
fi

# PostgreSQL 16 with pgvector for the vector-index tests: the machine's PostgreSQL has no
# pgvector, so the `pgserver` wheel (in .venv) runs one of its own in a data folder under
# /tmp, reached through its Unix socket. A running instance is reused (one pg_isready).
if [ -z "${PERSONAE_TEST_PGVECTOR_URL:-}" ]; then
    pgvector_dir="${PERSONAE_TEST_PGVECTOR_DIR:-/tmp/personae-pgvector}"
    pgvector_url="postgresql+psycopg://postgres@/postgres?host=${pgvector_dir}"
    venv_python="$(cd "$(dirname "$0")/.." && pwd)/.venv/bin/python"
    pgvector_ready() {
        if command -v pg_isready >/dev/null 2>&1; then
            pg_isready -q -h "$pgvector_dir" -p 5432
        else
            [ -S "$pgvector_dir/.s.PGSQL.5432" ]
        fi
    }
    # An instance started from a checkout since deleted still answers, but without its
    # extension files ("extension vector is not available"): stop it, and start anew.
    pgvector_pid="$(head -1 "$pgvector_dir/postmaster.pid" 2>/dev/null)"
    if [ -n "$pgvector_pid" ] \
        && readlink "/proc/$pgvector_pid/exe" 2>/dev/null | grep -q ' (deleted)$'; then
        kill "$pgvector_pid" 2>/dev/null
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pgvector_pid" 2>/dev/null || break; sleep 1; done
    fi
    if ! pgvector_ready && [ -x "$venv_python" ]; then
        "$venv_python" -c 'import sys, pgserver; pgserver.get_server(sys.argv[1], cleanup_mode=None)' \
            "$pgvector_dir" >/dev/null 2>&1 || true
    fi
    if pgvector_ready; then
        echo "export PERSONAE_TEST_PGVECTOR_URL='${pgvector_url}'"
    fi
fi
exit 0
