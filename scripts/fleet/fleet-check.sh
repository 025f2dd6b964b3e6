#!/bin/bash
# make fleet-check: the fleet playbook for real against two local test hosts, over SSH.
#
# Each test host is a network namespace joined to this machine by a veth pair (10.231.1.0/24,
# 10.231.2.0/24) with its own UTS namespace (hostnames fleet-a, fleet-b), running Debian's
# sshd on its own address with host keys and a client key made for the test in a temporary
# directory (nothing of the system's ssh configuration is used or changed). The hosts share
# this machine's file system, so each has its own working directory there.
#   1. both hosts at once: the merged result holds both, ok, their runs overlapped, and the
#      report settles claims on each;
#   2. fleet-b's sshd is killed (SIGKILL) while its run is going: the merged result and the
#      report hold fleet-a ok and fleet-b unreachable, with the reason;
#   3. fleet-b comes back and only it is re-run (--retry): the merged result holds both;
#   4. one host at a time (--serial), both runs failing: both failed, with boxbench's words;
#   5. a run past its time limit: timeout, and the run stopped.
# Everything is torn down on every path (namespaces, veths, addresses, sshds and every process
# of the test hosts, keys, temporary files), and checked: anything left fails the check.
# Last line: "fleet-check: 2 hosts merged into FILE". Environment: BOXBENCH, TARBALL (as
# fleet.sh), FLEET_CHECK_ARGS (the run's arguments).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
export BOXBENCH=${BOXBENCH:-$top/build/boxbench}
export TARBALL=${TARBALL:-$top/build/fleet/boxbench-src.tar.gz}
# A short run keeps the check near two minutes: two boxes, three quick suites, enough for the
# report to settle claims on each host (C2 limits, C3 isolation).
run_args=${FLEET_CHECK_ARGS:---envs native,container --suites startup,isolation,limits --quick}

logs=$top/build/fleet/check # each case's fleet.sh output, kept after the check
tag=bbf$$ # names of this check's namespaces and links (at most 15 characters)
names=(fleet-a fleet-b)
t0=$SECONDS
tmp="" made_run_sshd=0 fleet_pid=""
had_dot_ansible=0
[ ! -e "$HOME/.ansible" ] || had_dot_ansible=1
declare -A sshd_pid=()

say() { echo "fleet-check: $*" >&2; }
fail() {
	say "FAIL: $*"
	exit 1
}
ns_of() { echo "${tag}${1#fleet-}"; } # fleet-a -> bbf123a
net_of() { [ "$1" = fleet-a ] && echo 1 || echo 2; }

# Stop every process of a test host: all that live in its network namespace (its sshd, the
# sessions Ansible opened, a boxbench run left going by a lost connection: SIGTERM lets it
# clean up its boxes), SIGKILL after 20 s.
host_stop() {
	local ns pids i
	ns=$(ns_of "$1")
	[ -e "/run/netns/$ns" ] || return 0
	pids=$(ip netns pids "$ns" 2>/dev/null || true)
	[ -n "$pids" ] || return 0
	kill -TERM $pids 2>/dev/null || true
	for i in $(seq 100); do
		pids=$(ip netns pids "$ns" 2>/dev/null || true)
		[ -n "$pids" ] || return 0
		sleep 0.2
	done
	say "$1: SIGKILL to what did not stop: $pids"
	kill -KILL $pids 2>/dev/null || true
	sleep 0.5
}

