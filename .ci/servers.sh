#!/usr/bin/env bash
# Starts Debian's PostgreSQL and Redis for the tests of the scaled-out mode (store contract
# suite, verification queue, distributed end-to-end) and prints the environment they read:
# `eval "$(.ci/servers.sh)"`.
# Needs root (CI runs as root). Safe to run again: an installed cluster, a running server and an
# existing role are left as they are.
set -euo pipefail

missing=()
command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

# Debian's package creates the cluster (<version> main) when it is installed; an image that
# dropped it gets a new one.
cluster=$(pg_lsclusters -h | awk 'NR == 1 { print $1 " " $2 }')
if [ -z "$cluster" ]; then
  version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  pg_createcluster "$version" main >&2
  cluster="$version main"
fi
# shellcheck disable=SC2086
pg_ctlcluster $cluster status >/dev/null 2>&1 || pg_ctlcluster $cluster start >&2
port=$(pg_lsclusters -h | awk -v c="$cluster" '$1 " " $2 == c { print $3 }')

role=livecheck_test
password=livecheck_test
su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -qtA" >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
    CREATE ROLE $role LOGIN CREATEDB PASSWORD '$password';
  END IF;
END \$\$;
SQL

# Redis as a throwaway cache: no snapshots, no append-only file.
redis_port=6379
redis-cli -p $redis_port ping >/dev/null 2>&1 || redis-server --port $redis_port --bind 127.0.0.1 --save '' --appendonly no --daemonize yes >&2
for _ in $(seq 50); do redis-cli -p $redis_port ping >/dev/null 2>&1 && break; sleep 0.1; done

echo "export LIVECHECK_TEST_REDIS_URL=redis://127.0.0.1:$redis_port"
echo "export LIVECHECK_TEST_POSTGRES_URL=postgres://$role:$password@127.0.0.1:$port/postgres"
# The suites that need the servers fail instead of skipping when a URL is missing.
echo "export LIVECHECK_TEST_REQUIRE_SERVERS=1"
