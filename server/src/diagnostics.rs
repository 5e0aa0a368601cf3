//! Running the rules on a snapshot and turning their diagnostics into LSP ones.

use crate::convert;
use crate::document::Snapshot;
use crate::settings::Environment;
use dflint_rules::{registry, Diagnostic, Model, Severity};
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::OnceLock;
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticTag, Location,
    NumberOrString, Uri,
};

/// Every diagnostic of every enabled rule, as `dflint check` would report it.
pub fn check(snap: &Snapshot, env: &Environment) -> Vec<Diagnostic> {
    let model = Model::new(&snap.text, &snap.parse);
    dflint_rules::check(&model, env.context.as_deref(), &env.settings)
}

/// A whole `textDocument/publishDiagnostics` notification, serialized.
pub fn publish_message(
    uri: &Uri,
    diagnostics: &[lsp::Diagnostic],
    version: Option<i32>,
) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct Params<'a> {
        uri: &'a Uri,
        diagnostics: &'a [lsp::Diagnostic],
        #[serde(skip_serializing_if = "Option::is_none")]
        version: Option<i32>,
    }
    #[derive(serde::Serialize)]
    struct Notification<'a> {
        jsonrpc: &'static str,
        method: &'static str,
        params: Params<'a>,
    }
    serde_json::to_vec(&Notification {
        jsonrpc: "2.0",
        method: "textDocument/publishDiagnostics",
        params: Params {
            uri,
            diagnostics,
            version,
        },
    })
    .unwrap_or_default()
}

/// The documentation link of a rule, parsed once per rule (parsing it for each of a thousand
/// diagnostics on every keystroke cost a noticeable part of a re-check).
fn docs_link(code: &str) -> Option<Uri> {
    static LINKS: OnceLock<HashMap<&'static str, Uri>> = OnceLock::new();
    LINKS
        .get_or_init(|| {
            registry::all()
                .iter()
                .filter_map(|r| {
                    let m = r.meta();
                    Some((m.code, Uri::from_str(&m.url()).ok()?))
                })
                .collect()
        })
        .get(code)
        .cloned()
}

