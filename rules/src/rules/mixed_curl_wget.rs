use crate::pkg::{is_program, runs};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports every use of `wget` in a stage that already uses `curl`, or of `curl` in a
    /// stage that already uses `wget` (whichever comes second), pointing back at the first.
    ///
    /// ## Why it matters
    /// Both tools do the same job; having both means installing, updating and scanning two
    /// downloaders in the image. Pick one.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSLO https://example.com/a.tgz
    /// RUN wget -q https://example.com/b.tgz
    /// ```
    ///
    /// ## Fix
    /// Use the same tool for every download of the stage.
    pub struct MixedCurlWget;
}

static META: RuleMeta = RuleMeta {
    code: "DF102",
    name: "mixed-curl-wget",
    severity: Severity::Warning,
    category: Category::Style,
    summary: "Both curl and wget are used in one stage",
    docs: MixedCurlWget::DOCS,
    hadolint: &["DL4001"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for MixedCurlWget {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        // The stage of the RUNs seen last, and the first tool used in it and where (the RUNs
        // come in file order, so a stage's RUNs come together).
        let mut current: Option<usize> = None;
        let mut first: Option<(&'static str, TextRange)> = None;
        for run in runs(cx) {
            let Some(stage) = model.stage_of(run.index) else {
                continue;
            };
            if current != Some(stage) {
                current = Some(stage);
                first = None;
            }
            for cmd in run.commands {
                let tool = if is_program(cmd, &["curl"]) {
                    "curl"
                } else if is_program(cmd, &["wget"]) {
                    "wget"
                } else {
                    continue;
                };
                let range = cmd.words[0].range;
                match first {
                    None => first = Some((tool, range)),
                    Some((t, at)) if t != tool => out.push(
                        Diagnostic::new(
                            &META,
                            range,
                            format!("`{tool}` in a stage that already uses `{t}`: use one of them"),
                        )
                        .with_related(at, format!("`{t}` used here first")),
                    ),
                    Some(_) => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("mixed-curl-wget");
    }
}
