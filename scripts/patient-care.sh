#!/usr/bin/env bash
# Quick start: set everything up on a fresh Debian machine and run the patient-care example.
#   bash scripts/patient-care.sh [--patients N] [--days N] [--ehr-engine mysql|postgres] [--explain]
# Installs pnpm, the dependencies and the builds; starts MariaDB and PostgreSQL (installing them when
# absent, as root on Debian) and checks for moto_server; then runs the federated urgent-care query.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "12.4.2" ]; then
  npm i -g pnpm@12.4.2
fi
pnpm install --frozen-lockfile
pnpm build

mysql_up() { mysqladmin ping -h 127.0.0.1 -P "${MYSQL_PORT:-3306}" -u "${MYSQL_USER:-root}" --silent >/dev/null 2>&1; }
if ! mysql_up; then
  if ! command -v mariadbd >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server >/dev/null
  fi
  if command -v mariadbd >/dev/null 2>&1; then
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd 2>/dev/null || (mariadbd --user=root >/dev/null 2>&1 &)
    for _ in $(seq 1 30); do mysql_up && break; sleep 1; done
  fi
  mysql_up || { echo "MariaDB/MySQL is not reachable at 127.0.0.1:${MYSQL_PORT:-3306}: start it, or set MYSQL_HOST/MYSQL_PORT/MYSQL_USER/MYSQL_PASSWORD" >&2; exit 1; }
fi
# PostgreSQL: the example's --ehr-engine postgres and the test suite's PostgreSQL catalogs. A server
# this script installs trusts the postgres user from 127.0.0.1, as the tests expect of a dev machine.
pg_up() { pg_isready -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" -q 2>/dev/null; }
if ! pg_up; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    for hba in /etc/postgresql/*/main/pg_hba.conf; do
      sed -i '1i host all postgres 127.0.0.1/32 trust' "$hba"
    done
  fi
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    service postgresql start >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  fi
  pg_up || { echo "PostgreSQL is not reachable at ${PGHOST:-127.0.0.1}:${PGPORT:-5432}: start it, or set PGHOST/PGPORT/PGUSER/PGPASSWORD" >&2; exit 1; }
fi
if ! command -v moto_server >/dev/null 2>&1; then
  pip install 'moto[server]' >/dev/null 2>&1 || { echo "moto_server is missing: pip install 'moto[server]'" >&2; exit 1; }
fi

pnpm --filter @athena-federation/example-patient-care start "$@"
