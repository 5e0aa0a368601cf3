use crate::pkg::{is_dynamic, operands, program_sub, runs};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports each package of `npm install <pkg>` (also `npm i`, `npm add`) without a version.
    ///
    /// ## Why it matters
    /// Without a version npm installs the newest release that day: the image changes between
    /// builds, and a new major version can break the application or the build.
    ///
    /// Compared with hadolint (DL3016): each package is reported at its own word; scoped packages
    /// (`@types/node@22.5.0`) are read correctly; `@latest` and `@next` are dist-tags that move,
    /// so they are reported too; the values of options (`--prefix /opt`) are not packages; local
    /// paths, tarballs, URLs and git references are accepted. `npm install` / `npm ci` without
    /// packages install from the lock file and are fine.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-alpine
    /// RUN npm install -g typescript
    /// ```
    ///
    /// ## Fix
    /// Pin the version: `typescript@5.6.3`.
    pub struct NpmVersionNotPinned;
}

static META: RuleMeta = RuleMeta {
    code: "DF054",
    name: "npm-version-not-pinned",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    summary: "npm install of a package without a version",
    docs: NpmVersionNotPinned::DOCS,
    hadolint: &["DL3016"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

const NPM_VALUE_OPTS: &[&str] = &[
    "--prefix",
    "--registry",
    "--cache",
    "-w",
    "--workspace",
    "--tag",
    "--loglevel",
    "--omit",
    "--include",
    "--install-strategy",
    "--userconfig",
    "--globalconfig",
];
const INSTALL: &[&str] = &[
    "install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall",
    "add",
];

/// `None` when pinned or not a registry package; otherwise what is wrong.
fn unpinned(pkg: &str) -> Option<&'static str> {
    if pkg.contains("://")
        || pkg.starts_with("git")
        || pkg.starts_with('.')
        || pkg.starts_with('/')
        || pkg.starts_with("file:")
        || pkg.ends_with(".tgz")
        || pkg.ends_with(".tar.gz")
    {
        return None;
    }
    let name = match pkg.strip_prefix('@') {
        Some(rest) => rest.split_once('/').map_or(rest, |(_, n)| n),
        None => pkg,
    };
    match name.split_once('@') {
        Some((_, "latest" | "next")) => Some("a dist-tag that moves"),
        Some((_, v)) if !v.is_empty() => None,
        // `user/repo` is a GitHub reference.
        _ if !pkg.starts_with('@') && pkg.contains('/') => None,
        _ => Some("no version"),
    }
}

impl Rule for NpmVersionNotPinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in runs(cx) {
            for cmd in run.commands {
                let Some((i, sub)) = program_sub(cmd, &["npm"], NPM_VALUE_OPTS) else {
                    continue;
                };
                if !INSTALL.contains(&sub) {
                    continue;
                }
                for pkg in operands(cmd, i, NPM_VALUE_OPTS) {
                    if is_dynamic(pkg) {
                        continue;
                    }
                    if let Some(why) = unpinned(&pkg.text) {
                        out.push(Diagnostic::new(
                            &META,
                            pkg.range,
                            format!("`{}` has {why}: write `<package>@<version>`", pkg.text),
                        ));
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
        crate::testing::assert_fixture("npm-version-not-pinned");
    }
}
