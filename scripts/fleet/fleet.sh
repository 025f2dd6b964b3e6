#!/bin/bash
# Run boxbench on every host of an Ansible inventory and gather one merged result and report
# (scripts/fleet/fleet.yml does the work; this wrapper sets its variables, works out what a
# re-run must run, and prints each host's status). `make fleet` calls it.
#
# usage: fleet.sh -i INVENTORY [-o OUT] [-a "RUN ARGS"] [--serial] [--retry | --limit HOSTS]
#                 [-- ANSIBLE-PLAYBOOK OPTIONS...]
#   -i, --inventory FILE  Ansible inventory (scripts/fleet/README.md has examples)
#   -o, --out DIR         where results, merged.json and report/ go (default results/fleet)
#   -a, --args "ARGS"     `boxbench run` arguments for every host (default: each host's
#                         boxbench_args from the inventory, else --quick)
#   --serial              one host at a time (hosts sharing hardware), not all at once
#   --retry               run only the hosts that OUT/merged.json lists as not ok, and merge
#                         them with its ok hosts
#   --limit HOSTS         run only these hosts (Ansible pattern); the others keep their
#                         status and result from OUT/merged.json
# Environment: BOXBENCH (the controller's boxbench, default build/boxbench), TARBALL (default
# build/fleet/boxbench-src.tar.gz, from `make fleet-tarball`).
# Exit: 0 every host delivered; 1 some did not (the merged report says which and why);
# 2 bad usage; 3 no merged result (Ansible failed).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
boxbench=${BOXBENCH:-$top/build/boxbench}
tarball=${TARBALL:-$top/build/fleet/boxbench-src.tar.gz}

usage() { # EXIT-CODE
	sed -n '6,16p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit "$1"
}
bad() {
	echo "fleet: $*" >&2
	exit 2
}

inventory="" out="$top/results/fleet" args="" args_set=0 serial=0 retry=0 limit=""
while [ $# -gt 0 ]; do
	case "$1" in
	-i | --inventory) inventory=${2:?}; shift 2 ;;
	-o | --out) out=${2:?}; shift 2 ;;
	-a | --args) args=${2?}; args_set=1; shift 2 ;;
	--serial) serial=1; shift ;;
	--retry) retry=1; shift ;;
	--limit) limit=${2:?}; shift 2 ;;
	-h | --help) usage 0 ;;
	--) shift; break ;;
	*) bad "unknown option '$1' (fleet.sh --help)" ;;
	esac
done
[ -n "$inventory" ] || bad "no inventory: fleet.sh -i INVENTORY (make fleet INVENTORY=FILE)"
[ -f "$inventory" ] || bad "inventory '$inventory' is not a file"
[ $retry -eq 0 ] || [ -z "$limit" ] || bad "--retry and --limit exclude each other"
command -v ansible-playbook >/dev/null ||
	bad "ansible-playbook is not installed (scripts/deps.sh installs Debian's ansible-core)"
[ -x "$boxbench" ] || bad "no boxbench at $boxbench (make)"
[ -f "$tarball" ] || bad "no source tarball at $tarball (make fleet-tarball)"

mkdir -p "$out"
out=$(cd "$out" && pwd)
inventory=$(cd "$(dirname "$inventory")" && pwd)/$(basename "$inventory")
merged=$out/merged.json
work=$(mktemp -d "${TMPDIR:-/tmp}/boxbench-fleet.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# An earlier merged result is untrusted input: only a JSON object with a list of hosts, each
# with a plain name (an inventory name) and a known status, is used.
hosts_of() { # FILE WHICH (missing | all): prints NAME<TAB>STATUS<TAB>REASON lines
	python3 - "$1" "$2" <<'EOF'
import json, re, sys
try:
    with open(sys.argv[1]) as f:
        doc = json.load(f)
    hosts = doc["hosts"]
    assert isinstance(hosts, list)
except Exception as e:
    sys.exit("fleet: %s is not a merged result with a hosts list (%s)" % (sys.argv[1], e))
for h in hosts:
    if not isinstance(h, dict):
        sys.exit("fleet: %s: a host entry is not an object" % sys.argv[1])
    name, status = h.get("name"), h.get("status")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,200}", name) or \
       status not in ("ok", "unreachable", "failed", "timeout"):
        sys.exit("fleet: %s: a host entry without a plain name and known status" % sys.argv[1])
    if sys.argv[2] == "all" or status != "ok":
        reason = str(h.get("reason") or "").replace("\t", " ").replace("\n", " ")
        print("%s\t%s\t%s" % (name, status, reason))
EOF
}

