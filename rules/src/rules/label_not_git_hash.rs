use crate::config::LabelType;
use crate::label_value::{check_labels, git_hash};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `label-schema` in the configuration, reports a label of type `hash` whose value is not
    /// a full git object name: 40 lower-case hex digits (SHA-1), or 64 for repositories in SHA-256
    /// format, as `git rev-parse HEAD` prints them. hadolint's DL3055 also accepts 7-digit
    /// abbreviations; we do not: an abbreviation can become ambiguous as a repository grows.
    ///
    /// Empty values are left to `empty-label`. A value built from variables is checked when the
    /// file gives their values (an `ENV`, an `ARG`'s default); an `ARG` without a default is
    /// known only at build time and is not checked.
    ///
    /// ## Why it matters
    /// The label ties an image to the commit it was built from; a branch name or a short hash can
    /// later point at another commit.
    ///
    /// ## Example
    /// ```toml
    /// # dflint.toml
    /// [label-schema]
    /// "org.opencontainers.image.revision" = "hash"
    /// ```
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.revision=3f2a9c1
    /// ```
    ///
    /// ## Fix
    /// Pass the full hash in: `ARG REVISION` and `LABEL org.opencontainers.image.revision=$REVISION`,
    /// built with `--build-arg REVISION=$(git rev-parse HEAD)`. There is no automatic fix.
    pub struct LabelNotGitHash;
}

static META: RuleMeta = RuleMeta {
    code: "DF111",
    name: "label-not-git-hash",
    severity: Severity::Warning,
    category: Category::Style,
    summary: "A label that label-schema types `hash` is not a full git commit hash",
    docs: LabelNotGitHash::DOCS,
    hadolint: &["DL3055"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for LabelNotGitHash {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        check_labels(
            cx,
            &META,
            LabelType::Hash,
            "a full git commit hash",
            git_hash,
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("label-not-git-hash");
    }

    #[test]
    fn nothing_without_a_schema() {
        let text = "FROM alpine\nLABEL org.opencontainers.image.revision=3f2a9c1\n";
        assert!(crate::testing::run_rule("label-not-git-hash", text, None).is_empty());
    }
}
