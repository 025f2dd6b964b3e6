#!/bin/sh
# The man page: scripts/boxbench.1.scd with every @HELP:CMD@ line replaced by what
# `boxbench CMD --help` prints (so the options in the page are the parser's own), through scdoc.
# Usage: mkman.sh BOXBENCH TEMPLATE OUT
set -eu
bin=${1:?usage: mkman.sh BOXBENCH TEMPLATE OUT}
tmpl=${2:?}
out=${3:?}
tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmp"' EXIT
while IFS= read -r line; do
	case "$line" in
	@HELP:*@)
		cmd=${line#@HELP:}
		cmd=${cmd%@}
		printf '## boxbench %s\n\n```\n' "$cmd"
		# scdoc reads a literal block verbatim; a tab would be taken for indentation
		"$bin" "$cmd" --help | sed 's/\t/        /g; s/^usage: //'
		printf '```\n'
		;;
	*) printf '%s\n' "$line" ;;
	esac
done <"$tmpl" | scdoc >"$tmp"
mv "$tmp" "$out"
trap - EXIT
