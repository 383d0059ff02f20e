#!/usr/bin/env python3
"""The source folders form layers (docs/architecture.md): a folder may include only folders below it, so
there are no folder-level include cycles. Reads every #include "folder/..." under src/ (tests beside the
code excluded) and fails on a cycle, naming the folders and one include line of each edge."""
import os
import re
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
folders = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
edges = {d: {} for d in folders}  # folder -> {included folder: "file:line"}
for d in folders:
    for f in sorted(os.listdir(os.path.join(root, d))):
        if not f.endswith((".h", ".cc")) or f.endswith("_test.cc"):
            continue
        for n, line in enumerate(open(os.path.join(root, d, f), encoding="utf-8"), 1):
            m = re.match(r'#include "([a-z_]+)/', line)
            if m and m.group(1) != d and m.group(1) in edges:
                edges[d].setdefault(m.group(1), f"src/{d}/{f}:{n}")

# Depth-first search for a cycle.
state, stack = {}, []


def visit(d):
    state[d] = "open"
    stack.append(d)
    for e in sorted(edges[d]):
        if state.get(e) == "open":
            cycle = stack[stack.index(e):] + [e]
            sys.exit("include cycle between folders: " + " -> ".join(cycle) + "\n" + "\n".join(
                f"  {a} -> {b}: {edges[a][b]}" for a, b in zip(cycle, cycle[1:])))
        if e not in state:
            visit(e)
    stack.pop()
    state[d] = "done"


for d in folders:
    if d not in state:
        visit(d)
print(f"include layers: {len(folders)} folders, {sum(len(v) for v in edges.values())} folder-level edges, no cycle")
