use crate::model::labels;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `LABEL` key that is not in the form Docker recommends: it must start with a
    /// lower-case letter and end with a lower-case letter or a digit, contain only lower-case
    /// letters, digits, `.` and `-`, have no `..` or `--`, and not use the namespaces Docker
    /// reserves (`com.docker.`, `io.docker.`, `org.dockerproject.`). Keys built from variables
    /// are not checked. Same as hadolint's DL3048.
    ///
    /// ## Why it matters
    /// Tools that read labels (registries, scanners, `docker inspect --format`) expect
    /// reverse-DNS keys such as `org.opencontainers.image.source`; `Version` and `my_label`
    /// are easy to misspell and collide with other tools' keys, and the reserved namespaces
    /// belong to Docker.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL Version=1.0 com.docker.extension=x
    /// ```
    ///
    /// ## Fix
    /// Use a lower-case reverse-DNS key of your own: `LABEL org.example.version=1.0`. There is
    /// no automatic fix (tools may already read the old key).
    pub struct InvalidLabelKey;
}

static META: RuleMeta = RuleMeta {
    code: "DF095",
    name: "invalid-label-key",
    severity: Severity::Style,
    category: Category::Style,
    summary: "LABEL key not in lower-case reverse-DNS form, or in a reserved namespace",
    docs: InvalidLabelKey::DOCS,
    hadolint: &["DL3048"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

/// Namespaces Docker reserves for its own labels.
const RESERVED: &[&str] = &["com.docker.", "io.docker.", "org.dockerproject."];

impl Rule for InvalidLabelKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for label in labels(cx) {
            if label.key.text.contains('$') {
                continue;
            }
            if let Some(why) = problem(&label.name) {
                out.push(Diagnostic::new(
                    &META,
                    label.key.range,
                    format!("label key `{}` {why}", label.name),
                ));
            }
        }
    }
}

/// What is wrong with a label key, if anything.
fn problem(key: &str) -> Option<String> {
    if let Some(ns) = RESERVED.iter().find(|ns| key.starts_with(**ns)) {
        return Some(format!("is in the namespace `{ns}` that Docker reserves"));
    }
    if let Some(c) = key
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-')))
    {
        return Some(format!(
            "contains `{c}`: use only lower-case letters, digits, `.` and `-`"
        ));
    }
    if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("must start with a lower-case letter".into());
    }
    if !key.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return Some("must end with a lower-case letter or a digit".into());
    }
    ["..", "--"]
        .iter()
        .find(|d| key.contains(**d))
        .map(|d| format!("contains `{d}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture() {
        crate::testing::assert_fixture("invalid-label-key");
    }

    #[test]
    fn keys() {
        for ok in [
            "a",
            "org.opencontainers.image.source",
            "x-1.y2",
            "com.example.docker.x",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "Version",
            "my_label",
            "1abc",
            ".abc",
            "abc.",
            "abc-",
            "a..b",
            "a--b",
            "com.docker.x",
            "io.docker.x",
            "org.dockerproject.x",
        ] {
            assert!(problem(bad).is_some(), "{bad}");
        }
    }
}
