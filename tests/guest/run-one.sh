#!/bin/sh
# Run one scenario (or the KUnit step) on one filesystem.  Called by /init.
name=$1
VS_FS=$2
export VS_FS
. /tests/guest/lib.sh
VS_SCENARIO=$name
if [ "$name" = kunit ]; then
	vs_run_kunit
	exit $?
fi
# "# vs-module: no" in a scenario's header: it must not load the module.
if ! grep -qs "^# *vs-module: *no" "/tests/scenarios/$name.sh"; then
	vs_load_module || { vs_fail setup "cannot load verity_scrub.ko"; exit 1; }
fi
set -e
script=/tests/scenarios/$name.sh
[ -f "$script" ] || script=/tests/demo/$name.sh
. "$script"
