use crate::model::unquote;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `COPY` or `ADD` to a relative destination (`COPY app.py app/`) in a stage where
    /// no `WORKDIR` has been set yet, neither in the stage nor in the stages it builds on.
    ///
    /// ## Why it matters
    /// A relative destination is relative to the working directory, which then comes from the
    /// base image: `/` for most, something else for others, and it may change with the next
    /// base image tag. The file ends up somewhere the reader cannot see. hadolint checks
    /// `COPY` only; `ADD` resolves its destination the same way.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12
    /// COPY requirements.txt .
    /// ```
    ///
    /// ## Fix
    /// Set `WORKDIR /app` before, or write an absolute destination.
    pub struct CopyRelativeDestWithoutWorkdir;
}

static META: RuleMeta = RuleMeta {
    code: "DF092",
    name: "copy-relative-dest-without-workdir",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "COPY to a relative destination before any WORKDIR",
    docs: CopyRelativeDestWithoutWorkdir::DOCS,
    hadolint: &["DL3045"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

/// The destination of a COPY/ADD: its last argument, with its range.
fn destination(instr: &Instruction) -> Option<(String, TextRange)> {
    if let Some(exec) = instr.exec_form() {
        return exec.items().pop();
    }
    let args = instr.args();
    (args.len() >= 2).then(|| {
        let last = args.last().expect("two arguments");
        (unquote(&last.text), last.range)
    })
}

fn is_absolute(dest: &str) -> bool {
    let b = dest.as_bytes();
    dest.starts_with('/')
        || dest.starts_with('$')
        || (b.len() >= 3
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && matches!(b[2], b'\\' | b'/'))
}

impl Rule for CopyRelativeDestWithoutWorkdir {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        let has_workdir = |from: usize, to: usize| {
            model.instructions[from..to]
                .iter()
                .any(|i| i.kind() == SyntaxKind::WORKDIR_INSTR)
        };
        for stage in cx.stages() {
            // A WORKDIR anywhere in a stage this one builds on carries over.
            let mut inherited = false;
            let mut base = stage.base_stage;
            let mut seen = Vec::new();
            while let Some(b) = base.filter(|b| !seen.contains(b)) {
                seen.push(b);
                let s = &model.stages[b];
                inherited |= has_workdir(s.from, s.end);
                base = s.base_stage;
            }
            if inherited {
                continue;
            }
            for i in stage.from + 1..stage.end {
                let instr = &model.instructions[i];
                match instr.kind() {
                    SyntaxKind::WORKDIR_INSTR => break,
                    SyntaxKind::COPY_INSTR | SyntaxKind::ADD_INSTR => {}
                    _ => continue,
                }
                let Some((dest, range)) = destination(instr) else {
                    continue;
                };
                if is_absolute(&dest) {
                    continue;
                }
                out.push(Diagnostic::new(
                    &META,
                    range,
                    format!(
                        "`{dest}` is relative, and no WORKDIR is set: it lands in the base image's working directory"
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("copy-relative-dest-without-workdir");
    }
}
