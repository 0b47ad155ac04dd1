#!/usr/bin/env bash
# Print `export` lines pointing the test suite at the real PostgreSQL and Redis of this
# machine, starting them first if they are installed but stopped. Variables already set
# are kept. Prints nothing for a service that is not here: those tests then skip, and the
# rest of the suite runs on SQLite and in-process caches.
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
exit 0
