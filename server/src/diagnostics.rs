//! Running the rules on a snapshot and turning their diagnostics into LSP ones.

use crate::convert;
use crate::document::Snapshot;
use crate::settings::Environment;
use dflint_rules::{registry, Diagnostic, Model, Severity};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::str::FromStr;
use std::sync::{Arc, OnceLock};
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
#[derive(Default)]
pub struct JsonCache {
    /// By a hash of the rule and the positions; the rest is compared on use.
    entries: HashMap<u64, Arc<Serialized>>,
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

impl JsonCache {
    /// A whole `textDocument/publishDiagnostics` notification, serialized into a
    /// [`crate::transport::body_buffer`].
    pub fn publish_message(
        &mut self,
        snap: &Snapshot,
        diagnostics: &[Diagnostic],
        version: Option<i32>,
    ) -> Vec<u8> {
        let mut next: HashMap<u64, Arc<Serialized>> = HashMap::with_capacity(diagnostics.len());
        let mut out = crate::transport::body_buffer(diagnostics.len() * 340 + 256);
        out.extend_from_slice(
            br#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"#,
        );
        let _ = serde_json::to_writer(&mut out, &snap.uri);
        out.extend_from_slice(br#","diagnostics":["#);
        for (n, d) in diagnostics.iter().enumerate() {
            let range = convert::range(snap, d.range);
            // No allocation for the usual diagnostic without related locations.
            let related: Vec<lsp::Range> = d
                .related
                .iter()
                .map(|r| convert::range(snap, r.range))
                .collect();
            let key = {
                let mut h = DefaultHasher::new();
                d.code.hash(&mut h);
                for p in std::iter::once(&range).chain(&related) {
                    (p.start.line, p.start.character, p.end.line, p.end.character).hash(&mut h);
                }
                h.finish()
            };
            let found = self
                .entries
                .get(&key)
                .filter(|s| s.range == range && s.related == related && looks_the_same(&s.diag, d))
                .cloned();
            let entry = found.unwrap_or_else(|| {
                Arc::new(Serialized {
                    json: serde_json::to_vec(&to_lsp(snap, d)).unwrap_or_default(),
                    diag: d.clone(),
                    range,
                    related,
                })
            });
            if n > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&entry.json);
            // Of two diagnostics with the same key (same rule and place), the last is kept.
            next.insert(key, entry);
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
            let before = cache.entries.len();
            let body = cache.publish_message(&snap, &diags, Some(snap.version));
            let json: serde_json::Value =
                serde_json::from_slice(&body[crate::transport::HEADER_ROOM..]).unwrap();
            assert_eq!(json, fresh(&snap, &diags), "{text}");
            reused += before.min(cache.entries.len());
        }
        assert!(reused > 0);
    }
}
