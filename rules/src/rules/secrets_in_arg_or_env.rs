use crate::model::VarKind;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports an `ARG` or `ENV` whose name says it holds a secret: a word (between `_` or at
    /// either end) such as `password`, `passwd`, `pword`, `secret`, `token`, `key`, `apikey`,
    /// `auth`, `credential(s)`, unless another word says otherwise (`public`, `file`,
    /// `version`). Same as BuildKit's `SecretsUsedInArgOrEnv` check and hadolint's DL3064.
    ///
    /// ## Why it matters
    /// ARG and ENV values are kept in the image's history and config: anyone who can pull the
    /// image can read them.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG AWS_SECRET_ACCESS_KEY
    /// ```
    ///
    /// ## Fix
    /// Use a secret mount: `RUN --mount=type=secret,id=aws ...` with `docker build --secret`.
    pub struct SecretsInArgOrEnv;
}

static META: RuleMeta = RuleMeta {
    code: "DF024",
    name: "secrets-in-arg-or-env",
    severity: Severity::Warning,
    category: Category::Security,
    summary: "An ARG or ENV name suggests a secret",
    docs: SecretsInArgOrEnv::DOCS,
    hadolint: &["DL3064"],
    buildkit: &["SecretsUsedInArgOrEnv"],
    fix: FixKind::None,
    default_enabled: true,
};

const DENY: &[&str] = &[
    "apikey",
    "auth",
    "credential",
    "credentials",
    "key",
    "password",
    "pword",
    "passwd",
    "secret",
    "token",
];
const ALLOW: &[&str] = &["public", "file", "version"];

/// BuildKit's `(?i)(?:_|^)(?:word)(?:_|$)`: one of `words` is a `_`-separated part of `name`.
fn has_word(name: &str, words: &[&str]) -> bool {
    name.split('_')
        .any(|part| words.iter().any(|w| part.eq_ignore_ascii_case(w)))
}

impl Rule for SecretsInArgOrEnv {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        // ARGs before the first FROM are not stored in the image unless redeclared in a stage.
        // `defs` is in file order: those of the span are a slice of it.
        let lo = model.defs.partition_point(|d| d.instr < cx.span.start);
        let hi = model.defs.partition_point(|d| d.instr < cx.span.end);
        for d in model.defs[lo..hi]
            .iter()
            .filter(|d| d.kind != VarKind::GlobalArg)
        {
            if !has_word(&d.name, DENY) || has_word(&d.name, ALLOW) {
                continue;
            }
            let instr = &model.instructions[d.instr];
            out.push(Diagnostic::new(
                &META,
                d.name_range,
                format!(
                    "Do not use ARG or ENV instructions for sensitive data ({} {})",
                    instr.name(),
                    serde_json::to_string(&d.name).unwrap_or_default()
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("secrets-in-arg-or-env");
    }
}
