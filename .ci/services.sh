#!/usr/bin/env bash
# Starts the local PostgreSQL and Redis the test suites use, when they are not running,
# and makes sure the `test` database exists. Idempotent.
set -euo pipefail

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432
if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc "select 1 from pg_database where datname = 'test'" | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -d postgres -c 'create database test'
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi
echo "redis: $(redis-cli -h 127.0.0.1 -p 6379 ping)"

# The support web form's browser test (agents/wowsupport/test/web-form.test.ts) drives
# Debian's chromium through playwright-core; it is never skipped, so CI installs it when missing.
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium"
  as_root=""
  if [ "$(id -u)" -ne 0 ]; then as_root="sudo -n"; fi
  DEBIAN_FRONTEND=noninteractive $as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq chromium
fi
echo "chromium: $(chromium --version 2>/dev/null | tail -n 1)"

# The infra tests run Debian's real nginx (infra/nginx), promtool (infra/prometheus) and
# openssl (a certificate for nginx); they are never skipped, so CI installs what is missing.
# policy-rc.d keeps the packages from starting their daemons (nginx on :80, Prometheus on
# :9090): the tests start their own nginx, on free ports.
missing=""
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$missing nginx"
command -v promtool >/dev/null 2>&1 || missing="$missing prometheus"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
if [ -n "$missing" ]; then
  echo "installing$missing"
  as_root=""
  if [ "$(id -u)" -ne 0 ]; then as_root="sudo -n"; fi
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $as_root tee /usr/sbin/policy-rc.d >/dev/null
    $as_root chmod +x /usr/sbin/policy-rc.d
    trap '$as_root rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive $as_root apt-get update -qq
  # shellcheck disable=SC2086 # one word per package
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends $missing
fi
echo "nginx: $( (nginx -v || /usr/sbin/nginx -v) 2>&1 | tail -n 1)"
echo "promtool: $(promtool --version 2>&1 | head -n 1)"
