#!/bin/sh
# Run every test program given: unit tests first (fast), integration tests
# (test_integration_*) last. Prints a total; fails if any test program fails.
set -u
pass=0
fail=0
failed=""
run() {
	echo "== $1"
	if "$1"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $1"
	fi
}
for t in "$@"; do case "$t" in *test_integration_*) ;; *) run "$t" ;; esac; done
for t in "$@"; do case "$t" in *test_integration_*) run "$t" ;; esac; done
echo
echo "test programs: $pass passed, $fail failed"
[ -z "$failed" ] || { echo "failed:$failed"; exit 1; }
