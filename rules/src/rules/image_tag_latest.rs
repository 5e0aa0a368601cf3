use crate::model::from_images;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` image tagged `latest` (`FROM node:latest`).
    ///
    /// ## Why it matters
    /// `latest` is whatever was pushed last: the build changes under you when the image is
    /// updated, and two machines can build different images from the same file.
    ///
    /// As in [`image-tag-missing`](image-tag-missing), earlier stages, `scratch` and ARGs whose
    /// value is only known at build time are left alone; an ARG default of `latest` is reported.
    /// An image also pinned by digest (`node:latest@sha256:...`) is not reported: the digest
    /// decides.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:latest
    /// ```
    ///
    /// ## Fix
    /// Replace `latest` with a release tag (`node:22.11`) or pin a digest. Not automatic.
    pub struct ImageTagLatest;
}

static META: RuleMeta = RuleMeta {
    code: "DF046",
    name: "image-tag-latest",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    summary: "FROM image tagged latest",
    docs: ImageTagLatest::DOCS,
    hadolint: &["DL3007"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for ImageTagLatest {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for from in from_images(cx) {
            let (img, word) = (from.image.as_str(), from.word);
            let r = from.parts();
            if r.tag != Some("latest") || r.digest.is_some() {
                continue;
            }
            // Point at `latest` itself when it is written literally on one line.
            let literal = word.text == img && u32::from(word.range.len()) as usize == img.len();
            let range = match img.rfind(":latest") {
                Some(i) if literal => TextRange::at(
                    word.range.start() + TextSize::from(i as u32 + 1),
                    TextSize::from(6),
                ),
                _ => word.range,
            };
            out.push(from.diagnostic(
                &META,
                range,
                format!("`{img}` uses the `latest` tag: pin a release tag or a digest"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("image-tag-latest");
    }
}
