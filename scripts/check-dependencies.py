#!/usr/bin/env python3
"""Checks that each target's dependencies in Package.swift are exactly the package's own
modules its sources import (SwiftPM's --explicit-target-dependency-import-check only finds
imports that are not declared; this also finds declared dependencies nobody imports).

Run from the package root: `python3 scripts/check-dependencies.py`. Exits 1 on a mismatch."""
import json, os, re, subprocess, sys

description = json.loads(subprocess.run(
    ["swift", "package", "describe", "--type", "json"], check=True, capture_output=True, text=True).stdout)
targets = {t["name"]: t for t in description["targets"]}
problems = []
for name, target in sorted(targets.items()):
    path = target["path"]
    declared = set(target.get("target_dependencies", []))
    if target.get("type") == "system-target" or not target.get("sources"):
        continue
    imported = set()
    for source in target["sources"]:
        if not source.endswith(".swift"):
            continue
        with open(os.path.join(path, source), encoding="utf-8") as handle:
            for line in handle:
                match = re.match(r"^\s*(?:@testable\s+)?(?:(?:public|package|internal)\s+)?import\s+(\w+)", line)
                if match and match.group(1) in targets and match.group(1) != name:
                    imported.add(match.group(1))
    if imported - declared:
        problems.append(f"{name} imports {sorted(imported - declared)} without declaring them")
    if declared - imported:
        problems.append(f"{name} declares {sorted(declared - imported)} but never imports them")
for problem in problems:
    print("dependency check:", problem)
if problems:
    sys.exit(1)
print(f"dependency check: {len([t for t in targets.values() if t.get('sources')])} targets declare exactly what they import")
