use crate::model::AUTOMATIC_ARGS;
use crate::prelude::*;
use dflint_syntax::validate::{levenshtein, may_be_within};

declare_rule! {
    /// ## What it does
    /// Reports a `$variable` that no `ARG` or `ENV` in scope defines, in the parts of an
    /// instruction the builder itself expands: `COPY`/`ADD` sources, destinations and flags,
    /// `ENV`/`LABEL` values, `ARG` defaults, `WORKDIR`, `USER`, `VOLUME`, `STOPSIGNAL`, `EXPOSE`,
    /// and `RUN` flags such as `--mount`. Shell commands are left alone: the shell expands them.
    /// Same as BuildKit's `UndefinedVar` check, with its "did you mean" suggestion. `FROM` lines
    /// are `undefined-arg-in-from`'s business.
    ///
    /// A variable set by the base image (other than `PATH`) or only on the command line
    /// (`--build-arg` without an `ARG`) is not known to dflint.
    ///
    /// ## Why it matters
    /// An undefined variable expands to nothing: `COPY $SRC /app` copies the whole context,
    /// `WORKDIR /srv/$APP` is `/srv/`. Usually it is a typo or an `ARG` declared before `FROM`
    /// and not redeclared in the stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG VERSION=1.0
    /// FROM alpine:3.20
    /// COPY app-$VERSION.tar.gz /app/
    /// ```
    ///
    /// ## Fix
    /// Declare it (`ARG VERSION` inside the stage) or correct the name.
    pub struct UndefinedVariable;
}

static META: RuleMeta = RuleMeta {
    code: "DF020",
    name: "undefined-variable",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "A variable is used but not defined",
    docs: UndefinedVariable::DOCS,
    hadolint: &[],
    buildkit: &["UndefinedVar"],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for UndefinedVariable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        for (i, instr) in cx.instructions() {
            if model.stage_of(i).is_none() {
                continue;
            }
            let flags_only = match instr.kind() {
                SyntaxKind::COPY_INSTR
                | SyntaxKind::ADD_INSTR
                | SyntaxKind::ENV_INSTR
                | SyntaxKind::LABEL_INSTR
                | SyntaxKind::ARG_INSTR
                | SyntaxKind::WORKDIR_INSTR
                | SyntaxKind::USER_INSTR
                | SyntaxKind::VOLUME_INSTR
                | SyntaxKind::STOPSIGNAL_INSTR
                | SyntaxKind::EXPOSE_INSTR => false,
                SyntaxKind::RUN_INSTR => true,
                _ => continue,
            };
            // Most instructions reference no variable: their words need not be read.
            if !model.text[instr.range()].contains('$') {
                continue;
            }
            let flag_ranges: Vec<TextRange> = instr.flags().map(|f| f.range()).collect();
            if flags_only && flag_ranges.is_empty() {
                // The shell expands a RUN's command, not the builder.
                continue;
            }
            let refs = instr.variable_refs(model.escape);
            if refs.is_empty() {
                continue;
            }
            let mut defined: Vec<&str> = model
                .visible_defs(i)
                .iter()
                .map(|d| d.name.as_str())
                .collect();
            defined.push("PATH");
            for r in refs {
                let range = r.range.text_range();
                if flags_only && !flag_ranges.iter().any(|f| f.contains_range(range)) {
                    continue;
                }
                if defined.contains(&r.name.as_str()) || AUTOMATIC_ARGS.contains(&r.name.as_str()) {
                    continue;
                }
                let mut msg = format!("Usage of undefined variable '${}'", r.name);
                if let Some(s) = did_you_mean(&r.name, defined.iter().copied()) {
                    msg.push_str(&format!(" (did you mean ${s}?)"));
                }
                out.push(Diagnostic::new(&META, range, msg));
            }
        }
    }
}

/// BuildKit's suggestion: the closest option within an edit distance of 2 (first one on a tie),
/// none when the name is itself an option.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    options: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best = None;
    let mut min = 3;
    for opt in options {
        if opt == name {
            return None;
        }
        if !may_be_within(name, opt, 2) {
            continue;
        }
        let d = levenshtein(name, opt);
        if d < min {
            min = d;
            best = Some(opt);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("undefined-variable");
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            dflint_syntax::validate::levenshtein("BULIDPLATFORM", "BUILDPLATFORM"),
            2
        );
        assert_eq!(
            super::did_you_mean("DIR_ASSET", ["DIR_BINARIES", "DIR_ASSETS", "DIR_CONFIG"]),
            Some("DIR_ASSETS")
        );
        assert_eq!(super::did_you_mean("FOO", ["BAR"]), None);
    }
}
