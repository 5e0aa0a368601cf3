use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `ADD` of local files and folders, where `COPY` does the same.
    ///
    /// ## Why it matters
    /// `ADD` also downloads URLs and unpacks tar archives; using it for plain files hides which of
    /// those is meant, and a file that later turns into an archive is unpacked by surprise.
    /// `COPY` says exactly what happens.
    ///
    /// Not reported, as in hadolint (DL3020): URLs and git sources, and sources that look like
    /// archives (`.tar`, `.tar.gz`, `.tgz`, `.gz`, `.bz2`, `.xz`, ...), where `ADD` is the right
    /// tool. Also not reported: `ADD` with flags that only `ADD` has (`--checksum`,
    /// `--keep-git-dir`, `--unpack`), heredoc sources, and sources whose name comes from a
    /// variable.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ADD app.conf /etc/app/
    /// ```
    ///
    /// ## Fix
    /// Write `COPY` (safe: for local files that are not archives the two do the same).
    pub struct AddInsteadOfCopy;
}

static META: RuleMeta = RuleMeta {
    code: "DF057",
    name: "add-instead-of-copy",
    severity: Severity::Error,
    category: Category::Correctness,
    summary: "ADD of local files where COPY does the same",
    docs: AddInsteadOfCopy::DOCS,
    hadolint: &["DL3020"],
    buildkit: &[],
    fix: FixKind::Safe,
    default_enabled: true,
};

/// Suffixes of files `ADD` may unpack (compressed or plain tar archives).
pub(crate) const ARCHIVE_SUFFIXES: &[&str] = &[
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz2",
    ".tbz",
    ".tb2",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".tzst",
    ".gz",
    ".bz2",
    ".xz",
    ".zst",
    ".tar.lz",
    ".tar.lzma",
    ".tlz",
];

pub(crate) fn looks_like_archive(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    ARCHIVE_SUFFIXES.iter().any(|s| lower.ends_with(s))
}

fn is_remote(src: &str) -> bool {
    src.contains("://") || src.starts_with("git@")
}

impl Rule for AddInsteadOfCopy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for (_, instr) in cx.instructions() {
            if instr.kind() != SyntaxKind::ADD_INSTR || instr.heredocs().next().is_some() {
                continue;
            }
            if instr
                .flags()
                .any(|f| matches!(f.name().as_str(), "checksum" | "keep-git-dir" | "unpack"))
            {
                continue;
            }
            let mut sources: Vec<String> = match instr.exec_form() {
                Some(e) => e.items().into_iter().map(|(s, _)| s).collect(),
                None => instr.args().into_iter().map(|w| w.text).collect(),
            };
            if sources.len() < 2 {
                continue;
            }
            sources.pop();
            let plain = sources.iter().all(|s| {
                !s.contains('$') && !is_remote(s) && !looks_like_archive(s.trim_matches('"'))
            });
            let Some(kw) = instr.keyword() else { continue };
            if !plain {
                continue;
            }
            let copy = if kw.text().chars().all(|c| c.is_ascii_lowercase()) {
                "copy"
            } else {
                "COPY"
            };
            out.push(
                Diagnostic::new(
                    &META,
                    kw.text_range(),
                    "ADD of local files: use COPY, which does only that",
                )
                .with_fix(Fix {
                    message: "Use COPY".into(),
                    applicability: Applicability::Safe,
                    edits: vec![Edit::replace(kw.text_range(), copy)],
                }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("add-instead-of-copy");
    }
}
