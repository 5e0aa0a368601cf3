use crate::prelude::*;
use crate::shell;

declare_rule! {
    /// ## What it does
    /// Reports a RUN that directly follows another RUN when the two could be one: the same
    /// flags (`--mount`, `--network`, `--security`), nothing between them (no other instruction,
    /// no comment), and neither is already a chain of more than two commands or a heredoc
    /// script.
    ///
    /// ## Why it matters
    /// Every RUN is a layer and a cache step; many small ones make the image larger and the
    /// build slower. It is advice, not a fault, so it stays quiet where a split is deliberate:
    /// unlike hadolint, a comment between the two RUNs counts as a deliberate split, and so
    /// does a heredoc script.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl=7.88.1-10
    /// ```
    ///
    /// ## Fix
    /// Join them with `&&`. The fix does that and is unsafe: a `cd` or an `export` of the
    /// first now carries into the second, and the cache is split differently.
    pub struct ConsecutiveRun;
}

static META: RuleMeta = RuleMeta {
    code: "DF097",
    name: "consecutive-run",
    severity: Severity::Info,
    category: Category::Performance,
    summary: "Consecutive RUN instructions that could be one",
    docs: ConsecutiveRun::DOCS,
    hadolint: &["DL3059"],
    buildkit: &[],
    fix: FixKind::Unsafe,
    default_enabled: true,
};

fn flags(instr: &Instruction) -> Vec<String> {
    let mut f: Vec<String> = instr
        .flags()
        .map(|f| f.syntax().text().to_string())
        .collect();
    f.sort();
    f
}

/// RUNs that could be merged: not heredoc scripts, at most two commands.
fn mergeable(instr: &Instruction) -> bool {
    instr.heredocs().next().is_none() && shell::commands(instr).len() <= 2
}

impl Rule for ConsecutiveRun {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        // A pair never spans two units: the second of such a pair would be a FROM.
        for pair in model.instructions[cx.span.clone()].windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if a.kind() != SyntaxKind::RUN_INSTR || b.kind() != SyntaxKind::RUN_INSTR {
                continue;
            }
            let between = &model.text[usize::from(a.range().end())..usize::from(b.range().start())];
            if between.contains('#') || flags(a) != flags(b) || !mergeable(a) || !mergeable(b) {
                continue;
            }
            let Some(kw) = b.keyword() else { continue };
            let mut d = Diagnostic::new(
                &META,
                kw.text_range(),
                "RUN right after a RUN with the same flags: join them with `&&` to save a layer",
            );
            if let Some(ka) = a.keyword() {
                d = d.with_related(ka.text_range(), "the RUN before");
            }
            if let (Some(sa), Some(sb)) = (a.shell_form(), b.shell_form()) {
                let text_a = model.text[sa.range()].trim_end();
                let ends_open = text_a.ends_with(['&', ';', '|', '\\', '`']);
                if !ends_open && !text_a.contains('#') {
                    let end = sa.range().start() + TextSize::from(text_a.len() as u32);
                    d = d.with_fix(Fix {
                        message: "Join the two RUNs with `&&`".into(),
                        applicability: Applicability::Unsafe,
                        edits: vec![Edit::replace(
                            TextRange::new(end, sb.range().start()),
                            format!(" && {}\n    ", model.escape),
                        )],
                    });
                }
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("consecutive-run");
    }
}
