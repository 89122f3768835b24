"""The calls to 1C that did not export anything, counted from the workers' own counter onec_calls_total{outcome}
(a 5xx, a timeout, a refused connection, a refusal, not_configured) between two scrapes of each worker's /metrics.

A scrape that is missing, or holds no onec_calls_total line, or a counter that went down (the worker restarted in
between) is an error, never a zero: a renamed metric or a dead worker cannot pass as "no calls".

  python3 ops/lib/onec_calls.py <scrapes-before-dir> <scrapes-after-dir>   # prints the count, or exits 1 saying why
Each directory holds one file per worker (<port>.txt, the text of its /metrics), the same names in both.
"""
import os
import re
import sys

METRIC = "onec_calls_total"
_LINE = re.compile(r"^onec_calls_total\{([^}]*)\}\s+(\S+)")
_LABEL = re.compile(r'(\w+)="([^"]*)"')
EXPORTED = ("exported", "exported_existing")


class Missing(Exception):
    """The count cannot be made: a scrape or the metric is missing, or a counter went down."""


def failed_calls(text, source="scrape"):
    """Calls that exported nothing, as one scrape's onec_calls_total lines say; Missing when there are none."""
    total, found = 0.0, False
    for line in text.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        found = True
        if dict(_LABEL.findall(match.group(1))).get("outcome") not in EXPORTED:
            total += float(match.group(2))
    if not found:
        raise Missing(f"{source}: no {METRIC} line")
    return int(total)


def _read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError as e:
        raise Missing(f"{path}: {e.strerror}") from None


def between(before_dir, after_dir):
    """The sum over the workers of (after - before)."""
    names = sorted(os.listdir(before_dir)) if os.path.isdir(before_dir) else []
    if not names:
        raise Missing(f"{before_dir}: no scrape")
    total = 0
    for name in names:
        before = failed_calls(_read(os.path.join(before_dir, name)), os.path.join(before_dir, name))
        after = failed_calls(_read(os.path.join(after_dir, name)), os.path.join(after_dir, name))
        if after < before:
            raise Missing(f"{name}: {METRIC} went down from {before} to {after} (the worker restarted)")
        total += after - before
    return total


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: onec_calls.py <scrapes-before-dir> <scrapes-after-dir>")
    try:
        print(between(sys.argv[1], sys.argv[2]))
    except Missing as e:
        print(f"calls to 1C not counted: {e}", file=sys.stderr)
        sys.exit(1)