pub fn to_lsp(snap: &Snapshot, d: &Diagnostic) -> lsp::Diagnostic {
    let severity = match d.severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Style => lsp::DiagnosticSeverity::HINT,
    };
    let href = docs_link(d.code);
    let mut message = d.message.clone();
    for note in &d.notes {
        message.push('\n');
        message.push_str(note);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .map(|r| DiagnosticRelatedInformation {
            location: Location::new(snap.uri.clone(), convert::range(snap, r.range)),
            message: r.message.clone(),
        })
        .collect();
    let tags = match d.name {
        "unused-suppression" => Some(vec![DiagnosticTag::UNNECESSARY]),
        n if n.starts_with("deprecated") || n.contains("maintainer") => {
            Some(vec![DiagnosticTag::DEPRECATED])
        }
        _ => None,
    };
    lsp::Diagnostic {
        range: convert::range(snap, d.range),
        severity: Some(severity),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: href.map(|href| CodeDescription { href }),
        source: Some("dflint".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags,
        data: Some(serde_json::json!({
            "name": d.name,
            "fixable": d.fix.is_some(),
        })),
    }
}

/// The serialized form of each diagnostic of the last publication, so that a re-check after a
/// keystroke serializes only what changed. A diagnostic is reused when what the client sees of
/// it is the same: rule, severity, message, notes, related messages, whether it has a fix, and
/// its line and column ranges (its byte ranges move with every character typed above it).
///
/// Both publications are in position order, so each diagnostic is looked for where the last
/// one left off, and found by a binary search when diagnostics were added or removed before it
/// (a hash map of a thousand entries, rebuilt on every keystroke, cost twice as much).
#[derive(Default)]
pub struct JsonCache {
    /// The last publication's diagnostics, in order (`None` once taken for the next one).
    entries: Vec<Option<Serialized>>,
    /// How many diagnostics the last publication took from the one before.
    reused: usize,
}

struct Serialized {
    diag: Diagnostic,
    /// Its range and its related locations' ranges, as the client sees them.
    range: lsp::Range,
    related: Vec<lsp::Range>,
    json: Vec<u8>,
}

/// True if `a` and `b` serialize the same, given the same positions.
fn looks_the_same(a: &Diagnostic, b: &Diagnostic) -> bool {
    a.code == b.code
        && a.severity == b.severity
        && a.message == b.message
        && a.notes == b.notes
        && a.fix.is_some() == b.fix.is_some()
        && a.related.len() == b.related.len()
        && a.related
            .iter()
            .zip(&b.related)
            .all(|(x, y)| x.message == y.message)
}

fn start_key(r: &lsp::Range) -> (u32, u32) {
    (r.start.line, r.start.character)
}

impl JsonCache {
    /// A whole `textDocument/publishDiagnostics` notification, serialized into a
    /// [`crate::transport::body_buffer`]. `diagnostics` are in position order, as `check`
    /// returns them.
    pub fn publish_message(
        &mut self,
        snap: &Snapshot,
        diagnostics: &[Diagnostic],
        version: Option<i32>,
    ) -> Vec<u8> {
        let mut prev = std::mem::take(&mut self.entries);
        let mut next: Vec<Option<Serialized>> = Vec::with_capacity(diagnostics.len());
        let mut out = crate::transport::body_buffer(diagnostics.len() * 340 + 256);
        out.extend_from_slice(
            br#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"#,
        );
        let _ = serde_json::to_writer(&mut out, &snap.uri);
        out.extend_from_slice(br#","diagnostics":["#);
        // Where to look next in `prev`.
        let mut cursor = 0;
        self.reused = 0;
        for (n, d) in diagnostics.iter().enumerate() {
            let range = convert::range(snap, d.range);
            // No allocation for the usual diagnostic without related locations.
            let related: Vec<lsp::Range> = d
                .related
                .iter()
                .map(|r| convert::range(snap, r.range))
                .collect();
            let same = |s: &Option<Serialized>| {
                s.as_ref().is_some_and(|s| {
                    s.range == range && s.related == related && looks_the_same(&s.diag, d)
                })
            };
            let found = if prev.get(cursor).is_some_and(same) {
                Some(cursor)
            } else {
                // Among the old diagnostics that start where this one does.
                let key = start_key(&range);
                let from = cursor.min(prev.len());
                let first = from
                    + prev[from..]
                        .partition_point(|s| s.as_ref().is_none_or(|s| start_key(&s.range) < key));
                prev[first..]
                    .iter()
                    .take_while(|s| s.as_ref().is_none_or(|s| start_key(&s.range) == key))
                    .position(same)
                    .map(|i| first + i)
            };
            let entry = match found.and_then(|k| {
                cursor = k + 1;
                prev[k].take()
            }) {
                Some(entry) => {
                    self.reused += 1;
                    entry
                }
                None => Serialized {
                    json: serde_json::to_vec(&to_lsp(snap, d)).unwrap_or_default(),
                    diag: d.clone(),
                    range,
                    related,
                },
            };
            if n > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&entry.json);
            next.push(Some(entry));
        }
        out.extend_from_slice(b"]");
        if let Some(v) = version {
            out.extend_from_slice(format!(r#","version":{v}"#).as_bytes());
        }
        out.extend_from_slice(b"}}");
        self.entries = next;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dflint_rules::Settings;

    fn fresh(snap: &Snapshot, diags: &[Diagnostic]) -> serde_json::Value {
        let lsp: Vec<_> = diags.iter().map(|d| to_lsp(snap, d)).collect();
        serde_json::from_slice(&publish_message(&snap.uri, &lsp, Some(snap.version))).unwrap()
    }

    /// The cache's message equals a fresh one across edits that move diagnostics by bytes
    /// only, by lines, change messages and remove some.
    #[test]
    fn cached_publication_equals_a_fresh_one_across_edits() {
        let uri = Uri::from_str("file:///d/Dockerfile").unwrap();
        let versions = [
            "FROM alpine\nRUN apt-get install curl\nFROM alpine:latest AS b\nRUN cd /x\n",
            "FROM alpine\nRUN apt-get install curlx\nFROM alpine:latest AS b\nRUN cd /x\n",
            "# c\nFROM alpine\nRUN apt-get install curlx\nFROM alpine:latest AS b\nRUN cd /x\n",
            "# c\nFROM alpine\nRUN apt-get install curlx\nFROM alpine:3 AS b\nRUN cd /x\n",
            "# c\nFROM alpine\nRUN apt-get install curlx\nFROM alpine:3 AS B\nRUN cd /y && sudo x\n",
        ];
        let mut cache = JsonCache::default();
        let mut reused = 0;
        for (v, text) in versions.iter().enumerate() {
            let snap = Snapshot::new(uri.clone(), v as i32, text.to_string());
            let model = Model::new(&snap.text, &snap.parse);
            let diags = dflint_rules::check(&model, None, &Settings::default());
            assert!(!diags.is_empty());
            let body = cache.publish_message(&snap, &diags, Some(snap.version));
            let json: serde_json::Value =
                serde_json::from_slice(&body[crate::transport::HEADER_ROOM..]).unwrap();
            assert_eq!(json, fresh(&snap, &diags), "{text}");
            reused += cache.reused;
        }
        assert!(reused > 0);
    }

    /// Diagnostics added or removed in the middle: the ones before and after are still found
    /// (by position, not only at the cursor), and the message still equals a fresh one.
    #[test]
    fn diagnostics_around_added_and_removed_ones_are_reused() {
        let uri = Uri::from_str("file:///d/Dockerfile").unwrap();
        let stage =
            |i: usize, pkgs: &str| format!("# s{i}\nFROM alpine:3 AS s{i}\nRUN apk add {pkgs}\n");
        let text = |pkgs: &dyn Fn(usize) -> &'static str| -> String {
            (0..30).map(|i| stage(i, pkgs(i))).collect()
        };
        let versions = [
            text(&|_| "curl"),
            // A character in a comment: nothing moves.
            text(&|_| "curl").replacen("# s1", "# sx1", 1),
            // Three more diagnostics in stage 10, then none in stage 20.
            text(&|i| {
                if i == 10 {
                    "curl git bash make"
                } else {
                    "curl"
                }
            }),
            text(&|i| match i {
                10 => "curl git bash make",
                20 => "curl=8.5-r0",
                _ => "curl",
            }),
        ];
        let mut cache = JsonCache::default();
        let mut reused = Vec::new();
        for (v, text) in versions.iter().enumerate() {
            let snap = Snapshot::new(uri.clone(), v as i32, text.clone());
            let model = Model::new(&snap.text, &snap.parse);
            let diags = dflint_rules::check(&model, None, &Settings::default());
            let body = cache.publish_message(&snap, &diags, Some(snap.version));
            let json: serde_json::Value =
                serde_json::from_slice(&body[crate::transport::HEADER_ROOM..]).unwrap();
            assert_eq!(json, fresh(&snap, &diags), "version {v}");
            reused.push((cache.reused, diags.len()));
        }
        let pinned = |v: usize| reused[v].1;
        assert_eq!(reused[0].0, 0);
        assert_eq!(reused[1].0, pinned(1), "{reused:?}");
        // Only the three new ones are serialized; then only the removed one is missing.
        assert_eq!(reused[2].0, pinned(2) - 3, "{reused:?}");
        assert_eq!(reused[3].0, pinned(3), "{reused:?}");
        assert_eq!(pinned(3), pinned(2) - 1);
    }
}
