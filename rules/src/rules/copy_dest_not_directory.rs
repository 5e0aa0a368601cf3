use crate::model::{expand, unquote};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `COPY` with more than one source whose destination does not end with `/`.
    ///
    /// ## Why it matters
    /// With several sources the destination must be a directory, and the builder insists on
    /// seeing the `/`: "When using COPY with more than one source file, the destination must be a
    /// directory and end with a /". The build stops.
    ///
    /// As in hadolint (DL3021) for `COPY`; heredoc sources count as sources, the exec form
    /// (`COPY ["a", "b", "/dst"]`) is read too, and a destination from a variable is resolved.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY package.json package-lock.json /app
    /// ```
    ///
    /// ## Fix
    /// Add the `/` (safe: the build cannot succeed without it, and with it the files land where
    /// the line says).
    pub struct CopyDestNotDirectory;
}

static META: RuleMeta = RuleMeta {
    code: "DF058",
    name: "copy-dest-not-directory",
    severity: Severity::Error,
    category: Category::Correctness,
    summary: "COPY with several sources to a destination without a trailing /",
    docs: CopyDestNotDirectory::DOCS,
    hadolint: &["DL3021"],
    buildkit: &[],
    fix: FixKind::Safe,
    default_enabled: true,
};

impl Rule for CopyDestNotDirectory {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        for (i, instr) in cx.instructions() {
            if instr.kind() != SyntaxKind::COPY_INSTR {
                continue;
            }
            // (all arguments, destination text, destination range, where a `/` goes)
            let (count, dest, range, insert_at) = match instr.exec_form() {
                Some(e) => {
                    let items = e.items();
                    let Some((d, r)) = items.last().cloned() else {
                        continue;
                    };
                    (items.len(), d, r, r.end() - TextSize::from(1))
                }
                None => {
                    let args = instr.args();
                    let Some(d) = args.last() else { continue };
                    (args.len(), unquote(&d.text), d.range, d.range.end())
                }
            };
            if count < 3 {
                continue;
            }
            let unknown = std::cell::Cell::new(false);
            let value = expand(&dest, &|n| {
                let v = model.value_at(i, n);
                unknown.set(unknown.get() || v.is_none());
                v
            });
            if unknown.get() || value.ends_with('/') || value.ends_with('\\') {
                continue;
            }
            let mut d = Diagnostic::new(
                &META,
                range,
                format!(
                    "COPY with {} sources needs a directory destination ending with `/`",
                    count - 1
                ),
            );
            if !dest.contains('$') {
                d = d.with_fix(Fix {
                    message: "Add `/`".into(),
                    applicability: Applicability::Safe,
                    edits: vec![Edit::insert(insert_at, "/")],
                });
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("copy-dest-not-directory");
    }
}
