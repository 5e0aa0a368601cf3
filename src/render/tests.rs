//! Every format over one fixed set of synthetic diagnostics, as snapshots, plus targeted checks
//! of what the snapshots alone would not make obvious.

use dflint_rules::{
    Applicability, Category, Diagnostic, Edit, Fix, FixKind, Related, RuleMeta, Severity,
};
use dflint_syntax::{LineIndex, TextRange, TextSize};
use serde_json::Value;

use super::{github, render, FileReport, Format, RenderOptions};

const DOCKERFILE: &str = r#"# syntax=docker/dockerfile:1
FROM node:20 AS build
WORKDIR /app
COPY . .
RUN echo "héllo wörld" && npm ci
COPY --chown=app "dépôt/<gen>" /app/
RUN apt-get update && \
    apt-get install -y curl
"#;

const CLEAN: &str = "FROM alpine:3.20\nRUN true\n";

/// The byte range of the `nth` (0-based) occurrence of `needle` in `text`.
fn find(text: &str, needle: &str, nth: usize) -> TextRange {
    let start = text
        .match_indices(needle)
        .nth(nth)
        .expect("needle in text")
        .0;
    TextRange::at(TextSize::from(start as u32), TextSize::of(needle))
}

fn diagnostics() -> Vec<Diagnostic> {
    let t = DOCKERFILE;
    // The first `.` after `COPY `: the source word.
    let source = TextRange::at(find(t, "COPY . .", 0).start() + TextSize::from(5), 1.into());
    vec![
        Diagnostic {
            code: "DF010",
            name: "stage-name-casing",
            severity: Severity::Style,
            message: "stage name `build` is lower case while `AS` is upper case".into(),
            range: find(t, "build", 0),
            related: vec![],
            notes: vec![],
            fix: None,
        },
        Diagnostic {
            code: "DF004",
            name: "cache-busting-order",
            severity: Severity::Warning,
            message: "`COPY . .` copies the whole context before `npm ci`, which needs only \
                      package.json and package-lock.json"
                .into(),
            range: source,
            related: vec![Related {
                range: find(t, "npm ci", 0),
                message: "this needs only the manifests".into(),
            }],
            notes: vec!["any change in the context now reruns `npm ci`".into()],
            fix: Some(Fix {
                message: "copy the manifests first, install, then copy the rest".into(),
                applicability: Applicability::Unsafe,
                edits: vec![
                    Edit::insert(
                        find(t, "COPY . .", 0).start(),
                        "COPY package.json package-lock.json ./\nRUN npm ci\n",
                    ),
                    Edit::delete(find(t, " && npm ci", 0)),
                ],
            }),
        },
        Diagnostic {
            code: "DF003",
            name: "missing-context",
            severity: Severity::Error,
            message: r#"source "dépôt/<gen>" is not in the build context: no such file & no match"#
                .into(),
            range: find(t, "<gen>", 0),
            related: vec![],
            notes: vec![],
            fix: None,
        },
        Diagnostic {
            code: "DF053",
            name: "apt-get-install-recommends",
            severity: Severity::Info,
            message: "apt-get install: add --no-install-recommends, to keep the image small\n\
                      (saves 100% of nothing)"
                .into(),
            range: find(t, "curl", 0),
            related: vec![],
            notes: vec![],
            fix: Some(Fix {
                message: "add --no-install-recommends".into(),
                applicability: Applicability::Safe,
                edits: vec![Edit::insert(
                    find(t, "curl", 0).start(),
                    "--no-install-recommends ",
                )],
            }),
        },
    ]
}