teardown() {
	local rc=$? n ns left=""
	trap - EXIT INT TERM
	set +e
	if [ -n "$fleet_pid" ] && kill -0 "$fleet_pid" 2>/dev/null; then
		kill -TERM "$fleet_pid"
		wait "$fleet_pid"
	fi
	# Ansible's SSH connection masters (ControlPersist) end with their control sockets.
	for s in "$tmp"/cp/*; do
		[ -S "$s" ] && ssh -o ControlPath="$s" -O exit fleet-check >/dev/null 2>&1
	done
	for n in "${names[@]}"; do
		host_stop "$n"
		ns=$(ns_of "$n")
		ip link del "${ns}0" 2>/dev/null
		[ -e "/run/netns/$ns" ] && ip netns del "$ns"
	done
	[ $made_run_sshd -eq 0 ] || rmdir /run/sshd 2>/dev/null
	for n in "${names[@]}"; do
		[ -f "$tmp/$n/sshd.log" ] && cp "$tmp/$n/sshd.log" "$logs/sshd-$n.log"
	done
	[ -z "$tmp" ] || rm -rf "$tmp"

	# Check that nothing is left.
	ip netns list | grep -q "^$tag" && left="$left namespaces($(ip netns list | grep "^$tag" | tr '\n' ' '))"
	ip -o link | grep -q ": $tag" && left="$left links"
	ip -o addr | grep -qE ' 10\.231\.[12]\.' && left="$left addresses"
	for n in "${!sshd_pid[@]}"; do
		kill -0 "${sshd_pid[$n]}" 2>/dev/null && left="$left sshd($n:${sshd_pid[$n]})"
	done
	if [ $had_dot_ansible -eq 0 ] && [ -e "$HOME/.ansible" ]; then left="$left $HOME/.ansible"; fi
	if [ -n "$tmp" ]; then
		[ -e "$tmp" ] && left="$left $tmp"
		ps -eo pid=,args= | grep -F "$tmp" | grep -v grep >/dev/null && left="$left processes"
	fi
	if [ -n "$left" ]; then
		say "FAIL: left behind:$left"
		rc=1
	fi
	exit $rc
}
trap teardown EXIT
trap 'exit 130' INT TERM

host_start() { # NAME: a network namespace, its veth, and its own sshd in its own UTS namespace
	local name=$1 ns i dir
	ns=$(ns_of "$name")
	i=$(net_of "$name")
	dir=$tmp/$name
	if [ ! -e "/run/netns/$ns" ]; then
		ip netns add "$ns"
		ip link add "${ns}0" type veth peer name "${ns}1" netns "$ns"
		ip addr add "10.231.$i.1/24" dev "${ns}0"
		ip link set "${ns}0" up
		ip -n "$ns" addr add "10.231.$i.2/24" dev "${ns}1"
		ip -n "$ns" link set "${ns}1" up
		ip -n "$ns" link set lo up
	fi
	# nsenter and unshare exec (no fork), so $! is sshd's pid.
	nsenter --net="/run/netns/$ns" -- unshare --uts -- /bin/sh -c \
		'hostname "$1" && exec /usr/sbin/sshd -D -f "$2" -E "$3"' sh \
		"$name" "$dir/sshd_config" "$dir/sshd.log" &
	sshd_pid[$name]=$!
	disown "${sshd_pid[$name]}" # its end (killed in case 2) is no job message of this shell
	for _ in $(seq 50); do
		if timeout 1 bash -c "exec 3<>/dev/tcp/10.231.$i.2/22" 2>/dev/null; then
			return 0
		fi
		kill -0 "${sshd_pid[$name]}" 2>/dev/null || break
		sleep 0.2
	done
	cat "$dir/sshd.log" >&2
	fail "$name: sshd does not answer on 10.231.$i.2:22"
}

host_config() { # NAME: host key, sshd_config, known_hosts line, inventory entry
	local name=$1 i dir
	i=$(net_of "$name")
	dir=$tmp/$name
	mkdir -p "$dir"
	ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$dir/ssh_host_ed25519_key"
	# Root logs in with the test's key only. StrictModes off: the key lives in a temporary
	# directory; no PAM: the test needs no session setup (root's account must not be locked).
	cat >"$dir/sshd_config" <<-EOF
		ListenAddress 10.231.$i.2:22
		HostKey $dir/ssh_host_ed25519_key
		PidFile $dir/sshd.pid
		AuthorizedKeysFile $tmp/client_key.pub
		PermitRootLogin prohibit-password
		PubkeyAuthentication yes
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		UsePAM no
		StrictModes no
		UseDNS no
		PrintMotd no
		PrintLastLog no
		MaxSessions 30
		MaxStartups 30:30:60
		Subsystem sftp /usr/lib/openssh/sftp-server
	EOF
	echo "10.231.$i.2 $(cut -d' ' -f1,2 "$dir/ssh_host_ed25519_key.pub")" >>"$tmp/known_hosts"
	cat >>"$tmp/inventory.yml" <<-EOF
		    $name:
		      ansible_host: 10.231.$i.2
		      boxbench_remote_dir: $dir/work
		      ansible_remote_tmp: $dir/ansible-tmp
		      ansible_async_dir: $dir/async
	EOF
}

setup() {
	local n
	[ "$(id -u)" -eq 0 ] || fail "needs root (network namespaces, sshd, boxbench's containers)"
	for c in ansible-playbook ssh ssh-keygen ip nsenter unshare timeout python3; do
		command -v "$c" >/dev/null || fail "$c is missing (scripts/deps.sh installs it)"
	done
	[ -x /usr/sbin/sshd ] || fail "/usr/sbin/sshd is missing (scripts/deps.sh installs openssh-server)"
	case "$(getent shadow root | cut -d: -f2)" in
	'!'*) fail "root's account is locked ('!' in /etc/shadow): sshd without PAM refuses it" ;;
	esac
	if ip -o addr | grep -qE ' 10\.231\.[12]\.'; then
		fail "10.231.1.0/24 or 10.231.2.0/24 is already in use here (another fleet-check?)"
	fi
	tmp=$(mktemp -d /tmp/fleet-check.XXXXXX)
	rm -rf "$logs"
	mkdir -p "$logs"
	chmod 755 "$tmp"
	# sshd's privilege separation directory (made by its service unit, which never ran here).
	if [ ! -d /run/sshd ]; then
		mkdir -m 755 /run/sshd
		made_run_sshd=1
	fi
	ssh-keygen -q -t ed25519 -N '' -C fleet-check -f "$tmp/client_key"
	cat >"$tmp/inventory.yml" <<-EOF
		all:
		  vars:
		    ansible_user: root
		    ansible_ssh_private_key_file: $tmp/client_key
		    ansible_ssh_common_args: -o UserKnownHostsFile=$tmp/known_hosts -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes -o IdentityAgent=none
		    # what native and container need: no guest kernel to fetch
		    boxbench_make_targets: build/boxbench build/boxbench-load
		    boxbench_timeout: 300
		    boxbench_poll: 1
		  hosts:
	EOF
	for n in "${names[@]}"; do host_config "$n"; done
	# Ansible's own state (control sockets, temporary files) stays in the temporary directory.
	# (ANSIBLE_REMOTE_TMP: the controller's own play, on localhost.)
	export ANSIBLE_HOME=$tmp/ansible-home ANSIBLE_LOCAL_TEMP=$tmp/ansible-local
	export ANSIBLE_REMOTE_TMP=$tmp/ansible-remote PYTHONUNBUFFERED=1
	export ANSIBLE_SSH_CONTROL_PATH_DIR=$tmp/cp ANSIBLE_FORCE_COLOR=0
	for n in "${names[@]}"; do host_start "$n"; done
	say "test hosts up: fleet-a 10.231.1.2, fleet-b 10.231.2.2 (sshd ${sshd_pid[fleet-a]}, ${sshd_pid[fleet-b]})"
}

stamp() { # each line with the time it was printed (where the time goes, in the logs)
	local l
	while IFS= read -r l; do printf '%(%T)T %s\n' -1 "$l"; done
}

fleet_start() { # LOG ARGS...: fleet.sh against the test hosts, in the background
	local log=$1
	shift
	"$here/fleet.sh" -i "$tmp/inventory.yml" -o "$tmp/out" -a "$run_args" "$@" \
		> >(stamp >"$log") 2>&1 &
	fleet_pid=$!
}

fleet_wait() { # LOG: fleet.sh's exit code; its log, when it is not 0 or EXPECT
	local rc=0
	wait "$fleet_pid" || rc=$?
	fleet_pid=""
	sleep 0.2 # the stamp's last lines
	if [ $rc -ne 0 ] && [ $rc -ne "${2:-0}" ]; then
		cat "$1" >&2
	fi
	return $rc
}

# Checks a merged result: EXPECT is "name=status ...". Its hosts array must hold exactly
# these hosts with these statuses, each ok host with a result inside, and the report must
# have a row per host naming its status.
check_merged() { # EXPECT [OUT]
	local o=${2:-$tmp/out}
	python3 - "$o/merged.json" "$o/report/report.md" "$1" <<'EOF' ||
import json, sys
merged, report, expect = sys.argv[1], sys.argv[2], dict(e.split("=") for e in sys.argv[3].split())
doc = json.load(open(merged))
hosts = {h["name"]: h for h in doc["hosts"]}
if set(hosts) != set(expect):
    sys.exit("merged hosts %s, expected %s" % (sorted(hosts), sorted(expect)))
for name, status in expect.items():
    h = hosts[name]
    if h["status"] != status:
        sys.exit("%s: status %s (%s), expected %s" % (name, h["status"], h.get("reason"), status))
    if status != "ok" and not h.get("reason"):
        sys.exit("%s: %s without a reason" % (name, status))
md = open(report).read().splitlines()
for name, status in expect.items():
    if not any(name in l and status in l for l in md):
        sys.exit("report.md has no row naming %s as %s" % (name, status))
# The claims host by host: a column per host with a result, and some claim settled in each.
rows, on = [], False
for l in md:
    if l.startswith("## "):
        on = l.strip() == "## Claims, host by host"
    elif on and l.startswith("|") and not l.startswith("|---"):
        rows.append([c.strip() for c in l.strip().strip("|").split("|")])
for name, status in expect.items():
    if status != "ok":
        continue
    if not rows or name not in rows[0]:
        sys.exit("report.md: no column for %s in the claims host by host" % name)
    col = rows[0].index(name)
    if all(r[col].startswith("not measured") for r in rows[1:] if len(r) > col):
        sys.exit("report.md: no claim settled on %s" % name)
print("  " + ", ".join("%s %s%s" % (n, h["status"], (": " + h["reason"]) if h.get("reason") else "")
                       for n, h in sorted(hosts.items())))
EOF
		fail "merged result $o/merged.json: see above"
}

# The two hosts' runs overlapped in time (they ran in parallel), from their own results.
check_parallel() {
	python3 - "$tmp/out/hosts/fleet-a/result.json" "$tmp/out/hosts/fleet-b/result.json" <<'EOF' ||
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
for r, n in ((a, "fleet-a"), (b, "fleet-b")):
    if r["host"]["hostname"] != n:
        sys.exit("%s's result names host %s" % (n, r["host"]["hostname"]))
if not (a["started_at"] <= b["finished_at"] and b["started_at"] <= a["finished_at"]):
    sys.exit("runs did not overlap: fleet-a %s..%s, fleet-b %s..%s" % (
        a["started_at"], a["finished_at"], b["started_at"], b["finished_at"]))
EOF
		fail "the hosts did not run in parallel"
}

case1() {
	local t=$SECONDS
	say "1. both hosts at once: boxbench run $run_args"
	fleet_start "$logs/fleet1.log"
	fleet_wait "$logs/fleet1.log" || fail "fleet.sh exited non-zero"
	check_merged "fleet-a=ok fleet-b=ok"
	check_parallel
	say "1. ok: both hosts merged, runs overlapped ($((SECONDS - t)) s)"
}

case2() {
	local t=$SECONDS rc=0 pids p run_log=$tmp/fleet-b/work/out/run.log
	say "2. fleet-b's sshd killed while its run is going"
	rm -f "$run_log"
	fleet_start "$logs/fleet2.log"
	for _ in $(seq 1200); do
		[ -e "$run_log" ] && break
		kill -0 "$fleet_pid" 2>/dev/null || break
		sleep 0.1
	done
	[ -e "$run_log" ] || { fleet_wait "$logs/fleet2.log" 255; fail "fleet-b's run never started"; }
	# Every sshd of fleet-b: the listener and each connection's processes.
	pids=""
	for p in $(ip netns pids "$(ns_of fleet-b)"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = sshd ] && pids="$pids $p"
	done
	kill -KILL $pids
	say "2. killed fleet-b's sshd (pids$pids) $((SECONDS - t)) s in"
	fleet_wait "$logs/fleet2.log" 1 || rc=$?
	[ $rc -eq 1 ] || fail "fleet.sh exited $rc, expected 1 (a host missing)"
	check_merged "fleet-a=ok fleet-b=unreachable"
	cp "$tmp/out/merged.json" "$logs/case2-merged.json"
	cp "$tmp/out/report/report.md" "$logs/case2-report.md"
	say "2. ok: one host merged, fleet-b unreachable ($((SECONDS - t)) s)"
}

case3() {
	local t=$SECONDS before after
	say "3. fleet-b back; re-run only what is missing"
	host_stop fleet-b # what the lost connection left running there (a reboot)
	host_start fleet-b
	before=$(stat -c %y "$tmp/fleet-a/work/out/result.json" 2>/dev/null || true)
	fleet_start "$logs/fleet3.log" --retry
	fleet_wait "$logs/fleet3.log" || fail "fleet.sh --retry exited non-zero"
	after=$(stat -c %y "$tmp/fleet-a/work/out/result.json" 2>/dev/null || true)
	[ "$before" = "$after" ] || fail "fleet-a ran again on --retry"
	grep -q "re-running the hosts without a result: fleet-b$" "$logs/fleet3.log" ||
		{ cat "$logs/fleet3.log" >&2; fail "--retry did not limit the run to fleet-b"; }
	check_merged "fleet-a=ok fleet-b=ok"
	say "3. ok: fleet-b re-run alone and merged with fleet-a's earlier result ($((SECONDS - t)) s)"
}

# Beyond the three cases: failures and time limits, in their own output directory.
case4() {
	local t=$SECONDS rc=0
	say "4. one host at a time (--serial), both runs failing"
	fleet_start "$logs/fleet4.log" --serial -o "$tmp/out-x" -a "--envs no-such-box --quick"
	fleet_wait "$logs/fleet4.log" 1 || rc=$?
	[ $rc -eq 1 ] || fail "fleet.sh exited $rc, expected 1 (hosts missing)"
	check_merged "fleet-a=failed fleet-b=failed" "$tmp/out-x"
	grep -q "no-such-box" "$tmp/out-x/merged.json" || fail "the failure's reason does not quote boxbench"
	# serial: 1 plays the hosts in batches of one, each with its own play banner.
	[ "$(grep -c 'PLAY \[Run boxbench on each host\]' "$logs/fleet4.log")" -eq 2 ] ||
		fail "--serial did not run the hosts one at a time"
	say "4. ok: the second host ran after the first failed; both failed, with boxbench's reason ($((SECONDS - t)) s)"
}

case5() {
	local t=$SECONDS rc=0
	say "5. a run past its time limit (fleet-a only; fleet-b keeps its earlier status)"
	fleet_start "$logs/fleet5.log" --limit fleet-a -o "$tmp/out-x" \
		-a "--envs native --suites startup --reps 100000" -- -e boxbench_timeout=4
	fleet_wait "$logs/fleet5.log" 1 || rc=$?
	[ $rc -eq 1 ] || fail "fleet.sh exited $rc, expected 1 (hosts missing)"
	check_merged "fleet-a=timeout fleet-b=failed" "$tmp/out-x"
	pgrep -f "$tmp/fleet-a/work" >/dev/null && fail "fleet-a's run still going after its time limit"
	say "5. ok: fleet-a timed out and its run was stopped ($((SECONDS - t)) s)"
}

setup
case1
case2
case3
case4
case5
kept=$top/build/fleet/fleet-check-merged.json
mkdir -p "$(dirname "$kept")"
cp "$tmp/out/merged.json" "$kept"
count=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["hosts"]))' "$kept")
say "passed in $((SECONDS - t0)) s"
echo "fleet-check: $count hosts merged into $kept"
