#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# gen.sh IN OUT VERSION DATE EXAMPLE - make an installable man page from
# its source IN: @VERSION@ and @DATE@ are replaced, and a line that is
# exactly @EXAMPLE@ by the file EXAMPLE, tabs expanded and escaped for
# roff (backslashes as \e, - as \- so that it stays an ASCII minus, a
# leading . or ' guarded with \&), so the page shows the example program
# as it is in the tree.
set -eu
in=$1 out=$2 version=$3 date=$4 example=$5
case $version$date in
*[!0-9A-Za-z.+~-]*|'') echo "gen.sh: bad VERSION '$version' or DATE '$date'" >&2; exit 1 ;;
esac
tmp=$out.tmp
expand -t 8 "$example" | sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\([.']\)/\\\\\&\1/" > "$tmp.ex"
sed -e "s/@VERSION@/$version/g" -e "s/@DATE@/$date/g" \
    -e "/^@EXAMPLE@\$/{r $tmp.ex" -e 'd' -e '}' "$in" > "$tmp"
rm -f "$tmp.ex"
if grep -n '@[A-Z]*@' "$tmp" >&2; then
	echo "gen.sh: $in: unreplaced token" >&2
	rm -f "$tmp"
	exit 1
fi
mv "$tmp" "$out"
