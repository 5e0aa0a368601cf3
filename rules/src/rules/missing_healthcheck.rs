use crate::model::{stage_chain, stage_range};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a Dockerfile whose final stage has no `HEALTHCHECK`, neither in itself nor in
    /// the earlier stages it builds on (`FROM base`). `HEALTHCHECK NONE` counts: it is an
    /// explicit choice. Only the final stage is checked, since it is the image that runs.
    /// Off by default (hadolint's DL3057 is too): many images are not services, and an image
    /// pulled from a registry may have a `HEALTHCHECK` that the file does not show.
    ///
    /// ## Why it matters
    /// Without a health check, Docker and Swarm consider a container healthy as long as its
    /// process runs, even when it no longer answers.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site/ /usr/share/nginx/html/
    /// ```
    ///
    /// ## Fix
    /// Add a check to the final stage, e.g.
    /// `HEALTHCHECK CMD curl -fsS http://localhost/ || exit 1`, or `HEALTHCHECK NONE` to say
    /// that there is none on purpose. There is no automatic fix.
    pub struct MissingHealthcheck;
}

static META: RuleMeta = RuleMeta {
    code: "DF096",
    name: "missing-healthcheck",
    severity: Severity::Info,
    category: Category::Correctness,
    summary: "The final stage has no HEALTHCHECK",
    docs: MissingHealthcheck::DOCS,
    hadolint: &["DL3057"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: false,
};

impl Rule for MissingHealthcheck {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        // Reported in the run that covers the final stage.
        let Some(last) = cx
            .stages()
            .last()
            .filter(|s| s.index + 1 == model.stages.len())
        else {
            return;
        };
        let chain = stage_chain(model, last.index);
        let has_check = chain.iter().any(|&c| {
            let st = &model.stages[c];
            model.instructions[st.from..st.end]
                .iter()
                .any(|i| i.kind() == SyntaxKind::HEALTHCHECK_INSTR)
        });
        if has_check {
            return;
        }
        let Some(range) = stage_range(model, last) else {
            return;
        };
        let what = match &last.name {
            Some(n) => format!("the final stage `{}`", n.text),
            None => "the final stage".to_string(),
        };
        let mut d = Diagnostic::new(
            &META,
            range,
            format!(
                "{what} has no HEALTHCHECK: add one, or `HEALTHCHECK NONE` to say there is none"
            ),
        );
        if chain.len() > 1 {
            d = d.with_note("nor do the stages it builds on");
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::run_rule;

    #[test]
    fn fixture() {
        crate::testing::assert_fixture("missing-healthcheck");
    }

    fn fires(text: &str) -> Vec<String> {
        run_rule("missing-healthcheck", text, None)
            .into_iter()
            .map(|d| text[d.range].to_string())
            .collect()
    }

    #[test]
    fn final_stage_and_the_stages_it_builds_on() {
        assert_eq!(fires("FROM alpine:3.20\nRUN true\n"), ["alpine:3.20"]);
        assert!(fires("FROM alpine:3.20\nHEALTHCHECK CMD true\n").is_empty());
        assert!(fires("FROM alpine:3.20\nHEALTHCHECK NONE\n").is_empty());
        // Inherited from the stage it builds on.
        assert!(fires("FROM alpine AS base\nHEALTHCHECK CMD true\nFROM base\nRUN x\n").is_empty());
        assert!(fires("FROM alpine AS a\nHEALTHCHECK CMD true\nFROM a AS b\nFROM b\n").is_empty());
        // A check in a stage that is only copied from does not reach the final image.
        assert_eq!(
            fires(
                "FROM alpine AS build\nHEALTHCHECK CMD true\nFROM nginx:1\nCOPY --from=build /a /a\n"
            ),
            ["nginx:1"]
        );
        // Only the final stage counts.
        assert!(fires("FROM alpine AS tools\nRUN x\nFROM alpine\nHEALTHCHECK CMD y\n").is_empty());
        assert!(fires("# no stages\n").is_empty());
        // Off by default.
        let settings = crate::Settings::default();
        assert!(crate::check_text("FROM alpine\n", None, &settings)
            .iter()
            .all(|d| d.name != "missing-healthcheck"));
    }
}
