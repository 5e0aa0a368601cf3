use crate::model::{expand, unquote};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `WORKDIR` whose path is relative (`WORKDIR app` rather than `WORKDIR /app`).
    ///
    /// ## Why it matters
    /// A relative `WORKDIR` is taken relative to the previous one, which may be set by the base
    /// image and change when the base image does. An absolute path says where files go.
    ///
    /// Unlike hadolint (DL3000), paths that start with a variable whose value is unknown
    /// (`WORKDIR $HOME/app`) are not reported, a variable with a known absolute value is
    /// resolved, and Windows paths (`C:\app`) count as absolute.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// WORKDIR /srv
    /// WORKDIR app
    /// ```
    ///
    /// ## Fix
    /// Write the absolute path. When an earlier `WORKDIR` of the stage (or of the stage it builds
    /// on) is absolute, the safe fix writes the path it resolves to (`/srv/app`).
    pub struct WorkdirNotAbsolute;
}

static META: RuleMeta = RuleMeta {
    code: "DF040",
    name: "workdir-not-absolute",
    severity: Severity::Error,
    category: Category::Reproducibility,
    summary: "WORKDIR with a relative path",
    docs: WorkdirNotAbsolute::DOCS,
    hadolint: &["DL3000"],
    buildkit: &[],
    fix: FixKind::Safe,
    default_enabled: true,
};

fn is_absolute(p: &str) -> bool {
    let b = p.as_bytes();
    p.starts_with('/')
        || p.starts_with('\\')
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

/// Joins `rel` onto the absolute `base`, resolving `.` and `..` as the builder does.
fn join(base: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

impl Rule for WorkdirNotAbsolute {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for stage in cx.stages() {
            walk(cx.model, stage.index, Some(out));
        }
    }
}

/// Goes through the WORKDIRs of stage `s`, reporting the relative ones into `out` when given;
/// returns the working directory the stage ends with, when the Dockerfile says it.
fn walk(model: &Model, s: usize, mut out: Option<&mut Vec<Diagnostic>>) -> Option<String> {
    let stage = &model.stages[s];
    // A base stage is always an earlier one.
    let mut cwd = stage
        .base_stage
        .filter(|&b| b < s)
        .and_then(|b| walk(model, b, None));
    for i in stage.from + 1..stage.end {
        let instr = &model.instructions[i];
        if instr.kind() != SyntaxKind::WORKDIR_INSTR {
            continue;
        }
        let Some(word) = instr.args().into_iter().next() else {
            continue;
        };
        let unknown = std::cell::Cell::new(false);
        let path = expand(&unquote(&word.text), &|n| {
            let v = model.value_at(i, n);
            if v.is_none() {
                unknown.set(true);
            }
            v
        });
        if path.is_empty() || (unknown.get() && word.text.starts_with('$')) {
            cwd = None;
            continue;
        }
        if is_absolute(&path) {
            cwd = (!unknown.get() && path.starts_with('/')).then(|| join("/", &path));
            continue;
        }
        let mut d = Diagnostic::new(
            &META,
            word.range,
            format!("WORKDIR `{}` is relative; use an absolute path", word.text),
        );
        match (&cwd, unknown.get()) {
            (Some(base), false) if !word.text.contains('$') => {
                let abs = join(base, &path);
                d = d.with_fix(Fix {
                    message: format!("Use `{abs}`"),
                    applicability: Applicability::Safe,
                    edits: vec![Edit::replace(word.range, abs.clone())],
                });
                cwd = Some(abs);
            }
            _ => {
                d = d.with_note(
                    "it is relative to the base image's working directory, which this file does not show",
                );
                cwd = None;
            }
        }
        if let Some(out) = out.as_deref_mut() {
            out.push(d);
        }
    }
    cwd
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("workdir-not-absolute");
    }

    #[test]
    fn joins_paths() {
        assert_eq!(super::join("/srv", "a/../b/./c"), "/srv/b/c");
        assert_eq!(super::join("/", "x"), "/x");
    }
}
