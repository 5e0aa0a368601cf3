//! Test support: run one rule over its fixture and render the diagnostics for a snapshot.

use crate::config::Settings;
use crate::model::Model;
use crate::registry;
use dflint_context::BuildContext;
use std::path::Path;

/// Renders diagnostics one per line: `line:col-line:col CODE name: message`, then the source
/// line, then the fix's result (if any), so a snapshot shows exactly what fires where.
pub fn render(text: &str, diags: &[crate::Diagnostic]) -> String {
    let model_index = dflint_syntax::LineIndex::new(text);
    let mut s = String::new();
    for d in diags {
        let a = model_index.line_col_chars(text, d.range.start());
        let b = model_index.line_col_chars(text, d.range.end());
        s.push_str(&format!(
            "{}:{}-{}:{} {} {} [{}]: {}\n",
            a.line + 1,
            a.col + 1,
            b.line + 1,
            b.col + 1,
            d.code,
            d.name,
            d.severity.as_str(),
            d.message
        ));
        s.push_str(&format!("    | {}\n", &text[d.range]));
        for n in &d.notes {
            s.push_str(&format!("    = note: {n}\n"));
        }
        if let Some(fix) = &d.fix {
            match crate::apply_edits(text, &fix.edits) {
                Some(fixed) => s.push_str(&format!(
                    "    fix ({:?}): {}\n{}\n",
                    fix.applicability,
                    fix.message,
                    indent(&fixed)
                )),
                None => s.push_str("    fix: EDITS DO NOT APPLY\n"),
            }
        }
    }
    s
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("      > {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs every default rule plus the named one over `text` (so suppressions behave as in real
/// use), and returns the named rule's diagnostics.
pub fn run_rule(
    name: &str,
    text: &str,
    build_context: Option<&BuildContext>,
) -> Vec<crate::Diagnostic> {
    run_rule_with(name, text, build_context, Settings::default())
}

/// [`run_rule`] with the given settings (the named rule is turned on).
pub fn run_rule_with(
    name: &str,
    text: &str,
    build_context: Option<&BuildContext>,
    mut settings: Settings,
) -> Vec<crate::Diagnostic> {
    let meta = registry::lookup(name).unwrap_or_else(|| panic!("no rule {name}"));
    settings.enable(meta.code);
    let parse = dflint_syntax::parse(text);
    let model = Model::new(text, &parse);
    let mut diags = crate::check(&model, build_context, &settings);
    diags.retain(|d| d.code == meta.code);
    diags
}

/// Snapshot test of a rule over `rules/fixtures/<name>.Dockerfile`, or, for rules that need a
/// build context, over `rules/fixtures/<name>/Dockerfile` with that folder as the context. A
/// rule that needs configuration gets it from `rules/fixtures/<name>.dflint.toml`.
///
/// The context folder is opened by a path relative to the crate (cargo runs tests in the
/// crate's folder), so that messages naming it (`... (fixtures/missing-context)`) are the same
/// on every checkout.
pub fn assert_fixture(name: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let file = root.join(format!("{name}.Dockerfile"));
    let (path, ctx) = if file.is_file() {
        (file, None)
    } else {
        let dir = Path::new("fixtures").join(name);
        assert!(
            dir.canonicalize().ok() == root.join(name).canonicalize().ok(),
            "{}: run the tests from the crate folder `{}` (cargo test does)",
            dir.display(),
            env!("CARGO_MANIFEST_DIR")
        );
        let df = dir.join("Dockerfile");
        let ctx = BuildContext::open(&dir, &df);
        (df, Some(ctx))
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let config = root.join(format!("{name}.dflint.toml"));
    let settings = if config.is_file() {
        crate::Config::load(&config)
            .unwrap_or_else(|e| panic!("{e}"))
            .settings_for(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", config.display()))
    } else {
        Settings::default()
    };
    let diags = run_rule_with(name, &text, ctx.as_ref(), settings);
    assert!(
        !diags.is_empty(),
        "the fixture of {name} must contain cases where the rule fires"
    );
    insta::with_settings!({ snapshot_path => "../fixtures/snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, render(&text, &diags));
    });
}