fn rules() -> Vec<RuleMeta> {
    let meta = |code, name, severity, category, summary, fix| RuleMeta {
        code,
        name,
        severity,
        category,
        summary,
        docs: "",
        hadolint: &[],
        buildkit: &[],
        fix,
        default_enabled: true,
    };
    vec![
        RuleMeta {
            docs: "## What it does\nReports an instruction before the first `FROM`.",
            hadolint: &["DL3061"],
            ..meta(
                "DF002",
                "from-first",
                Severity::Error,
                Category::Correctness,
                "An instruction other than ARG before the first FROM",
                FixKind::None,
            )
        },
        meta(
            "DF003",
            "missing-context",
            Severity::Error,
            Category::Correctness,
            "A build-context source that is not in the context",
            FixKind::None,
        ),
        meta(
            "DF004",
            "cache-busting-order",
            Severity::Warning,
            Category::Performance,
            "The whole context copied before a step that needs only the manifests",
            FixKind::Unsafe,
        ),
        meta(
            "DF010",
            "stage-name-casing",
            Severity::Style,
            Category::Style,
            "Stage names in a different case than the keywords",
            FixKind::None,
        ),
        meta(
            "DF053",
            "apt-get-install-recommends",
            Severity::Info,
            Category::Performance,
            "apt-get install without --no-install-recommends",
            FixKind::Safe,
        ),
    ]
}

/// Renders the fixture (the Dockerfile with its diagnostics, then a clean file).
fn output(format: Format, opts: RenderOptions) -> String {
    let diags = diagnostics();
    let (idx, clean_idx) = (LineIndex::new(DOCKERFILE), LineIndex::new(CLEAN));
    let reports = [
        FileReport {
            path: "Dockerfile",
            text: DOCKERFILE,
            line_index: &idx,
            diagnostics: &diags,
        },
        FileReport {
            path: "services/api/Dockerfile",
            text: CLEAN,
            line_index: &clean_idx,
            diagnostics: &[],
        },
    ];
    let mut out = Vec::new();
    render(format, &reports, &rules(), &opts, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn plain() -> RenderOptions {
    RenderOptions {
        color: false,
        show_fixes: true,
        unsafe_fixes: false,
    }
}

fn json_of(format: Format) -> Value {
    serde_json::from_str(&output(format, plain())).expect("valid JSON")
}

/// One snapshot per format, named `snapshot_<format>`. SARIF's tool version is masked so that
/// a release does not change it.
#[test]
fn snapshots() {
    for format in Format::ALL {
        let out = output(format, plain()).replace(
            &format!(r#""version": "{}""#, env!("CARGO_PKG_VERSION")),
            r#""version": "[VERSION]""#,
        );
        insta::assert_snapshot!(format!("snapshot_{format}"), out);
    }
}

#[test]
fn format_names_round_trip() {
    for f in Format::ALL {
        assert_eq!(f.as_str().parse::<Format>(), Ok(f));
    }
    assert!("xml".parse::<Format>().is_err());
}

#[test]
fn json_positions_are_one_based_characters() {
    let v = json_of(Format::Json);
    let all = v.as_array().unwrap();
    assert_eq!(all.len(), 4);
    // `<gen>` on line 6, after `COPY --chown=app "dépôt/`: 24 characters, 26 bytes.
    let gen = &all[2];
    assert_eq!(gen["code"], "DF003");
    assert_eq!(
        gen["range"]["start"],
        serde_json::json!({"line": 6, "column": 25})
    );
    assert_eq!(
        gen["range"]["end"],
        serde_json::json!({"line": 6, "column": 30})
    );
    // `curl` on the continuation line 8.
    let curl = &all[3];
    assert_eq!(
        curl["range"]["start"],
        serde_json::json!({"line": 8, "column": 24})
    );
    assert_eq!(curl["fix"]["applicability"], "safe");
    assert_eq!(curl["fix"]["edits"][0]["range"]["start"]["line"], 8);
    assert_eq!(all[0]["fix"], Value::Null);
    assert_eq!(all[0]["file"], "Dockerfile");
    assert_eq!(all[0]["severity"], "style");
}

#[test]
fn sarif_has_the_structure_code_scanning_reads() {
    let v = json_of(Format::Sarif);
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &v["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "dflint");
    assert!(driver["informationUri"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 5);
    for rule in rules {
        assert!(rule["id"].as_str().unwrap().starts_with("DF"));
        assert!(rule["name"].is_string());
        assert!(!rule["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .is_empty());
        assert!(rule["helpUri"].as_str().unwrap().starts_with("https://"));
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap();
        assert!(["error", "warning", "note"].contains(&level), "{level}");
    }
    assert_eq!(rules[0]["help"]["markdown"], self::rules()[0].docs);
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        assert!(r["message"]["text"].is_string());
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "Dockerfile");
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(loc["region"][key].as_u64().unwrap() >= 1, "{key}");
        }
    }
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["note", "warning", "error", "note"]);
    // UTF-16 columns: every character before `<gen>` is in the BMP, so 25 as in characters.
    let region = &results[2]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 6);
    assert_eq!(region["startColumn"], 25);
    assert_eq!(region["endColumn"], 30);
    // The fix of DF004 and its related location.
    let fix = &results[1]["fixes"][0];
    assert_eq!(
        fix["artifactChanges"][0]["artifactLocation"]["uri"],
        "Dockerfile"
    );
    let first = &fix["artifactChanges"][0]["replacements"][0];
    assert_eq!(first["deletedRegion"]["startLine"], 4);
    assert_eq!(
        first["deletedRegion"]["startColumn"],
        first["deletedRegion"]["endColumn"]
    );
    assert!(first["insertedContent"]["text"]
        .as_str()
        .unwrap()
        .starts_with("COPY package.json"));
    assert_eq!(
        results[1]["relatedLocations"][0]["physicalLocation"]["region"]["startLine"],
        5
    );
    assert!(results[0].get("fixes").is_none());
}

#[test]
fn sarif_lists_rules_missing_from_the_registry() {
    let diags = diagnostics();
    let idx = LineIndex::new(DOCKERFILE);
    let report = FileReport {
        path: "./a b/Dockerfile",
        text: DOCKERFILE,
        line_index: &idx,
        diagnostics: &diags,
    };
    let mut out = Vec::new();
    render(Format::Sarif, &[report], &[], &plain(), &mut out).unwrap();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["DF010", "DF004", "DF003", "DF053"]);
    for r in v["runs"][0]["results"].as_array().unwrap() {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        let uri = &r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        assert_eq!(uri, "a%20b/Dockerfile");
    }
}

fn parse_xml(text: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("not well-formed: {e}\n{text}"))
}