previous=""
if [ -f "$merged" ]; then
	if hosts_of "$merged" all >/dev/null; then
		previous=$work/previous.json
		cp "$merged" "$previous"
	elif [ $retry -eq 1 ] || [ -n "$limit" ]; then
		exit 2
	else
		echo "fleet: ignoring it: this run does not need an earlier result" >&2
	fi
fi
if [ $retry -eq 1 ]; then
	[ -n "$previous" ] || bad "--retry: no earlier merged result in $out"
	limit=$(hosts_of "$previous" missing | cut -f1 | paste -sd, -)
	if [ -z "$limit" ]; then
		echo "fleet: every host of $merged delivered its result: nothing to re-run" >&2
		exit 0
	fi
	echo "fleet: re-running the hosts without a result: $limit" >&2
fi

commit=$(git -C "$top" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && [ -n "$(git -C "$top" status --porcelain 2>/dev/null)" ]; then
	commit=$commit-dirty
fi
# Extra variables as JSON, so that any run argument reaches the play unchanged.
FLEET_OUT=$out FLEET_TARBALL=$tarball FLEET_BOXBENCH=$boxbench FLEET_COMMIT=$commit \
FLEET_SERIAL=$serial FLEET_PREVIOUS=$previous FLEET_ARGS=$args FLEET_ARGS_SET=$args_set \
	python3 -c '
import json, os
e = os.environ
v = {"fleet_out": e["FLEET_OUT"], "fleet_tarball": e["FLEET_TARBALL"],
     "fleet_boxbench": e["FLEET_BOXBENCH"], "fleet_git_commit": e["FLEET_COMMIT"],
     "fleet_serial": int(e["FLEET_SERIAL"]), "fleet_previous": e["FLEET_PREVIOUS"]}
if e["FLEET_ARGS_SET"] == "1":
    v["boxbench_args"] = e["FLEET_ARGS"]
print(json.dumps(v))' >"$work/vars.json"

limit_opt=()
[ -z "$limit" ] || limit_opt=(--limit "$limit,localhost")
touch "$work/stamp"
rc=0
ANSIBLE_CONFIG=$here/ansible.cfg ansible-playbook -i "$inventory" "$here/fleet.yml" \
	-e "@$work/vars.json" "${limit_opt[@]}" "$@" || rc=$?

if [ ! -f "$merged" ] || [ ! "$merged" -nt "$work/stamp" ]; then
	echo "fleet: no merged result (ansible-playbook exited $rc)" >&2
	exit 3
fi
missing=0
echo
echo "fleet: $merged"
while IFS=$'\t' read -r name status reason; do
	printf '  %-24s %-12s %s\n' "$name" "$status" "$reason"
	[ "$status" = ok ] || missing=$((missing + 1))
done < <(hosts_of "$merged" all)
# The claims host by host, from the report (its claim text left out: one column per host).
if [ -f "$out/report/report.md" ]; then
	echo "fleet: claims, host by host (the report says why):"
	python3 - "$out/report/report.md" <<'EOF' || true
import sys
rows, on = [], False
for line in open(sys.argv[1]):
    if line.startswith("## "):
        on = line.strip() == "## Claims, host by host"
    elif on and line.startswith("|") and not line.startswith("|---"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append([cells[0]] + cells[2:])
widths = [max(len(r[i]) for r in rows if i < len(r)) for i in range(max(map(len, rows), default=0))]
for r in rows:
    print("  " + "  ".join(c[:60].ljust(min(w, 60)) for c, w in zip(r, widths)).rstrip())
EOF
fi
echo "fleet: report: $out/report/report.md, $out/report/index.html"
if [ $missing -gt 0 ]; then
	echo "fleet: $missing host(s) delivered no result; re-run only them with --retry" \
		"(make fleet ... RETRY=1)"
	exit 1
fi
