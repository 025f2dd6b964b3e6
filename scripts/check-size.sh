#!/bin/sh
# Size limits of the code (issue 13): no function over 80 lines, no source file over 1,200.
# Functions follow the committed .clang-format (Linux braces): a body opens with "{" alone in
# column 0 and closes with "}" alone in column 0.
set -u
cd "$(dirname "$0")/.."
status=0
for f in harness/*.[ch] launchers/*.[ch] bench/*.[ch]; do
	lines=$(wc -l <"$f")
	if [ "$lines" -gt 1200 ]; then
		echo "check-size: $f: $lines lines (limit 1200)"
		status=1
	fi
	awk -v file="$f" '
		/^[A-Za-z_].*\(/ { sig = $0 }
		/^\{$/ { start = NR; name = sig }
		/^\}$/ && start { n = NR - start - 1
			if (n > 80) { printf "check-size: %s:%d: %d lines in %s\n", file, start, n, name; bad = 1 }
			start = 0 }
		END { exit bad }' "$f" || status=1
done
[ $status -eq 0 ] && echo "check-size: no function over 80 lines, no source file over 1200"
exit $status
