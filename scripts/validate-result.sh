#!/bin/sh
# Validate boxbench results against the published schema (results/boxbench-1.schema.json, JSON
# Schema draft 2020-12) with Debian's python3-jsonschema.
#   validate-result.sh FILE...       every FILE must be a valid boxbench/1 result
#   validate-result.sh --in DIR...   every *.json under DIR that says "schema": "boxbench/1"
#                                    (other JSON, and files that are not JSON, are skipped:
#                                    tests write those on purpose)
# Prints one line per invalid file (the first error, with its JSON path); exit 1 if any.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
schema=${BB_SCHEMA_FILE:-$here/../results/boxbench-1.schema.json}
[ -r "$schema" ] || schema=/usr/share/boxbench/boxbench-1.schema.json
exec python3 - "$schema" "$@" <<'PY'
import json, os, sys
try:
    from jsonschema import Draft202012Validator
except ImportError:
    sys.exit("validate-result.sh: python3-jsonschema is missing (scripts/deps.sh installs it)")

schema_path, args = sys.argv[1], sys.argv[2:]
with open(schema_path) as f:
    schema = json.load(f)
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema)

def files():
    scan = False
    for a in args:
        if a == "--in":
            scan = True
            continue
        if not scan:
            yield a, True
            continue
        for root, _, names in os.walk(a):
            for n in sorted(names):
                if n.endswith(".json"):
                    yield os.path.join(root, n), False

bad = checked = 0
for path, must in files():
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        if must:
            print(f"{path}: not readable JSON: {e}")
            bad += 1
        continue
    if not must and not (isinstance(doc, dict) and doc.get("schema") == "boxbench/1"):
        continue
    checked += 1
    err = next(iter(sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))), None)
    if err is not None:
        where = "/".join(str(p) for p in err.absolute_path) or "(top)"
        print(f"{path}: invalid at {where}: {err.message[:300]}")
        bad += 1
print(f"validate-result: {checked} result(s) checked, {bad} invalid", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