#[test]
fn checkstyle_is_well_formed_and_escaped() {
    let out = output(Format::Checkstyle, plain());
    let doc = parse_xml(&out);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "checkstyle");
    let files: Vec<_> = root.children().filter(|n| n.has_tag_name("file")).collect();
    assert_eq!(files.len(), 2);
    assert_eq!(files[1].attribute("name"), Some("services/api/Dockerfile"));
    assert_eq!(files[1].children().filter(|n| n.is_element()).count(), 0);
    let errors: Vec<_> = files[0]
        .children()
        .filter(|n| n.has_tag_name("error"))
        .collect();
    assert_eq!(errors.len(), 4);
    let gen = errors[2];
    assert_eq!(gen.attribute("line"), Some("6"));
    assert_eq!(gen.attribute("column"), Some("25"));
    assert_eq!(gen.attribute("severity"), Some("error"));
    assert_eq!(
        gen.attribute("message"),
        Some(
            r#"source "dépôt/<gen>" is not in the build context: no such file & no match [DF003 missing-context]"#
        )
    );
    // The newline in DF053's message survives as a character reference.
    assert!(errors[3]
        .attribute("message")
        .unwrap()
        .contains("small\n(saves"));
    assert!(!out.contains("<gen>"), "raw markup leaked into the XML");
}

