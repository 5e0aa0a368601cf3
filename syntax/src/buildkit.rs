//! BuildKit's view of the file: the node chain its parser produces (`cmd`, flags, values, lines,
//! heredocs), for `dflint parse --format json` and for comparing with BuildKit itself.

use crate::ast::{Dockerfile, Instruction};
use crate::instr::{parse_instr, Args, Instr};
use crate::{LineIndex, Parse};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Heredoc {
    pub name: String,
    pub content: String,
    pub expand: bool,
    pub chomp: bool,
}

/// One instruction as BuildKit's parser sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Node {
    pub cmd: String,
    pub flags: Vec<String>,
    pub value: Vec<String>,
    pub start_line: usize,
    pub end_line: usize,
    pub json: bool,
    pub sub_cmd: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<Box<SubNode>>,
    pub heredocs: Vec<Heredoc>,
}

/// ONBUILD's trigger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubNode {
    pub cmd: String,
    pub flags: Vec<String>,
    pub value: Vec<String>,
    pub json: bool,
}

fn values(instr: &Instr, line: &str) -> Vec<String> {
    if instr.kind == crate::SyntaxKind::UNKNOWN_INSTR {
        // BuildKit's parser keeps an unknown instruction with one empty value (`parseIgnore`).
        return vec![String::new()];
    }
    let text = |p: &crate::words::Piece| p.text(line).to_string();
    match &instr.args {
        Args::None => Vec::new(),
        Args::Words(w) => w.iter().map(text).collect(),
        Args::String(p, _) | Args::Shell(p) => vec![text(p)],
        Args::Exec(items, _) => items.clone(),
        Args::KeyValues { legacy, pairs, .. } => pairs
            .iter()
            .flat_map(|kv| {
                let v = kv.value.as_ref().map(text).unwrap_or_default();
                [
                    text(&kv.key),
                    v,
                    if *legacy { String::new() } else { "=".into() },
                ]
            })
            .collect(),
        Args::ArgDecls(decls) => decls
            .iter()
            .map(|kv| match &kv.value {
                Some(v) => format!("{}={}", text(&kv.key), text(v)),
                None => text(&kv.key),
            })
            .collect(),
        Args::Health(typ, cmd) => {
            let sub = Instr {
                args: (**cmd).clone(),
                ..instr.clone()
            };
            std::iter::once(text(typ))
                .chain(values(&sub, line))
                .collect()
        }
        Args::OnBuild(sub) => values(sub, line),
    }
}

/// BuildKit's node for one top-level instruction.
pub fn node(instr: &Instruction, escape: char, index: &LineIndex) -> Node {
    let logical = instr.logical_text();
    let parsed = parse_instr(&logical.text, 0..logical.text.len(), escape);
    let range = instr.range();
    let start_line = index.line_of(range.start()) as usize + 1;
    let end_line = index.line_of(range.end() - rowan::TextSize::from(u32::from(!range.is_empty())))
        as usize
        + 1;
    let markers = crate::instr::heredoc_markers(&logical.text, &parsed);
    let heredocs = instr
        .heredocs()
        .zip(markers)
        .map(|(h, m)| Heredoc {
            name: m.name,
            content: h.body(),
            expand: m.expand,
            chomp: m.chomp,
        })
        .collect();
    let sub = match &parsed.args {
        Args::OnBuild(sub) => Some(Box::new(SubNode {
            cmd: sub.keyword.text(&logical.text).to_lowercase(),
            flags: sub
                .flags
                .iter()
                .map(|f| f.text(&logical.text).to_string())
                .collect(),
            value: values(sub, &logical.text),
            json: sub.is_json(),
        })),
        _ => None,
    };
    Node {
        cmd: parsed.keyword.text(&logical.text).to_lowercase(),
        flags: parsed
            .flags
            .iter()
            .map(|f| f.text(&logical.text).to_string())
            .collect(),
        value: values(&parsed, &logical.text),
        start_line,
        end_line,
        json: sub.as_ref().map_or(parsed.is_json(), |s| s.json),
        sub_cmd: sub.as_ref().map(|s| s.cmd.clone()),
        sub,
        heredocs,
    }
}

/// BuildKit's nodes for the whole file.
pub fn nodes(parse: &Parse, text: &str) -> Vec<Node> {
    let tree: Dockerfile = parse.tree();
    let escape = tree.escape_char();
    let index = LineIndex::new(text);
    tree.instructions()
        .map(|i| node(&i, escape, &index))
        .collect()
}

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if c == ' '
                || (!c.is_control() && !c.is_whitespace() && c != '\u{feff}' && c != '\u{ad}') =>
            {
                out.push(c)
            }
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

fn dump_one(cmd: &str, flags: &[String], value: &[String]) -> String {
    let mut s = cmd.to_string();
    if !flags.is_empty() {
        s.push_str(" [");
        s.push_str(
            &flags
                .iter()
                .map(|f| go_quote(f))
                .collect::<Vec<_>>()
                .join(" "),
        );
        s.push(']');
    }
    for v in value {
        s.push(' ');
        s.push_str(&go_quote(v));
    }
    s
}

/// BuildKit's `Node.Dump()` format used by its parser test files: one `(cmd ...)` per line.
pub fn dump(nodes: &[Node]) -> String {
    let mut out = String::new();
    for n in nodes {
        let s = match &n.sub {
            Some(sub) => format!(
                "{} ({})",
                dump_one(&n.cmd, &n.flags, &[]),
                dump_one(&sub.cmd, &sub.flags, &sub.value)
            ),
            None => dump_one(&n.cmd, &n.flags, &n.value),
        };
        out.push('(');
        out.push_str(&s);
        out.push_str(")\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn onbuild_nests_its_trigger() {
        let text = "FROM a\nONBUILD COPY --from=x a b\n";
        let n = nodes(&crate::parse(text), text);
        assert_eq!(
            dump(&n),
            "(from \"a\")\n(onbuild (copy [\"--from=x\"] \"a\" \"b\"))\n"
        );
        assert_eq!(n[1].sub_cmd.as_deref(), Some("copy"));
    }

    #[test]
    fn lines_cover_continuations_and_heredocs() {
        let text = "FROM a\nRUN <<EOF \\\n  x\nbody\nEOF\nCMD b\n";
        let n = nodes(&crate::parse(text), text);
        assert_eq!((n[1].start_line, n[1].end_line), (2, 5));
        assert_eq!(n[1].heredocs[0].content, "body\n");
        assert_eq!((n[2].start_line, n[2].end_line), (6, 6));
    }
}
