use crate::model::unquote;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=<stage or image> / /`: the whole filesystem of another stage copied
    /// over the root of this one.
    ///
    /// ## Why it matters
    /// It overwrites this stage's files (`/etc/passwd`, the package database, libraries) with
    /// the other stage's, and copies what nobody asked for (caches, build tools), so the image
    /// is as big as the build stage and the multi-stage build gains nothing.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY --from=build / /
    /// ```
    ///
    /// ## Fix
    /// Copy only what the image needs: `COPY --from=build /app/bin/server /usr/local/bin/`.
    pub struct CopyEntireFilesystem;
}

static META: RuleMeta = RuleMeta {
    code: "DF101",
    name: "copy-entire-filesystem",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "COPY --from copies a whole filesystem over /",
    docs: CopyEntireFilesystem::DOCS,
    hadolint: &["DL3067"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for CopyEntireFilesystem {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for (_, instr) in cx.instructions() {
            if instr.kind() != SyntaxKind::COPY_INSTR || instr.flag("from").is_none() {
                continue;
            }
            let args: Vec<(String, TextRange)> = match instr.exec_form() {
                Some(e) => e.items(),
                None => instr
                    .args()
                    .into_iter()
                    .map(|w| (unquote(&w.text), w.range))
                    .collect(),
            };
            let Some(((dest, _), sources)) = args.split_last() else {
                continue;
            };
            if dest != "/" {
                continue;
            }
            for (_, range) in sources.iter().filter(|(s, _)| s == "/") {
                out.push(Diagnostic::new(
                    &META,
                    *range,
                    "copies the whole filesystem of another stage over this one: copy only what the image needs",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("copy-entire-filesystem");
    }
}