#[test]
fn junit_is_well_formed_with_a_passing_case_for_a_clean_file() {
    let out = output(Format::Junit, plain());
    let doc = parse_xml(&out);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("5"));
    assert_eq!(root.attribute("failures"), Some("4"));
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 2);
    assert_eq!(cases(suites[0]).len(), 4);
    let failure = cases(suites[0])[2]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(failure
        .attribute("message")
        .unwrap()
        .contains(r#""dépôt/<gen>" "#));
    assert!(failure.text().unwrap().starts_with("Dockerfile:6:25: "));
    let clean = cases(suites[1]);
    assert_eq!(clean.len(), 1);
    assert!(clean[0].children().all(|n| !n.has_tag_name("failure")));
}

#[test]
fn github_escapes_data_and_properties() {
    assert_eq!(github::escape_data("100%\r\na:b,c"), "100%25%0D%0Aa:b,c");
    assert_eq!(
        github::escape_property("100%\r\na:b,c"),
        "100%25%0D%0Aa%3Ab%2Cc"
    );
    let out = output(Format::Github, plain());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.len(),
        4,
        "one command per diagnostic, nothing for the clean file"
    );
    assert_eq!(
        lines[3],
        "::notice file=Dockerfile,line=8,col=24,endLine=8,endColumn=28,\
         title=DF053 apt-get-install-recommends::apt-get install: add --no-install-recommends, \
         to keep the image small%0A(saves 100%25 of nothing)"
    );
    assert!(lines[2].starts_with("::error file=Dockerfile,line=6,col=25,endLine=6,endColumn=30,"));
}

#[test]
fn github_escapes_paths() {
    let idx = LineIndex::new(DOCKERFILE);
    let diags = &diagnostics()[2..3];
    let report = FileReport {
        path: r"a,b:c\Dockerfile",
        text: DOCKERFILE,
        line_index: &idx,
        diagnostics: diags,
    };
    let mut out = Vec::new();
    render(Format::Github, &[report], &[], &plain(), &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.starts_with("::error file=a%2Cb%3Ac/Dockerfile,line=6,"),
        "{out}"
    );
}

