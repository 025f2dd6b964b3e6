#!/bin/sh
# Shape limits of the code (issue 13): no function over 80 lines, no source file over 1,200,
# and no include cycle between modules (a module is NAME.c with NAME.h).
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
# Module A includes B when A.c or A.h includes "B.h"; tsort finds any cycle among them.
edges=$(for f in harness/*.[ch] launchers/*.[ch] bench/*.[ch]; do
	m=$(basename "${f%.*}")
	sed -n 's/^#include "\(.*\/\)\{0,1\}\([^"/]*\)\.h".*/\2/p' "$f" |
		while read -r h; do [ "$h" = "$m" ] || echo "$m $h"; done
done)
if ! echo "$edges" | tsort >/dev/null 2>/tmp/check-size.$$; then
	echo "check-size: include cycle between modules:"
	sed 's/^tsort: /  /' /tmp/check-size.$$
	status=1
fi
rm -f /tmp/check-size.$$
[ $status -eq 0 ] &&
	echo "check-size: no function over 80 lines, no source file over 1200, no include cycle"
exit $status
