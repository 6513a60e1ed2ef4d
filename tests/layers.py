#!/usr/bin/env python3
"""The layers of src/, checked: a file may use only its own layer and the
ones before it, and no files use each other in a circle.

    tests/layers.py OBJDIR LAYER...

LAYER... is the order, first to last, as the Makefile writes it once
(LAYERS); src/LAYER/ holds each layer's files.  Two kinds of use are read:
  - includes: every #include "x.h" of src/LAYER/*.[ch] must name a header
    of the same or an earlier layer (grammar/'s files, and the parser.h
    and lexer.h made from them, are of the language layer);
  - calls: from the objects in OBJDIR (nm), a file that calls a function
    or uses a variable another file defines uses that file, so a circle of
    calls is found even where no header says so.
Prints ok/not ok lines and `layers: N passed, N failed`.
"""
import os
import re
import subprocess
import sys


def main():
    objdir, layers = sys.argv[1], sys.argv[2:]
    rank = {name: i for i, name in enumerate(layers)}
    passed = failed = 0
    problems = []

    # Where each header and source lives.
    home = {}          # file name -> layer
    files = []         # (layer, path)
    for layer in layers:
        folder = os.path.join("src", layer)
        if not os.path.isdir(folder):
            problems.append(f"src/{layer}/ is missing")
            continue
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if not name.endswith((".c", ".h", ".y", ".l")):
                continue
            if name in home:
                problems.append(f"{name} is in src/{home[name]}/ and src/{layer}/")
            home[name] = layer
            files.append((layer, path))
            if name.endswith(".y"):
                home["parser.h"] = layer
            if name.endswith(".l"):
                home["lexer.h"] = layer
    # The grammar's files stay in grammar/, as SPEC lays out; what bison and
    # flex make from them belongs to the language layer.
    for name in ("parser.h", "lexer.h"):
        home.setdefault(name, "lang")
    for name in sorted(os.listdir("grammar")) if os.path.isdir("grammar") else []:
        if name.endswith((".y", ".l")):
            files.append(("lang", os.path.join("grammar", name)))
    stray = [n for n in sorted(os.listdir("src"))
             if os.path.isfile(os.path.join("src", n)) and n.endswith((".c", ".h"))]
    for n in stray:
        problems.append(f"src/{n} is in no layer: every file lives in the folder of its layer")
    for layer in sorted(os.listdir("src")):
        if os.path.isdir(os.path.join("src", layer)) and layer not in rank:
            problems.append(f"src/{layer}/ is not in the layer order")
    print(("not ok" if problems else "ok") + " - every file of src/ is in one layer folder")
    for p in problems:
        print("  " + p)
    failed += bool(problems)
    passed += not problems

    # Includes.
    climbs = []
    include = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
    for layer, path in files:
        with open(path, encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                m = include.match(line)
                if not m:
                    continue
                name = os.path.basename(m.group(1))
                target = home.get(name)
                if target is None:
                    climbs.append(f"{path}:{number}: includes {m.group(1)}, which is in no layer")
                elif rank[target] > rank[layer]:
                    climbs.append(f"{path}:{number}: includes {name} of the later layer {target}/")
    print(("not ok" if climbs else "ok") + " - no file includes a header of a later layer")
    for c in climbs:
        print("  " + c)
    failed += bool(climbs)
    passed += not climbs

    # Calls, from the objects.
    objects = {}
    for layer in layers:
        folder = os.path.join(objdir, layer)
        if os.path.isdir(folder):
            for name in sorted(os.listdir(folder)):
                if name.endswith(".o"):
                    objects[os.path.join(layer, name[:-2])] = os.path.join(folder, name)
    if not objects:
        print(f"not ok - no objects under {objdir}/LAYER/: build first")
        print(f"layers: {passed} passed, {failed + 1} failed")
        return 1
    defined, used = {}, {}
    for unit, obj in objects.items():
        out = subprocess.run(["nm", "--defined-only", "-g", obj], capture_output=True, text=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3:
                defined.setdefault(parts[2], unit)
        out = subprocess.run(["nm", "-u", obj], capture_output=True, text=True).stdout
        used[unit] = {line.split()[-1] for line in out.splitlines() if line.strip()}
    edges = {u: set() for u in objects}
    for unit, names in used.items():
        for name in names:
            other = defined.get(name)
            if other and other != unit:
                edges[unit].add(other)
    upward = []
    for unit, targets in sorted(edges.items()):
        for other in sorted(targets):
            if rank[other.split("/")[0]] > rank[unit.split("/")[0]]:
                upward.append(f"src/{unit}.c calls into src/{other}.c, of a later layer")
    print(("not ok" if upward else "ok") + " - no file calls into a later layer")
    for u in upward:
        print("  " + u)
    failed += bool(upward)
    passed += not upward

    # Circles: strongly connected components of more than one file.
    index, low, stack, on, circles = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    print(("not ok" if circles else "ok") + " - no circle between files")
    for c in circles:
        print("  " + " <-> ".join(f"src/{u}.c" for u in c))
    failed += bool(circles)
    passed += not circles

    # Size.
    big = []
    for layer, path in files:
        if path.endswith(".c"):
            with open(path, encoding="utf-8", errors="replace") as f:
                n = sum(1 for _ in f)
            if n > 800:
                big.append(f"{path}: {n} lines")
    print(("not ok" if big else "ok") + " - no .c file over 800 lines")
    for b in big:
        print("  " + b)
    failed += bool(big)
    passed += not big

    print(f"layers: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
