use crate::model::from_images;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` image from a registry that is not in `trusted-registries` of the
    /// configuration. Does nothing while that list is empty (the default).
    ///
    /// ## Why it matters
    /// Organisations that mirror and scan their base images want every build to pull from those
    /// mirrors only; an image from elsewhere escapes the scanning and may vanish.
    ///
    /// An image without a registry host comes from Docker Hub: it is trusted when the list has
    /// `docker.io` (or `hub.docker.com`, `index.docker.io`, `registry-1.docker.io`). Entries may
    /// use `*` as a wildcard (`*.gcr.io`). Unlike hadolint (DL3026), an image that comes from an
    /// ARG is checked with the ARG's default, an ARG without a default is left alone (the value
    /// comes from the command line), and `FROM <earlier stage>` is recognised in any letter case.
    ///
    /// ## Example
    /// With `trusted-registries = ["registry.example.com"]`:
    /// ```dockerfile
    /// FROM docker.io/library/alpine:3.20
    /// ```
    ///
    /// ## Fix
    /// Pull the image from a trusted registry (`registry.example.com/library/alpine:3.20`), or
    /// add the registry to `trusted-registries`.
    pub struct UntrustedRegistry;
}

static META: RuleMeta = RuleMeta {
    code: "DF061",
    name: "untrusted-registry",
    severity: Severity::Error,
    category: Category::Security,
    summary: "FROM image from a registry not in trusted-registries",
    docs: UntrustedRegistry::DOCS,
    hadolint: &["DL3026"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

const DOCKER_HUB: &[&str] = &[
    "docker.io",
    "hub.docker.com",
    "index.docker.io",
    "registry-1.docker.io",
];

/// `*` matches any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern.eq_ignore_ascii_case(text),
        Some((head, rest)) => {
            let t = text.to_ascii_lowercase();
            let head = head.to_ascii_lowercase();
            t.starts_with(&head)
                && (head.len()..=t.len()).any(|i| t.is_char_boundary(i) && glob(rest, &t[i..]))
        }
    }
}

fn trusted(registry: &str, list: &[String]) -> bool {
    let aliases: &[&str] = if DOCKER_HUB.contains(&registry) {
        DOCKER_HUB
    } else {
        &[registry]
    };
    list.iter()
        .any(|p| aliases.iter().any(|r| glob(p.trim(), r)))
}

impl Rule for UntrustedRegistry {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let list = &cx.settings.trusted_registries;
        if list.is_empty() {
            return;
        }
        for from in from_images(cx) {
            let img = &from.image;
            let registry = from.parts().registry.unwrap_or("docker.io");
            if trusted(registry, list) {
                continue;
            }
            out.push(from.diagnostic(
                &META,
                from.word.range,
                format!(
                    "`{img}` comes from `{registry}`, which is not a trusted registry ({})",
                    list.join(", ")
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Settings;
    use crate::model::Model;

    fn run(text: &str, registries: &[&str]) -> Vec<crate::Diagnostic> {
        let mut settings = Settings::default();
        settings.trusted_registries = registries.iter().map(|s| s.to_string()).collect();
        let parse = dflint_syntax::parse(text);
        let model = Model::new(text, &parse);
        let mut diags = crate::check(&model, None, &settings);
        diags.retain(|d| d.name == "untrusted-registry");
        diags
    }

    #[test]
    fn fixture() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/untrusted-registry.Dockerfile"
        );
        let text = std::fs::read_to_string(path).unwrap();
        let diags = run(&text, &["registry.example.com", "*.gcr.io"]);
        assert!(!diags.is_empty());
        insta::with_settings!({ snapshot_path => "../../fixtures/snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("untrusted-registry", crate::testing::render(&text, &diags));
        });
    }

    #[test]
    fn off_without_a_list_and_docker_hub_aliases() {
        assert!(run("FROM quay.io/x/y:1\n", &[]).is_empty());
        assert!(run(
            "FROM alpine:3\nFROM index.docker.io/library/alpine:3\n",
            &["docker.io"]
        )
        .is_empty());
        assert_eq!(run("FROM alpine:3\n", &["hub.example.com"]).len(), 1);
        assert!(
            super::glob("*.gcr.io", "eu.gcr.io") && !super::glob("*.gcr.io", "gcr.io.evil.com")
        );
    }
}
