use crate::model::from_images;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` image without a tag or digest (`FROM ubuntu`).
    ///
    /// ## Why it matters
    /// An image without a tag is `:latest`, which moves: the same Dockerfile builds on a
    /// different base next month, and a rebuild can break or change behaviour without any change
    /// in the repository.
    ///
    /// Unlike hadolint (DL3006), this rule understands what the `FROM` refers to: it does not
    /// fire for `FROM <earlier stage>` (also when written in another case or through an ARG),
    /// for `scratch`, or when the image comes from an ARG whose default carries a tag
    /// (`ARG BASE=ubuntu:24.04`, `FROM $BASE`); an ARG without a default is left alone, since
    /// the value comes from the command line. When an ARG default lacks the tag, the message
    /// says so.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu
    /// ```
    ///
    /// ## Fix
    /// Name a tag (`ubuntu:24.04`) or a digest (`ubuntu@sha256:...`). Not automatic: which
    /// version is a decision.
    pub struct ImageTagMissing;
}

static META: RuleMeta = RuleMeta {
    code: "DF045",
    name: "image-tag-missing",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    summary: "FROM image without a tag or digest",
    docs: ImageTagMissing::DOCS,
    hadolint: &["DL3006"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for ImageTagMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for from in from_images(cx) {
            let r = from.parts();
            if r.tag.is_some() || r.digest.is_some() {
                continue;
            }
            let img = &from.image;
            out.push(from.diagnostic(
                &META,
                from.word.range,
                format!("`{img}` has no tag: it means `{img}:latest`, which changes over time"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("image-tag-missing");
    }
}
