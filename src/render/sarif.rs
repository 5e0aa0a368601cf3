//! SARIF 2.1.0, shaped the way GitHub code scanning reads it: the driver's rule list with
//! descriptions, help and default levels, then one result per diagnostic with its rule's index,
//! a physical location (relative URI with forward slashes, 1-based region), related locations
//! and fixes.
//!
//! Columns count UTF-16 code units, SARIF's default `columnKind` (stated in the run as well);
//! `endColumn` is exclusive as the specification defines it.

use std::collections::HashMap;
use std::io::{self, Write};

use dflint_rules::{Diagnostic, RuleMeta, Severity};
use dflint_syntax::TextRange;
use serde::Serialize;

use super::{normalize_path, ColumnUnit, FileReport};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://dflint.dev";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    information_uri: &'static str,
    version: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Message,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Help<'a>>,
    default_configuration: Configuration,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<Properties>,
}

#[derive(Serialize)]
struct Help<'a> {
    text: &'a str,
    markdown: &'a str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Properties {
    tags: Vec<String>,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Message,
    artifact_changes: Vec<ArtifactChange>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Message,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "note",
    }
}

fn rule(meta: &RuleMeta) -> Rule<'_> {
    Rule {
        id: meta.code,
        name: meta.name,
        short_description: Message {
            text: meta.summary.to_string(),
        },
        help_uri: Some(meta.url()),
        help: (!meta.docs.is_empty()).then_some(Help {
            text: meta.docs,
            markdown: meta.docs,
        }),
        default_configuration: Configuration {
            level: level(meta.severity),
        },
        properties: Some(Properties {
            tags: vec![category(meta)],
        }),
    }
}

fn category(meta: &RuleMeta) -> String {
    serde_json::to_value(meta.category)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A rule that a diagnostic names but the registry list does not hold; every result's
/// `ruleIndex` must point into `rules`.
fn unknown_rule(d: &Diagnostic) -> Rule<'_> {
    Rule {
        id: d.code,
        name: d.name,
        short_description: Message {
            text: d.name.to_string(),
        },
        help_uri: None,
        help: None,
        default_configuration: Configuration {
            level: level(d.severity),
        },
        properties: None,
    }
}

/// The artifact URI of a path: relative paths stay relative (to `%SRCROOT%`, the repository
/// root for GitHub), absolute ones become `file://` URIs; both percent-encoded.
fn artifact_location(path: &str) -> ArtifactLocation {
    let p = normalize_path(path);
    let drive = p.len() >= 2 && p.as_bytes()[1] == b':' && p.as_bytes()[0].is_ascii_alphabetic();
    if p.starts_with('/') {
        ArtifactLocation {
            uri: format!("file://{}", encode(&p)),
            uri_base_id: None,
        }
    } else if drive {
        ArtifactLocation {
            uri: format!("file:///{}:{}", &p[..1], encode(&p[2..])),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: encode(&p),
            uri_base_id: Some("%SRCROOT%"),
        }
    }
}

/// Percent-encodes everything but unreserved characters and `/`.
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn region(report: &FileReport<'_>, range: TextRange) -> Region {
    let (start, end) = report.span(range, ColumnUnit::Utf16);
    Region {
        start_line: start.line,
        start_column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

fn physical(
    report: &FileReport<'_>,
    artifact: &ArtifactLocation,
    range: TextRange,
) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: artifact.clone(),
        region: region(report, range),
    }
}

pub(super) fn render(
    reports: &[FileReport<'_>],
    rules: &[RuleMeta],
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut driver_rules: Vec<Rule<'_>> = rules.iter().map(rule).collect();
    let mut index: HashMap<&str, usize> =
        rules.iter().enumerate().map(|(i, r)| (r.code, i)).collect();
    let mut results = Vec::new();
    for report in reports {
        let artifact = artifact_location(report.path);
        for d in report.diagnostics {
            let rule_index = *index.entry(d.code).or_insert_with(|| {
                driver_rules.push(unknown_rule(d));
                driver_rules.len() - 1
            });
            let mut text = d.message.clone();
            for note in &d.notes {
                text.push_str("\nnote: ");
                text.push_str(note);
            }
            let related_locations = d
                .related
                .iter()
                .enumerate()
                .map(|(i, r)| Location {
                    id: Some(i),
                    physical_location: physical(report, &artifact, r.range),
                    message: Some(Message {
                        text: r.message.clone(),
                    }),
                })
                .collect();
            let fixes = d
                .fix
                .iter()
                .map(|f| SarifFix {
                    description: Message {
                        text: f.message.clone(),
                    },
                    artifact_changes: vec![ArtifactChange {
                        artifact_location: artifact.clone(),
                        replacements: f
                            .edits
                            .iter()
                            .map(|e| Replacement {
                                deleted_region: region(report, e.range),
                                inserted_content: Message {
                                    text: e.content.clone(),
                                },
                            })
                            .collect(),
                    }],
                })
                .collect();
            results.push(SarifResult {
                rule_id: d.code,
                rule_index,
                level: level(d.severity),
                message: Message { text },
                locations: vec![Location {
                    id: None,
                    physical_location: physical(report, &artifact, d.range),
                    message: None,
                }],
                related_locations,
                fixes,
            });
        }
    }
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "dflint",
                    information_uri: INFORMATION_URI,
                    version: env!("CARGO_PKG_VERSION"),
                    rules: driver_rules,
                },
            },
            column_kind: "utf16CodeUnits",
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::artifact_location;

    #[test]
    fn artifact_uris() {
        let rel = artifact_location(r".\app dir\Dockerfile");
        assert_eq!(rel.uri, "app%20dir/Dockerfile");
        assert_eq!(rel.uri_base_id, Some("%SRCROOT%"));
        assert_eq!(
            artifact_location("/src/Dockerfile").uri,
            "file:///src/Dockerfile"
        );
        assert_eq!(
            artifact_location(r"C:\src\Dockerfile").uri,
            "file:///C:/src/Dockerfile"
        );
    }
}
