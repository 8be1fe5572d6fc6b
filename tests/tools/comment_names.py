#!/usr/bin/env python3
"""Prints every snake_case name a comment in the given C files names that
the code (of all those files) never uses: a comment naming something no
longer there. Names of Xen's shell functions, which comments cite, are
known. Exit status 1 when there is any."""
import re
import sys

# Xen's shell scripts' functions, cited where this code does as they do.
XEN_SHELL = {"release_lock", "call_hooks"}

COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
code, comments = "", []
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for m in COMMENT.finditer(text):
        comments.append((path, text.count("\n", 0, m.start()) + 1, m.group()))
    code += COMMENT.sub("", text)
known = set(re.findall(r"\b[A-Za-z_][A-Za-z0-9_]*\b", code)) | XEN_SHELL
stale = 0
for path, line, text in comments:
    for name in sorted(set(re.findall(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b", text)) - known):
        print(f"{path}:{line}: the comment names {name}, which is not in the code")
        stale += 1
sys.exit(1 if stale else 0)
