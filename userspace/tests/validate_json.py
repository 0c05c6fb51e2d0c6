#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Validate verify-file --json documents against verify-file.schema.json.

  validate_json.py FILE...        each FILE is one document ('-': stdin)
  validate_json.py --scan LOG...  every line of LOG that starts a
                                  verify-file document ({"version":...) is
                                  one; at least one must be found

Exit 0 when every document is valid, 1 otherwise (each problem on stderr).
Imported (test_cli.py, vsbench.py): problems(doc) and scan(text).
Uses Debian's python3-jsonschema.
"""
import json
import os
import sys

import jsonschema

SCHEMA_PATH = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "verify-file.schema.json")
# verify-file prints the document on one line, "version" first
START = '{"version":'

_validator = None


def validator():
    global _validator
    if _validator is None:
        with open(SCHEMA_PATH) as f:
            schema = json.load(f)
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        _validator = cls(schema)
    return _validator


def problems(doc):
    """The schema violations of @doc, as strings ("" list: valid)."""
    out = []
    for e in sorted(validator().iter_errors(doc), key=lambda e: list(e.path)):
        where = "/".join(str(p) for p in e.absolute_path) or "(top)"
        out.append(f"{where}: {e.message}")
    return out


_status_validator = None


def status_problems(doc):
    """The schema violations of a --status --json document (the schema's
    $defs/status)."""
    global _status_validator
    if _status_validator is None:
        with open(SCHEMA_PATH) as f:
            schema = json.load(f)
        sub = {"$schema": schema["$schema"], "$ref": "#/$defs/status",
               "$defs": schema["$defs"]}
        _status_validator = jsonschema.validators.validator_for(sub)(sub)
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: "
            f"{e.message}" for e in _status_validator.iter_errors(doc)]


def scan(text):
    """[(line number, problems)] for each document line in @text."""
    found = []
    for n, line in enumerate(text.splitlines(), 1):
        i = line.find(START)
        if i < 0:
            continue
        try:
            doc = json.loads(line[i:])
        except ValueError as e:
            found.append((n, [f"not JSON: {e}"]))
            continue
        found.append((n, problems(doc)))
    return found


def main(argv):
    bad = 0
    if argv[:1] == ["--scan"]:
        for path in argv[1:]:
            with open(path, errors="replace") as f:
                found = scan(f.read())
            if not found:
                print(f"{path}: no verify-file JSON document", file=sys.stderr)
                bad += 1
            for n, probs in found:
                for p in probs:
                    print(f"{path}:{n}: {p}", file=sys.stderr)
                bad += bool(probs)
        return 1 if bad else 0
    for path in argv or ["-"]:
        data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
        try:
            probs = problems(json.loads(data))
        except ValueError as e:
            probs = [f"not JSON: {e}"]
        for p in probs:
            print(f"{path}: {p}", file=sys.stderr)
        bad += bool(probs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