#[test]
fn gitlab_fingerprints_are_stable_and_unique() {
    let v = json_of(Format::Gitlab);
    let issues = v.as_array().unwrap();
    assert_eq!(issues.len(), 4);
    let severities: Vec<&str> = issues
        .iter()
        .map(|i| i["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["info", "major", "critical", "minor"]);
    assert_eq!(issues[3]["location"]["path"], "Dockerfile");
    assert_eq!(issues[3]["location"]["lines"]["begin"], 8);
    assert_eq!(issues[1]["check_name"], "DF004");
    // Same file, rule and line text: same fingerprint, wherever the line moved.
    let moved = format!("# a comment pushes everything down\n{DOCKERFILE}");
    let idx = LineIndex::new(&moved);
    let shift = TextSize::of("# a comment pushes everything down\n");
    let mut diags = diagnostics();
    for d in &mut diags {
        d.range += shift;
    }
    // Twice the same diagnostic: the fingerprints must still differ.
    diags.push(diags[2].clone());
    let report = FileReport {
        path: "Dockerfile",
        text: &moved,
        line_index: &idx,
        diagnostics: &diags,
    };
    let mut out = Vec::new();
    render(Format::Gitlab, &[report], &[], &plain(), &mut out).unwrap();
    let moved: Value = serde_json::from_slice(&out).unwrap();
    let moved = moved.as_array().unwrap();
    for (a, b) in issues.iter().zip(moved) {
        assert_eq!(a["fingerprint"], b["fingerprint"]);
        assert_eq!(
            a["location"]["lines"]["begin"].as_u64().unwrap() + 1,
            b["location"]["lines"]["begin"]
        );
    }
    assert_ne!(moved[2]["fingerprint"], moved[4]["fingerprint"]);
    let all: std::collections::HashSet<&str> = moved
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(all.len(), 5);
}

#[test]
fn human_header_summary_and_color() {
    let out = output(Format::Human, plain());
    assert!(out.contains("warning[DF004 cache-busting-order]: `COPY . .`"));
    assert!(out.contains("error[DF003 missing-context]"));
    assert!(
        out.contains("┌─ Dockerfile:6:25"),
        "character columns in the location:\n{out}"
    );
    assert!(out.contains("this needs only the manifests"));
    assert!(out.contains("fix available with --fix: add --no-install-recommends"));
    assert!(out.contains("fix available with --fix --unsafe-fixes: copy the manifests first"));
    assert!(out.ends_with(
        "Found 4 problems (1 error, 1 warning, 1 info, 1 style) in 1 file; \
         1 fixable with --fix, 1 more with --fix --unsafe-fixes\n"
    ));
    assert!(!out.contains('\x1b'));

    let colored = output(
        Format::Human,
        RenderOptions {
            color: true,
            ..plain()
        },
    );
    assert!(colored.contains('\x1b'));

    let quiet = output(
        Format::Human,
        RenderOptions {
            show_fixes: false,
            unsafe_fixes: true,
            ..plain()
        },
    );
    assert!(!quiet.contains("fix available"));
    assert!(quiet.ends_with("in 1 file\n"));
    let all_fixes = output(
        Format::Human,
        RenderOptions {
            unsafe_fixes: true,
            ..plain()
        },
    );
    assert!(all_fixes.ends_with("; 2 fixable with --fix\n"));
}

#[test]
fn human_summary_for_clean_files() {
    let idx = LineIndex::new(CLEAN);
    let report = FileReport {
        path: "Dockerfile",
        text: CLEAN,
        line_index: &idx,
        diagnostics: &[],
    };
    let mut out = Vec::new();
    render(Format::Human, &[report, report], &[], &plain(), &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "No problems found in 2 files\n"
    );
}

#[test]
fn out_of_range_positions_do_not_panic() {
    let idx = LineIndex::new(CLEAN);
    let mut d = diagnostics()[0].clone();
    d.range = TextRange::new(TextSize::from(3), TextSize::from(500));
    d.related = vec![Related {
        range: TextRange::empty(TextSize::from(999)),
        message: "x".into(),
    }];
    let diags = [d];
    let report = FileReport {
        path: "Dockerfile",
        text: CLEAN,
        line_index: &idx,
        diagnostics: &diags,
    };
    for format in Format::ALL {
        let mut out = Vec::new();
        render(format, &[report], &[], &plain(), &mut out).unwrap();
        assert!(!out.is_empty(), "{format}");
    }
    let v: Value = {
        let mut out = Vec::new();
        render(Format::Json, &[report], &[], &plain(), &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    };
    // The end clamps to the end of the text: after the final newline, line 3 column 1.
    assert_eq!(
        v[0]["range"]["end"],
        serde_json::json!({"line": 3, "column": 1})
    );
}

fn cases<'a, 'i>(suite: roxmltree::Node<'a, 'i>) -> Vec<roxmltree::Node<'a, 'i>> {
    suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect()
}

#[test]
fn sarif_counts_utf16_units_and_json_characters() {
    let text = "FROM a\nRUN echo \u{1D11E} && npm ci\n";
    let idx = LineIndex::new(text);
    let mut d = diagnostics()[1].clone();
    d.range = find(text, "npm", 0);
    d.related.clear();
    d.fix = None;
    let diags = [d];
    let report = FileReport {
        path: "Dockerfile",
        text,
        line_index: &idx,
        diagnostics: &diags,
    };
    let run = |format| -> Value {
        let mut out = Vec::new();
        render(format, &[report], &rules(), &plain(), &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    };
    let sarif = run(Format::Sarif);
    let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startColumn"], 16);
    assert_eq!(region["endColumn"], 19);
    let json = run(Format::Json);
    assert_eq!(json[0]["range"]["start"]["column"], 15);
    assert_eq!(json[0]["range"]["end"]["column"], 18);
}
