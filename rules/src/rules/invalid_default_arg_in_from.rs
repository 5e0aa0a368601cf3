use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` whose image, with the global ARGs at their default values, is empty or not
    /// a valid image reference: `ARG TAG` then `FROM busybox:${TAG}` gives `busybox:`. Same as
    /// BuildKit's `InvalidDefaultArgInFrom` check.
    ///
    /// ## Why it matters
    /// The file only builds when every build passes `--build-arg`; a plain `docker build` fails,
    /// and so do tools that read the Dockerfile with its defaults.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG TAG
    /// FROM busybox:${TAG}
    /// ```
    ///
    /// ## Fix
    /// Give the ARG a default (`ARG TAG=1.36`) or use `${TAG:-1.36}`.
    pub struct InvalidDefaultArgInFrom;
}

static META: RuleMeta = RuleMeta {
    code: "DF025",
    name: "invalid-default-arg-in-from",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "With default ARG values, a FROM image is empty or invalid",
    docs: InvalidDefaultArgInFrom::DOCS,
    hadolint: &[],
    buildkit: &["InvalidDefaultArgInFrom"],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for InvalidDefaultArgInFrom {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        for stage in cx.stages() {
            let (Some(image), Some(resolved)) = (&stage.image, &stage.image_resolved) else {
                continue;
            };
            if dflint_syntax::vars::references(&image.text, model.escape).is_empty()
                || is_valid_reference(resolved)
            {
                continue;
            }
            out.push(Diagnostic::new(
                &META,
                image.range,
                format!(
                    "Default value for ARG {} results in empty or invalid base image name",
                    image.text
                ),
            ));
        }
    }
}

/// Whether `s` parses as an image reference (`[domain[:port]/]path[:tag][@digest]`), as
/// `reference.ParseNormalizedNamed` accepts it.
pub(crate) fn is_valid_reference(s: &str) -> bool {
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    if let Some(d) = digest {
        let Some((alg, hex)) = d.split_once(':') else {
            return false;
        };
        if alg.is_empty() || hex.len() < 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return false;
        }
    }
    // The tag is after the last ':' that follows the last '/'.
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[slash..].rfind(':') {
        Some(i) => (&rest[..slash + i], Some(&rest[slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(tag) = tag {
        let ok = !tag.is_empty()
            && tag.len() <= 128
            && tag
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !ok {
            return false;
        }
    }
    if name.is_empty() {
        return false;
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    // A first part with '.', ':' or "localhost" is a registry domain.
    if parts.len() > 1 && (parts[0].contains(['.', ':']) || parts[0] == "localhost") {
        let domain = parts.remove(0);
        let host = domain.split(':').next().unwrap_or("");
        if host.is_empty()
            || !host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        {
            return false;
        }
    }
    parts.iter().all(|p| is_path_component(p))
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
fn is_path_component(p: &str) -> bool {
    if p.is_empty() {
        return false;
    }
    let b = p.as_bytes();
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &p[start..i];
        if !(sep == "." || sep == "_" || sep == "__" || sep.chars().all(|c| c == '-')) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::is_valid_reference;

    #[test]
    fn fixture() {
        crate::testing::assert_fixture("invalid-default-arg-in-from");
    }

    #[test]
    fn references() {
        for ok in [
            "busybox",
            "busybox:1.36",
            "docker.io/library/busybox:latest",
            "localhost:5000/a/b_c:v1.0",
            "Registry.example.com/x",
        ] {
            assert!(is_valid_reference(ok), "{ok}");
        }
        for bad in [
            "",
            "busybox:",
            ":1.0",
            "Busybox",
            "ghcr.io/Owner/x",
            "a//b",
            "a:b:c",
            "x@sha256:zz",
        ] {
            assert!(!is_valid_reference(bad), "{bad}");
        }
    }
}
