#!/usr/bin/env bash
# Installs the freshly built distribution into a private prefix with scripts/install and checks the
# result the way an operator would use it. Run by Maven in drbd-dist's integration-test phase.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/drbdj-install-XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "install-smoke: FAIL: $*" >&2; exit 1; }

mkdir -p "$work/etc/drbd.d"
echo "# operator's own" > "$work/etc/drbd.d/global_common.conf"
bash "$repo/scripts/install" --prefix "$work/usr" --etc "$work/etc" > "$work/install.log"

for f in usr/sbin/drbdadm usr/sbin/drbdd; do
    [ -x "$work/$f" ] || fail "$f missing or not executable"
done
[ -f "$work/etc/drbd.conf" ] || fail "example drbd.conf not installed"
[ -f "$work/etc/drbd.d/test.res" ] || fail "example test.res not installed"
grep -q "operator's own" "$work/etc/drbd.d/global_common.conf" || fail "existing global_common.conf was overwritten"
grep -q "kept existing $work/etc/drbd.d/global_common.conf" "$work/install.log" || fail "install did not report the kept file"
[ -s "$work/usr/lib/drbdj/lib/drbdadm.jsa" ] || fail "no CDS archive for the installed drbdadm"

"$work/usr/sbin/drbdadm" --version | grep -q "drbdadm (drbdj)" || fail "installed drbdadm --version"
out=$("$work/usr/sbin/drbdadm" -d primary test 2>&1) \
    || fail "installed drbdadm -d primary test: $out"
echo "install-smoke: ok (launchers, config examples kept/installed, CDS archive, drbdadm runs)"
