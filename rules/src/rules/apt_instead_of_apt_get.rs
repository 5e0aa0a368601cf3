use crate::pkg::{program_sub, runs, APT_VALUE_OPTS};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `apt` in a RUN.
    ///
    /// ## Why it matters
    /// `apt` is meant for people at a terminal: its output and behaviour may change between
    /// releases ("apt does not have a stable CLI interface" it warns), and it draws progress bars
    /// into the build log. `apt-get` and `apt-cache` are the stable interfaces for scripts.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt update && apt install -y curl
    /// ```
    ///
    /// ## Fix
    /// A safe fix writes the equivalent command: `apt-get` for `install`, `remove`, `purge`,
    /// `update`, `autoremove`, `clean`, `autoclean`, `build-dep`, `source`, `download`,
    /// `changelog` and `satisfy`; `apt-get dist-upgrade` for `full-upgrade`;
    /// `apt-get upgrade --with-new-pkgs` for `upgrade` (what `apt upgrade` does); `apt-cache` for
    /// `search`, `show`, `showsrc`, `policy`, `depends` and `rdepends`. Other subcommands
    /// (`list`, `edit-sources`) have no equivalent and get no fix.
    pub struct AptInsteadOfAptGet;
}

static META: RuleMeta = RuleMeta {
    code: "DF062",
    name: "apt-instead-of-apt-get",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    summary: "apt in a RUN instead of apt-get or apt-cache",
    docs: AptInsteadOfAptGet::DOCS,
    hadolint: &["DL3027"],
    buildkit: &[],
    fix: FixKind::Safe,
    default_enabled: true,
};

const APT_GET: &[&str] = &[
    "install",
    "remove",
    "purge",
    "update",
    "autoremove",
    "clean",
    "autoclean",
    "build-dep",
    "source",
    "download",
    "changelog",
    "satisfy",
];
const APT_CACHE: &[&str] = &["search", "show", "showsrc", "policy", "depends", "rdepends"];

impl Rule for AptInsteadOfAptGet {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in runs(cx) {
            for cmd in run.commands {
                let Some(apt) = cmd.words.first() else {
                    continue;
                };
                if cmd.program() != Some("apt") {
                    continue;
                }
                let sub = program_sub(cmd, &["apt"], APT_VALUE_OPTS);
                let mut d = Diagnostic::new(
                    &META,
                    apt.range,
                    "`apt` is for interactive use: use `apt-get` or `apt-cache` in scripts",
                );
                // Replace the program name only when written as plain `apt`.
                let plain = apt.raw == "apt";
                let edits = match sub {
                    Some((_, s)) if plain && APT_GET.contains(&s) => {
                        Some(vec![Edit::replace(apt.range, "apt-get")])
                    }
                    Some((_, s)) if plain && APT_CACHE.contains(&s) => {
                        Some(vec![Edit::replace(apt.range, "apt-cache")])
                    }
                    Some((i, "full-upgrade")) if plain => Some(vec![
                        Edit::replace(apt.range, "apt-get"),
                        Edit::replace(cmd.words[i].range, "dist-upgrade"),
                    ]),
                    Some((i, "upgrade")) if plain => Some(vec![
                        Edit::replace(apt.range, "apt-get"),
                        Edit::insert(cmd.words[i].range.end(), " --with-new-pkgs"),
                    ]),
                    _ => None,
                };
                if let Some(edits) = edits {
                    let tool = if edits[0].content == "apt-cache" {
                        "apt-cache"
                    } else {
                        "apt-get"
                    };
                    d = d.with_fix(Fix {
                        message: format!("Use `{tool}`"),
                        applicability: Applicability::Safe,
                        edits,
                    });
                }
                out.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("apt-instead-of-apt-get");
    }
}
