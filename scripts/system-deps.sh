#!/usr/bin/env bash
# The Debian packages the test layers and the demo need, checked in one place for `.ci/run`,
# `npm test` (test/run-all.js) and `npm run demo` (test/e2e/demo.js):
#
#   scripts/system-deps.sh test   chromium (the browser tests drive it), libkrb5-dev and
#                                 ripgrep (code-server's install), build-essential + python3
#                                 (code-server's native modules)
#   scripts/system-deps.sh demo   the same without chromium (you bring your own browser)
#
# All present: prints nothing, exit 0. Something missing: as root with apt-get, installs it and
# says so; otherwise prints what is missing and the apt-get line to run, exit 1.
# PW_SYSDEPS_NO_INSTALL=1 never installs (stop with the message); PW_SYSDEPS_DRY_RUN=1 prints
# the apt-get commands instead of running them. PW_CHROMIUM names another Chromium binary.
set -euo pipefail

purpose="${1:-test}"
case "$purpose" in test|demo) ;; *) echo "usage: $0 test|demo" >&2; exit 2 ;; esac

missing=()   # Debian package names
why=()       # one line per missing package
need() { missing+=("$1"); why+=("  - $1: $2"); }

if [ "$purpose" = test ] && [ ! -x "${PW_CHROMIUM:-/usr/bin/chromium}" ]; then
  need chromium "${PW_CHROMIUM:-/usr/bin/chromium} not found (the browser tests drive it)"
fi
if [ ! -e /usr/include/gssapi/gssapi.h ] && [ ! -e /usr/include/gssapi.h ]; then
  need libkrb5-dev "gssapi.h not found (code-server's kerberos module builds against it)"
fi
command -v rg >/dev/null 2>&1 || need ripgrep "rg not found (stands in for code-server's ripgrep download)"
if ! command -v make >/dev/null 2>&1 || ! command -v g++ >/dev/null 2>&1; then
  need build-essential "make/g++ not found (code-server's native modules are compiled)"
fi
command -v python3 >/dev/null 2>&1 || need python3 "python3 not found (node-gyp runs it)"

[ ${#missing[@]} -eq 0 ] && exit 0

apt_line="apt-get install -y ${missing[*]}"
if [ "${PW_SYSDEPS_NO_INSTALL:-}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[system-deps] missing for $purpose:"
  printf '%s\n' "${why[@]}"
  echo "[system-deps] running as root with apt-get: installing them ($apt_line)"
  if [ "${PW_SYSDEPS_DRY_RUN:-}" = 1 ]; then
    echo "[system-deps] dry run: apt-get update -q && DEBIAN_FRONTEND=noninteractive $apt_line"
    exit 0
  fi
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Dpkg::Use-Pty=0 "${missing[@]}" </dev/null
  echo "[system-deps] installed: ${missing[*]}"
  exit 0
fi

echo "[system-deps] cannot go on: $purpose needs Debian packages that are not installed:" >&2
printf '%s\n' "${why[@]}" >&2
echo "[system-deps] install them (as root) with: apt-get update && $apt_line" >&2
exit 1
