use crate::model::StageInfo;
use crate::prelude::*;
use std::collections::hash_map::{Entry, HashMap};

declare_rule! {
    /// ## What it does
    /// Reports a stage name already used by an earlier stage (names compare case-insensitively,
    /// as BuildKit does). Same as BuildKit's `DuplicateStageName` check and hadolint's DL3024.
    ///
    /// ## Why it matters
    /// `--from=name`, `FROM name` and `--target name` can only mean one stage; which one a reader
    /// expects is anyone's guess.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// FROM node:22 AS build
    /// ```
    ///
    /// ## Fix
    /// Give each stage its own name.
    pub struct DuplicateStageName;
}

static META: RuleMeta = RuleMeta {
    code: "DF014",
    name: "duplicate-stage-name",
    severity: Severity::Error,
    category: Category::Correctness,
    summary: "Two stages have the same name",
    docs: DuplicateStageName::DOCS,
    hadolint: &["DL3024"],
    buildkit: &["DuplicateStageName"],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for DuplicateStageName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    // File: points at the earlier stage of the same name, in another unit.

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        // The first stage of each name.
        let mut first: HashMap<String, &StageInfo> = HashMap::new();
        for stage in cx.stages() {
            let (Some(name), Some(lower)) = (&stage.name, stage.name_lower()) else {
                continue;
            };
            let earlier = match first.entry(lower.clone()) {
                Entry::Occupied(e) => e.get().name.as_ref(),
                Entry::Vacant(e) => {
                    e.insert(stage);
                    continue;
                }
            };
            let Some(earlier) = earlier else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    &META,
                    name.range,
                    format!("Duplicate stage name \"{lower}\", stage names should be unique"),
                )
                .with_related(earlier.range, "first used here"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("duplicate-stage-name");
    }
}
