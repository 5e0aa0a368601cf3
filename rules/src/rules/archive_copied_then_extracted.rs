use super::add_instead_of_copy::looks_like_archive;
use crate::pkg::runs;
use crate::prelude::*;
use crate::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports a `COPY` of a local tar archive that a later RUN of the same stage unpacks with
    /// `tar -x` (or `gunzip`, `bunzip2`, `unxz`).
    ///
    /// ## Why it matters
    /// The archive stays in the COPY layer even if the RUN deletes it, so the image carries it
    /// twice, packed and unpacked. `ADD archive.tar.gz /dest/` unpacks it in one layer.
    ///
    /// Unlike hadolint (DL3010): zip files and `unzip` are left alone, since `ADD` does not unpack
    /// zip archives; the extracted file must be the copied one (matched by file name); and the
    /// COPY itself is reported, with the extracting command as a related location.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY app.tar.gz /tmp/
    /// RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
    /// ```
    ///
    /// ## Fix
    /// `ADD app.tar.gz /opt/` and drop the extraction. Not automatic: the extraction's options
    /// (`--strip-components`, the target folder) must be carried over by hand.
    pub struct ArchiveCopiedThenExtracted;
}

static META: RuleMeta = RuleMeta {
    code: "DF049",
    name: "archive-copied-then-extracted",
    severity: Severity::Info,
    category: Category::Performance,
    summary: "COPY of a tar archive that a later RUN unpacks",
    docs: ArchiveCopiedThenExtracted::DOCS,
    hadolint: &["DL3010"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

fn basename(p: &str) -> &str {
    p.trim_end_matches('/').rsplit('/').next().unwrap_or(p)
}

fn extracts(cmd: &Command) -> bool {
    match cmd.program() {
        Some("tar") => cmd.args().iter().enumerate().any(|(i, w)| {
            let t = w.text.as_str();
            t == "--extract"
                || t == "--get"
                || (t.starts_with('-') && !t.starts_with("--") && t.contains('x'))
                // Old style: `tar xzf file`.
                || (i == 0 && !t.starts_with('-') && t.contains('x') && t.chars().all(|c| c.is_ascii_alphabetic()))
        }),
        Some("gunzip" | "bunzip2" | "unxz" | "unlzma" | "uncompress") => true,
        _ => false,
    }
}

impl Rule for ArchiveCopiedThenExtracted {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        let runs = runs(cx);
        for (i, instr) in cx.instructions() {
            if instr.kind() != SyntaxKind::COPY_INSTR || instr.flag("from").is_some() {
                continue;
            }
            let args = instr.args();
            if args.len() < 2 || instr.heredocs().next().is_some() {
                continue;
            }
            let dest = &args[args.len() - 1];
            let stage = model.stage_of(i);
            for src in &args[..args.len() - 1] {
                if src.text.contains('$') || !looks_like_archive(&src.text) {
                    continue;
                }
                // The name the archive has in the image.
                let name = if dest.text.ends_with('/') || args.len() > 2 {
                    basename(&src.text)
                } else {
                    basename(&dest.text)
                };
                let extraction = runs
                    .iter()
                    .filter(|r| r.index > i && model.stage_of(r.index) == stage)
                    .flat_map(|r| r.commands.iter())
                    .find(|c| extracts(c) && c.args().iter().any(|w| basename(&w.text) == name));
                if let Some(cmd) = extraction {
                    let first = cmd.words[0].range;
                    out.push(
                        Diagnostic::new(
                            &META,
                            src.range,
                            format!(
                                "`{}` is copied and then unpacked: `ADD` unpacks it in one layer",
                                src.text
                            ),
                        )
                        .with_related(first, "unpacked here"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("archive-copied-then-extracted");
    }
}
