use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `FROM --platform=` with a constant platform (`linux/amd64`), unless the stage name
    /// mentions its OS or architecture (`AS build-amd64`), which shows it is meant. Same as
    /// BuildKit's `FromPlatformFlagConstDisallowed` check and hadolint's DL3029.
    ///
    /// ## Why it matters
    /// A fixed platform defeats multi-platform builds: an arm64 build still pulls the amd64
    /// image and runs it under emulation, or produces an image of the wrong architecture.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 alpine:3.20
    /// ```
    ///
    /// ## Fix
    /// Drop the flag, or use `--platform=$BUILDPLATFORM` for a stage that only produces files for
    /// another one.
    pub struct ConstantPlatformFlag;
}

static META: RuleMeta = RuleMeta {
    code: "DF026",
    name: "constant-platform-flag",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    summary: "FROM --platform with a constant value",
    docs: ConstantPlatformFlag::DOCS,
    hadolint: &["DL3029"],
    buildkit: &["FromPlatformFlagConstDisallowed"],
    fix: FixKind::None,
    default_enabled: true,
};

const OSES: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "illumos",
    "ios",
    "js",
    "linux",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
];
const ARCHES: &[&str] = &[
    "386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips", "mipsle",
    "mips64", "mips64le", "ppc64", "ppc64le", "riscv64", "s390x", "sparc64", "wasm",
];

/// `(os, arch)` of a platform string as containerd's `platforms.Parse` reads it.
fn parse_platform(s: &str) -> Option<(String, String)> {
    let parts: Vec<String> = s.split('/').map(str::to_lowercase).collect();
    let ident = |p: &String| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    if parts.is_empty() || parts.len() > 3 || !parts.iter().all(ident) {
        return None;
    }
    let os = |o: &str| {
        if o == "macos" {
            "darwin".to_string()
        } else {
            o.to_string()
        }
    };
    let arch = |a: &str| {
        match a {
            "x86_64" | "x86-64" => "amd64",
            "i386" => "386",
            "aarch64" => "arm64",
            "armhf" | "armel" => "arm",
            a => a,
        }
        .to_string()
    };
    if parts.len() == 1 {
        let p = &parts[0];
        if OSES.contains(&os(p).as_str()) {
            return Some((os(p), "amd64".into()));
        }
        if ARCHES.contains(&arch(p).as_str()) {
            return Some(("linux".into(), arch(p)));
        }
        return None;
    }
    Some((os(&parts[0]), arch(&parts[1])))
}

impl Rule for ConstantPlatformFlag {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        for stage in cx.stages() {
            let instr = &model.instructions[stage.from];
            let Some(flag) = instr.flag("platform") else {
                continue;
            };
            let (Some(value), Some(platform)) = (flag.value(), flag.unquoted_value()) else {
                continue;
            };
            if !dflint_syntax::vars::references(&value.text, model.escape).is_empty() {
                continue;
            }
            let Some((os, arch)) = parse_platform(&platform) else {
                continue;
            };
            let name = stage.name_lower().unwrap_or_default();
            if name.contains(&os) || name.contains(&arch) {
                continue;
            }
            out.push(Diagnostic::new(
                &META,
                value.range,
                format!(
                    "FROM --platform flag should not use constant value {}",
                    serde_json::to_string(&platform).unwrap_or_default()
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("constant-platform-flag");
    }
}
