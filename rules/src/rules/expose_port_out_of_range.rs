use crate::model::{expand, unquote};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports an `EXPOSE` port (or port range) outside 0-65535.
    ///
    /// ## Why it matters
    /// TCP and UDP ports are 16-bit numbers; a larger number is a typo, and `docker run -P` or
    /// an orchestrator reading the image config fails on it.
    ///
    /// Ranges (`8000-8100/tcp`) and protocols are understood, and variables with a value in the
    /// file are resolved (`EXPOSE $PORT`); unknown variables are left alone.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 80800
    /// ```
    ///
    /// ## Fix
    /// Correct the number.
    pub struct ExposePortOutOfRange;
}

static META: RuleMeta = RuleMeta {
    code: "DF050",
    name: "expose-port-out-of-range",
    severity: Severity::Error,
    category: Category::Correctness,
    summary: "EXPOSE port outside 0-65535",
    docs: ExposePortOutOfRange::DOCS,
    hadolint: &["DL3011"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

/// The first number of `spec` (`port[-port][/proto]`) that is out of range.
fn out_of_range(spec: &str) -> Option<String> {
    let ports = spec.split('/').next().unwrap_or(spec);
    ports
        .split('-')
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .find(|p| p.trim_start_matches('0').len() > 5 || p.parse::<u32>().is_ok_and(|n| n > 65535))
        .map(str::to_string)
}

impl Rule for ExposePortOutOfRange {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        for (i, instr) in cx.instructions() {
            if instr.kind() != SyntaxKind::EXPOSE_INSTR {
                continue;
            }
            for w in instr.args() {
                let unknown = std::cell::Cell::new(false);
                let value = expand(&unquote(&w.text), &|n| {
                    let v = model.value_at(i, n);
                    unknown.set(unknown.get() || v.is_none());
                    v
                });
                if unknown.get() {
                    continue;
                }
                // A variable may hold several ports.
                for spec in value.split_whitespace() {
                    if let Some(port) = out_of_range(spec) {
                        let mut d = Diagnostic::new(
                            &META,
                            w.range,
                            format!("port {port} is outside 0-65535"),
                        );
                        if w.text != value {
                            d = d.with_note(format!("`{}` is `{value}` here", w.text));
                        }
                        out.push(d);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("expose-port-out-of-range");
    }
}
