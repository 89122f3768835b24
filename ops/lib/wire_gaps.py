#!/usr/bin/env python3
"""Where a permit's time goes between two calls to 1C, read from the wire (issue 23 item 6).

Reads a text capture of the 1C port's data segments on loopback, as written by
    tcpdump -i lo -nn -tt 'tcp port 18188 and (tcp[tcpflags] & tcp-push != 0)' > capture.txt
and prints, per client connection (in the order first seen) and in total:
  - 1C's answer time on the wire: a request's last segment → the answer's first segment;
  - the turnaround on our side: an answer's segment → the next request on the same connection (with keep-alive, the
    next call under that connection: our client reading the answer, the permit handed over, the next request sent).
A connection idle for longer than --idle-ms between an answer and its next request (a pause of the run) is left out.
Usage: ops/lib/wire_gaps.py capture.txt [--port 18188] [--idle-ms 100]
"""
import argparse
import re
import statistics

LINE = re.compile(r"^(\d+\.\d+) IP (\S+)\.(\d+) > (\S+)\.(\d+): .* length (\d+)")


def summary(values):
    v = sorted(values)
    if not v:
        return "none"
    pick = lambda p: v[min(len(v) - 1, int(p / 100 * len(v)))]
    return f"n {len(v)}, mean {statistics.mean(v):.2f}, p50 {pick(50):.2f}, p90 {pick(90):.2f}, p99 {pick(99):.2f} ms"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("capture")
    parser.add_argument("--port", default="18188")
    parser.add_argument("--idle-ms", type=float, default=100.0)
    args = parser.parse_args()
    asked = {}      # client port → time of its request's last segment
    answered = {}   # client port → time of the answer's first segment
    wire, turnaround = [], []
    per_connection = {}  # client port → (its wire times, its turnarounds), in the order first seen
    for line in open(args.capture, encoding="utf-8", errors="replace"):
        m = LINE.match(line)
        if not m or int(m.group(6)) == 0:
            continue
        t = float(m.group(1)) * 1000
        if m.group(5) == args.port:            # client → 1C: a request (or its continuation)
            client = m.group(3)
            if client in answered:
                gap = t - answered.pop(client)
                if gap <= args.idle_ms:
                    turnaround.append(gap)
                    per_connection.setdefault(client, ([], []))[1].append(gap)
            asked[client] = t
        elif m.group(3) == args.port:          # 1C → client: an answer
            client = m.group(5)
            if client in asked:
                wire.append(t - asked.pop(client))
                per_connection.setdefault(client, ([], []))[0].append(wire[-1])
                answered[client] = t
    for client, (w, g) in per_connection.items():
        print(f"connection :{client}: answer {summary(w)}; turnaround {summary(g)}")
    print(f"1C's answer on the wire (request → answer): {summary(wire)}")
    print(f"our turnaround (answer → the next request on that connection): {summary(turnaround)}")
    if wire and turnaround:
        cycle = statistics.mean(wire) + statistics.mean(turnaround)
        print(f"a connection's cycle {cycle:.2f} ms on average: 1C's answer {statistics.mean(wire) / cycle * 100:.1f} % of it")


if __name__ == "__main__":
    main()
