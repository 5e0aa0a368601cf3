use crate::pkg::runs;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `cd` in a RUN.
    ///
    /// ## Why it matters
    /// The directory a `cd` changes to is forgotten when the RUN ends, so every later step has to
    /// repeat it, and a reader cannot see where files go. `WORKDIR` sets the directory once, for
    /// every later instruction, and creates it when missing.
    ///
    /// Like hadolint (DL3003), a `cd` in a subshell is reported too; it is not reported inside
    /// `$(...)` or as an argument (`echo cd`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23
    /// RUN cd /src && go build ./...
    /// ```
    ///
    /// ## Fix
    /// Put `WORKDIR /src` before the RUN and drop the `cd`. Not automatic: `WORKDIR` also changes
    /// the directory of every later instruction.
    pub struct CdInsteadOfWorkdir;
}

static META: RuleMeta = RuleMeta {
    code: "DF043",
    name: "cd-instead-of-workdir",
    severity: Severity::Warning,
    category: Category::Style,
    summary: "cd in a RUN instead of WORKDIR",
    docs: CdInsteadOfWorkdir::DOCS,
    hadolint: &["DL3003"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for CdInsteadOfWorkdir {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in runs(cx) {
            for cmd in run.commands {
                let Some(w) = cmd.words.first() else { continue };
                // `(cd dir && make)`: the subshell's opening parenthesis sticks to the word.
                if w.text.trim_start_matches('(') == "cd" {
                    let start = w.range.end() - TextSize::from(2);
                    out.push(Diagnostic::new(
                        &META,
                        TextRange::new(start, w.range.end()),
                        "use WORKDIR to switch to a directory",
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("cd-instead-of-workdir");
    }
}
