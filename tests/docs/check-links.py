#!/usr/bin/env python3
# Every link in README.md and docs/*.md that is not a URL names a file (or
# folder) inside this repository: a reader of a clone or of the forge must be
# able to follow it. Backticked paths that climb out of docs/ (`../x`) count
# as links too, since readers follow those by hand.
# Usage: check-links.py SOURCE_ROOT
import os
import re
import sys

root = os.path.realpath(sys.argv[1])
pages = [os.path.join(root, "README.md")] + sorted(
    os.path.join(root, "docs", name) for name in os.listdir(os.path.join(root, "docs"))
    if name.endswith(".md"))

link = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
climbing = re.compile(r"`(\.\./[^`\s]+)`")
bad = []
for page in pages:
    with open(page, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            targets = link.findall(line) + climbing.findall(line)
            for target in targets:
                if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                    continue
                path = target.split("#", 1)[0]
                resolved = os.path.realpath(os.path.join(os.path.dirname(page), path))
                where = "%s:%d: %s" % (os.path.relpath(page, root), number, target)
                if os.path.commonpath([resolved, root]) != root:
                    bad.append(where + " (outside the repository)")
                elif not os.path.exists(resolved):
                    bad.append(where + " (no such file)")

for b in bad:
    print(b)
print("%d pages checked, %d bad links" % (len(pages), len(bad)))
sys.exit(1 if bad else 0)
