#!/usr/bin/env python3
"""Write BuildKit-parser golden JSON for every file of a corpus directory.

Runs the shared oracle (`../shared/oracle/buildkit_parse.py`, which wraps the
PyPI package `dockerfile==3.4.0`, i.e. BuildKit v0.12.5's parser) on each file
and stores `<out>/<same relative path>.json`:

  * accepted file: a JSON array, one object per instruction, in the shape of
    `dflint parse --format json`:
      {"cmd", "flags", "value", "start_line", "end_line", "json", "sub_cmd",
       "heredocs": [{"name", "content", "expand", "chomp"}]}
    `cmd` is lowercased (BuildKit's Node.Value is lowercased by the parser;
    the wrapper already gives it lowercase). ENV/LABEL values (also as an
    ONBUILD trigger) are converted from v0.12.5's (key, value) pairs to
    HEAD's (key, value, separator) triples with the oracle's own
    `_values_for_dump` logic (separator "=" for `k=v`, "" for `k v`).
  * rejected file: {"error": "<the parser's message>"}.

The wrapper does not expose Heredoc.Expand/Chomp; they are derived here from
the heredoc word on the instruction line (see `_heredoc_words`), following
BuildKit's rule (`^(\\d*)<<(-?)\\s*([^<]*)$`, expand = the word has no quoting).
The corpus has no heredocs today, so this path is untested by the goldens.

Usage: oracle-goldens.py CORPUS_DIR OUT_DIR [ORACLE_DIR]
"""
from __future__ import annotations

import json
import os
import re
import sys


def load_oracle(oracle_dir: str):
    sys.path.insert(0, oracle_dir)
    import buildkit_parse  # noqa: E402  (the shared oracle)
    return buildkit_parse


_HEREDOC_WORD = re.compile(r'^(\d*)<<(-?)\s*([^<]*)$')


def _heredoc_words(line: str) -> list[tuple[str, bool, bool]]:
    """(name, expand, chomp) for each heredoc word of an instruction line.

    A rough shell word split (quotes kept, backslash escapes kept) that is
    enough to recover the two flags the Python wrapper drops; the name itself
    is checked against the oracle's own heredoc names by the caller.
    """
    words, cur, quote, i = [], '', None, 0
    while i < len(line):
        ch = line[i]
        if quote:
            cur += ch
            if ch == quote:
                quote = None
        elif ch in '\'"':
            quote = ch
            cur += ch
        elif ch == '\\' and i + 1 < len(line):
            cur += line[i:i + 2]
            i += 1
        elif ch in ' \t':
            # v0.12.5 splits `<<  EOF` into two words (no heredoc); HEAD
            # keeps blanks after `<<` in the word. The goldens follow v0.12.5.
            if cur:
                words.append(cur)
                cur = ''
        else:
            cur += ch
        i += 1
    if cur:
        words.append(cur)
    out = []
    for w in words:
        m = _HEREDOC_WORD.match(w)
        if not m or not m.group(3):
            continue
        raw = m.group(3)
        name = re.sub(r'\\(.)', r'\1', raw.replace('"', '').replace("'", ''))
        out.append((name, not re.search(r'[\'"\\]', raw), m.group(2) == '-'))
    return out


def convert(bp, cmds) -> list[dict]:
    res = []
    for c in cmds:
        hd = []
        if c.heredocs:
            first = c.original.split('\n', 1)[0]
            words = _heredoc_words(first)
            for h in c.heredocs:
                # the next heredoc word with this name (in line order)
                while words and words[0][0] != h.name:
                    words.pop(0)
                if not words:
                    raise SystemExit(
                        f'cannot match heredoc {h.name!r} in {first!r}')
                _name, expand, chomp = words.pop(0)
                hd.append({'name': h.name, 'content': h.content,
                           'expand': expand, 'chomp': chomp})
        res.append({
            'cmd': c.cmd.lower(),
            'flags': list(c.flags),
            'value': bp._values_for_dump(c, legacy_kv=False),
            'start_line': c.start_line,
            'end_line': c.end_line,
            'json': bool(c.json),
            'sub_cmd': c.sub_cmd.lower() if c.sub_cmd else None,
            'heredocs': hd,
        })
    return res


def render(doc) -> str:
    """One instruction per line: small, and reviewable with `git diff`."""
    if isinstance(doc, dict):
        return json.dumps(doc, ensure_ascii=False) + '\n'
    rows = [json.dumps(d, ensure_ascii=False) for d in doc]
    return '[\n' + ',\n'.join(rows) + '\n]\n'


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 1
    corpus, out = argv[0], argv[1]
    oracle_dir = argv[2] if len(argv) == 3 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared',
        'oracle')
    bp = load_oracle(oracle_dir)
    n_ok = n_err = 0
    for root, _dirs, files in os.walk(corpus):
        for f in sorted(files):
            src = os.path.join(root, f)
            rel = os.path.relpath(src, corpus)
            dst = os.path.join(out, rel + '.json')
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            try:
                doc = convert(bp, bp.dockerfile.parse_file(src))
                n_ok += 1
            except (bp.dockerfile.GoParseError, bp.dockerfile.GoIOError) as e:
                doc = {'error': str(e)}
                n_err += 1
            with open(dst, 'w', encoding='utf-8') as fh:
                fh.write(render(doc))
    print(f'{n_ok} parsed, {n_err} rejected -> {out}', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
