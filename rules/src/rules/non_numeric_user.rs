use crate::model::expand;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `USER name` (or `USER name:group`) whose user is a name, not a numeric id.
    /// Variables are resolved first (`USER $UID` with `ARG UID=1000` is numeric); a user made
    /// of variables without a known value, and stages on Windows images (where users are
    /// names), are not reported. hadolint reports both.
    ///
    /// ## Why it matters
    /// A runtime that must check the user without reading the image's `/etc/passwd` (for
    /// instance Kubernetes' `runAsNonRoot`) cannot tell whether `app` is root, and refuses to
    /// start the container.
    ///
    /// ## Example
    /// ```dockerfile
    /// USER app
    /// ```
    ///
    /// ## Fix
    /// Use the numeric id: `USER 10001` (or `USER 10001:10001`).
    pub struct NonNumericUser;
}

static META: RuleMeta = RuleMeta {
    code: "DF100",
    name: "non-numeric-user",
    severity: Severity::Info,
    category: Category::Security,
    summary: "USER with a name instead of a numeric id",
    docs: NonNumericUser::DOCS,
    hadolint: &["DL3066"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for NonNumericUser {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        for (i, instr) in cx.instructions() {
            if instr.kind() != SyntaxKind::USER_INSTR {
                continue;
            }
            let windows = model.stage_of(i).is_some_and(|s| {
                let img = model.stages[s]
                    .image_resolved
                    .as_deref()
                    .unwrap_or("")
                    .to_lowercase();
                img.contains("windows") || img.contains("nanoserver") || img.contains("servercore")
            });
            let Some(word) = instr.args().into_iter().next().filter(|_| !windows) else {
                continue;
            };
            let user_raw = word.text.split(':').next().unwrap_or("");
            let unknown = std::cell::Cell::new(false);
            let user = expand(user_raw, &|n| {
                let v = model.value_at(i, n);
                unknown.set(unknown.get() || v.is_none());
                v
            });
            if unknown.get() || user.is_empty() || user.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            let range = TextRange::at(word.range.start(), TextSize::from(user_raw.len() as u32));
            out.push(Diagnostic::new(
                &META,
                range,
                format!("user `{user}` is a name: a runtime cannot tell its id without the image's /etc/passwd"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("non-numeric-user");
    }
}
