use crate::model::shipping_stages;
use crate::pkg::{is_program, removes_dir, run_instr, span, verb, Run};
use crate::prelude::*;
use crate::shell;

declare_rule! {
    /// ## What it does
    /// Reports a RUN that runs `apt-get update` (or `apt update`) and does not delete
    /// `/var/lib/apt/lists` in the same RUN.
    ///
    /// ## Why it matters
    /// The package lists take tens of megabytes; left in the layer they make every image built on
    /// it larger, and deleting them in a later RUN does not shrink the earlier layer.
    ///
    /// As in hadolint (DL3009), a cache mount on `/var/lib/apt/lists` (or `/var/lib/apt`) means
    /// nothing is left behind. Unlike hadolint, stages whose layers reach no image (builder
    /// stages that are only `COPY --from`-ed) are not reported, wherever they are in the file, and
    /// any `rm` of the lists counts (`rm -r`, `rm -rf /var/lib/apt/lists`, with or without `/*`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## Fix
    /// End the RUN with `&& rm -rf /var/lib/apt/lists/*`. The fix is unsafe: a later RUN that
    /// installs without its own `apt-get update` then fails.
    pub struct AptListsNotDeleted;
}

static META: RuleMeta = RuleMeta {
    code: "DF048",
    name: "apt-lists-not-deleted",
    severity: Severity::Info,
    category: Category::Performance,
    summary: "apt-get update without deleting /var/lib/apt/lists in the same RUN",
    docs: AptListsNotDeleted::DOCS,
    hadolint: &["DL3009"],
    buildkit: &[],
    fix: FixKind::Unsafe,
    default_enabled: true,
};

const LISTS: &str = "/var/lib/apt/lists";

impl Rule for AptListsNotDeleted {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    // File: whether a stage ships depends on the `COPY --from`s of the other stages.

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        let mut ships = None;
        for (index, instr) in cx.instructions() {
            if !matches!(
                model.kind(index),
                SyntaxKind::RUN_INSTR | SyntaxKind::ONBUILD_INSTR
            ) {
                continue;
            }
            // Most RUNs do not mention `update`: they need not be split into commands.
            let Some(instr) = run_instr(instr).filter(|_| {
                shell::may_have_word(&model.text[instr.range()], "update", model.escape)
            }) else {
                continue;
            };
            let run = Run {
                index,
                instr,
                commands: model.commands(index),
            };
            let ships = ships.get_or_insert_with(|| shipping_stages(model));
            let stage = model.stage_of(run.index);
            if stage.is_some_and(|s| !ships[s]) || run.has_cache_mount(&["/var/lib/apt"]) {
                continue;
            }
            let cmds = &run.commands;
            let update = cmds.iter().find_map(|c| {
                if !is_program(c, &["apt-get", "apt"]) {
                    return None;
                }
                verb(c, &["update"]).map(|v| span(c, v))
            });
            let Some(range) = update else { continue };
            if cmds.iter().any(|c| removes_dir(c, &[LISTS])) {
                continue;
            }
            let mut d = Diagnostic::new(
                &META,
                range,
                format!("the package lists stay in the layer: delete {LISTS} in the same RUN"),
            );
            let last = cmds.last().and_then(|c| c.words.last());
            let ends_cleanly = !matches!(
                cmds.last().and_then(|c| c.separator.as_deref()),
                Some("|") | Some("&")
            );
            if let (Some(last), true) = (last, ends_cleanly) {
                d = d.with_fix(Fix {
                    message: format!("Append `&& rm -rf {LISTS}/*`"),
                    applicability: Applicability::Unsafe,
                    edits: vec![Edit::insert(
                        last.range.end(),
                        format!(" && rm -rf {LISTS}/*"),
                    )],
                });
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("apt-lists-not-deleted");
    }
}
