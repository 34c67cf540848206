#!/usr/bin/env bash
# Installs the freshly built distribution into a private prefix with scripts/install and checks the
# result the way an operator would use it. Run by Maven in drbd-dist's integration-test phase.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/drbdj-install-XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "install-smoke: FAIL: $*" >&2; exit 1; }

mkdir -p "$work/etc/drbd.d"
printf '# operator\x27s own\nglobal { usage-count no; }\n' > "$work/etc/drbd.d/global_common.conf"
bash "$repo/scripts/install" --prefix "$work/usr" --etc "$work/etc" > "$work/install.log"

for f in usr/sbin/drbdadm usr/sbin/drbdd; do
    [ -x "$work/$f" ] || fail "$f missing or not executable"
done
[ -f "$work/etc/drbd.conf" ] || fail "example drbd.conf not installed"
[ -f "$work/etc/drbd.d/test.res" ] || fail "example test.res not installed"
grep -q "operator's own" "$work/etc/drbd.d/global_common.conf" || fail "existing global_common.conf was overwritten"
grep -q "kept existing $work/etc/drbd.d/global_common.conf" "$work/install.log" || fail "install did not report the kept file"
[ -s "$work/usr/lib/drbdj/lib/drbdadm.jsa" ] || fail "no CDS archive for the installed drbdadm"
# The installed drbdadm really maps it: drbdj's classes come from the archive.
shared=$(DRBDADM_JAVA_OPTS=-Xlog:class+load "$work/usr/sbin/drbdadm" -c "$work/etc/drbd.conf" --node-name node1 \
    dump test 2>&1 | grep -c 'org\.drbdj\.[^ ]* source: shared objects file' || true)
[ "$shared" -gt 50 ] || fail "the installed drbdadm loaded only $shared drbdj classes from its CDS archive"

"$work/usr/sbin/drbdadm" --version | grep -q "drbdadm (drbdj)" || fail "installed drbdadm --version"
out=$("$work/usr/sbin/drbdadm" -c "$work/etc/drbd.conf" --node-name node1 dump test 2>&1) \
    || fail "installed drbdadm dump test: $out"
grep -q "^resource test {" <<<"$out" || fail "dump test did not print the resource: $out"
grep -q "address *ipv4 172.16.0.3:7789" <<<"$out" || fail "dump test lacks node1's address: $out"

# The installed drbdd runs, answers drbdadm, logs to the file --log-file names, and stops on SIGTERM.
run="$work/run"
"$work/usr/sbin/drbdd" --run-dir "$run" --device none --log-file "$work/log/drbdd.log" > "$work/drbdd.out" 2>&1 &
daemon=$!
for _ in $(seq 150); do
    DRBD_RUN_DIR=$run "$work/usr/sbin/drbdadm" status > /dev/null 2>&1 && break
    kill -0 $daemon 2>/dev/null || fail "drbdd died: $(cat "$work/drbdd.out")"
    sleep 0.1
done
DRBD_RUN_DIR=$run "$work/usr/sbin/drbdadm" status > /dev/null || fail "drbdd did not answer within 15 s"
kill -TERM $daemon
rc=0; wait $daemon || rc=$?
[ $rc -eq 143 ] || fail "drbdd exited with $rc on SIGTERM (a clean stop is 143, the unit's SuccessExitStatus)"
grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+ INFO .*drbdd ready' "$work/log/drbdd.log" \
    || fail "no timestamped 'drbdd ready' in the --log-file file: $(cat "$work/log/drbdd.log" 2>&1)"
grep -q "drbdd stopped" "$work/log/drbdd.log" || fail "no 'drbdd stopped' in the log file"
grep -q "drbdd ready" "$work/drbdd.out" || fail "drbdd no longer logs to stdout with --log-file"
echo "install-smoke: ok (launchers, config examples kept/installed, CDS archive, drbdadm runs, drbdd runs and logs to a file)"
