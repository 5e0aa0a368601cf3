use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `CMD` and `ENTRYPOINT` in shell form (`CMD my-program start`) when the stage has
    /// not set a `SHELL` (in itself or in a stage it builds on). Same as BuildKit's
    /// `JSONArgsRecommended` check and hadolint's DL3025. A base image from a registry may set a
    /// shell of its own; dflint cannot see it and reports anyway.
    ///
    /// ## Why it matters
    /// In shell form the program runs as a child of `/bin/sh -c`, which becomes PID 1 and does
    /// not forward signals: `docker stop` waits for the timeout and then kills the container
    /// instead of letting the program shut down cleanly.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENTRYPOINT my-program start
    /// ```
    ///
    /// ## Fix
    /// Use the JSON (exec) form: `ENTRYPOINT ["my-program", "start"]`. The fix is offered when
    /// the command is plain words (no quotes, variables or shell operators) and is unsafe: the
    /// program then receives signals itself, and no shell expands the command any more.
    pub struct JsonArgsRecommended;
}

static META: RuleMeta = RuleMeta {
    code: "DF016",
    name: "json-args-recommended",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "CMD or ENTRYPOINT in shell form",
    docs: JsonArgsRecommended::DOCS,
    hadolint: &["DL3025"],
    buildkit: &["JSONArgsRecommended"],
    fix: FixKind::Unsafe,
    default_enabled: true,
};

impl Rule for JsonArgsRecommended {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        for (i, instr) in cx.instructions() {
            if !matches!(
                instr.kind(),
                SyntaxKind::CMD_INSTR | SyntaxKind::ENTRYPOINT_INSTR
            ) {
                continue;
            }
            let Some(shell_form) = instr.shell_form() else {
                continue;
            };
            if instr.heredocs().next().is_some() || shell_set_before(model, i) {
                continue;
            }
            let words = shell_form.words();
            let (Some(first), Some(last)) = (words.first(), words.last()) else {
                continue;
            };
            let name = instr.name();
            let mut d = Diagnostic::new(
                &META,
                first.range.cover(last.range),
                format!(
                    "JSON arguments recommended for {name} to prevent unintended behavior related to OS signals"
                ),
            );
            if let Some(json) = exec_form(&words) {
                d = d.with_fix(Fix {
                    message: "Use the JSON (exec) form".into(),
                    applicability: Applicability::Unsafe,
                    edits: vec![Edit::replace(shell_form.range(), json)],
                });
            }
            out.push(d);
        }
    }
}

/// Whether a `SHELL` is in effect at instruction `instr`: earlier in its stage, or anywhere in
/// the stages it builds on.
fn shell_set_before(model: &Model, instr: usize) -> bool {
    let Some(mut stage) = model.stage_of(instr) else {
        return false;
    };
    let mut end = instr;
    let mut seen = Vec::new();
    loop {
        let st = &model.stages[stage];
        if model.instructions[st.from..end]
            .iter()
            .any(|i| i.kind() == SyntaxKind::SHELL_INSTR)
        {
            return true;
        }
        seen.push(stage);
        match st.base_stage {
            Some(b) if !seen.contains(&b) => {
                stage = b;
                end = model.stages[b].end;
            }
            _ => return false,
        }
    }
}

/// The exec form of plain words, or `None` when the command needs a shell.
fn exec_form(words: &[Word]) -> Option<String> {
    const SHELL_CHARS: &[char] = &[
        '"', '\'', '\\', '$', '`', '|', '&', ';', '<', '>', '(', ')', '*', '?', '[', ']', '{', '}',
        '~', '#', '!', '=',
    ];
    let mut items = Vec::new();
    for w in words {
        if w.text.contains(SHELL_CHARS) {
            return None;
        }
        items.push(serde_json::to_string(&w.text).ok()?);
    }
    Some(format!("[{}]", items.join(", ")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("json-args-recommended");
    }
}
