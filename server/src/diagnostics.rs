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
