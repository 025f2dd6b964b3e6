#!/bin/sh
# The Debian package end to end (as root; `make test-deb`): install it with dpkg -i, check the
# man page and `boxbench doctor`, run native, container and vm startup, validate the result
# against the installed schema, then remove and purge it and check that none of its files, nor
# what a run makes beside them, is left. Usage: test-deb.sh PACKAGE.deb
set -eu
deb=${1:?usage: test-deb.sh PACKAGE.deb}
out=$(mktemp -d /tmp/boxbench-deb-test.XXXXXX)
trap 'rm -rf "$out"' EXIT
step() { echo "test-deb: $*" >&2; }

if dpkg -s boxbench >/dev/null 2>&1; then
	echo "test-deb: boxbench is already installed here; not touching it" >&2
	exit 2
fi
step "dpkg -i $deb"
dpkg -i "$deb" >"$out/dpkg.log" 2>&1 || { cat "$out/dpkg.log"; exit 1; }
dpkg -L boxbench >"$out/files"
ok=0
(
	set -e
	step "man boxbench"
	MANWIDTH=100 man boxbench | grep -q -- '--vm-accel'
	step "boxbench doctor"
	boxbench doctor >"$out/doctor.txt"
	step "boxbench run --envs native,container,vm --suites startup --reps 2 --warmup 0"
	cd "$out"
	boxbench run --envs native,container,vm --suites startup --reps 2 --warmup 0 \
		-o "$out/x.json" >"$out/run.txt"
	for env in native container vm; do
		grep -q "^$env  *ready " "$out/run.txt" || { echo "no $env ready row" >&2; exit 1; }
	done
	/usr/share/boxbench/validate-result.sh "$out/x.json"
) && ok=1
step "dpkg -r; dpkg -P"
dpkg -r boxbench >>"$out/dpkg.log" 2>&1
dpkg -P boxbench >>"$out/dpkg.log" 2>&1
left=$(while read -r f; do
	case "$f" in /. | /usr | /usr/bin | /usr/share | /usr/libexec | /usr/share/man | \
		/usr/share/man/man1 | /usr/share/doc | /usr/share/bash-completion | \
		/usr/share/bash-completion/completions) continue ;; esac
	if [ -e "$f" ]; then echo "$f"; fi
done <"$out/files")
[ -z "$left" ] || { echo "test-deb: left behind:" $left >&2; exit 1; }
[ "$ok" = 1 ] || { cat "$out/run.txt" 2>/dev/null; echo "test-deb: FAILED" >&2; exit 1; }
step "installed, ran native, container and vm, removed: nothing left"
cat "$out/run.txt"
