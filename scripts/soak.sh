#!/bin/bash
# make soak: ROUNDS rounds of killing `boxbench run` at a random point (SIGKILL, SIGINT or
# SIGTERM of the harness, or SIGKILL of its workload / QEMU) over native, container and vm,
# then one normal run; asserts that nothing any of those harnesses made is left: no process,
# no instance cgroup, no scratch directory (nor the VM disk image in it), no mount.
# Prints what the kills left before the sweep and what was left after it.
set -u
BIN=${BIN:-build/boxbench}
ROUNDS=${1:-20}
out=$(mktemp -d /tmp/bb-soak-XXXXXX)
trap 'rm -rf "$out"' EXIT
pids=""
envs=$("$BIN" doctor --json 2>/dev/null | python3 -c '
import json,sys; d=json.load(sys.stdin)
print(" ".join(n for n,e in d["environments"].items() if e["available"] and n in ("native","container","vm")))')
echo "soak: $ROUNDS rounds over: $envs"

# State named for harness pid $1: instance cgroups and scratch directories.
state_of() {
	find /sys/fs/cgroup -maxdepth 8 -type d -name "boxbench-$1-*" 2>/dev/null
	ls -d /var/tmp/boxbench-scratch-"$1"-* 2>/dev/null
	grep -E "boxbench(-scratch)?-$1-" /proc/self/mountinfo
}
# Processes left by the soak's harnesses: each harness starts its own session (setsid), which
# its workloads, containers and VMMs inherit; other work on the machine is not counted.
orphans() {
	ps -e -o pid=,sid= | while read -r p s; do
		case " $pids " in *" $s "*) [ "$p" != "$s" ] && echo "$p" ;; esac
	done
}
descendants() {
	for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done
}

left_by_kill=0
declare -A what
for ((i = 1; i <= ROUNDS; i++)); do
	read -r -a pool <<<"$envs"
	env=${pool[$((RANDOM % ${#pool[@]}))]}
	kinds=(KILL KILL INT TERM WORKLOAD)
	kind=${kinds[$((RANDOM % 5))]}
	delay=$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.2 + (r % 300) / 100 }')
	[ "$env" = vm ] && delay=$(awk -v d="$delay" 'BEGIN { printf "%.2f", d * 2 }')
	setsid "$BIN" run --envs "$env" --suites startup,io --quick --reps 20 --warmup 0 \
		-o "$out/r$i.json" >/dev/null 2>"$out/e$i" &
	h=$!
	pids="$pids $h"
	sleep "$delay"
	if [ "$kind" = WORKLOAD ]; then
		victim=$(descendants "$h" | tail -1)
		[ -n "$victim" ] && kill -KILL "$victim" 2>/dev/null
		sleep 0.5
		kill -KILL "$h" 2>/dev/null
	else
		kill -"$kind" "$h" 2>/dev/null
	fi
	wait "$h" 2>/dev/null
	rc=$?
	# A workload killed by PR_SET_PDEATHSIG in the middle of an fsync dies when the I/O
	# ends: give it up to 10 s before calling it left behind.
	for ((t = 0; t < 50; t++)); do
		o=$(orphans | wc -l)
		[ "$o" -eq 0 ] && break
		sleep 0.2
	done
	n=$(state_of "$h" | wc -l)
	left_by_kill=$((left_by_kill + n))
	what[$kind]=$((${what[$kind]:-0} + 1))
	echo "soak: round $i: $env, $kind after ${delay}s: exit $rc, left $n piece(s) of state, $o orphan process(es)"
	[ "$o" -eq 0 ] || { echo "soak: FAILED: orphans: $(orphans)"; exit 1; }
done
echo "soak: the kills left $left_by_kill piece(s) of state; one normal run sweeps them"
"$BIN" run --envs native --reps 1 --warmup 0 -o "$out/final.json" >/dev/null 2>"$out/final.err"
# Each run sweeps at its start: round i+1 removed what round i left, the last run the rest.
swept=$(cat "$out"/e* "$out/final.err" | grep -c "swept stale")
echo "soak: swept by the runs' own sweeps: $swept piece(s) (cgroups by name, scratch directories)"
left=0
for h in $pids; do left=$((left + $(state_of "$h" | wc -l))); done
o=$(orphans | wc -l)
echo "soak: after: $left piece(s) of state (cgroups, scratch directories, mounts) of the $ROUNDS harnesses, $o orphan process(es)"
[ "$left" -eq 0 ] && [ "$o" -eq 0 ] || { echo "soak: FAILED"; exit 1; }
echo "soak: passed"
