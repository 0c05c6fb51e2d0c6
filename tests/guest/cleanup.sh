#!/bin/sh
# Undo whatever a scenario left behind, so the next one starts clean.
. /tests/guest/lib.sh
vs_cleanup
