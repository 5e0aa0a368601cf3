use crate::model::{self, VarKind};
use crate::prelude::*;
use dflint_context::glob::contains_wildcards;
use dflint_context::{
    split_parents, BuildContext, EntryKind, Exclusion, PatternMatcher, SourceResolution,
};
use dflint_syntax::validate::suggest;
use std::cell::RefCell;
use std::collections::HashMap;

declare_rule! {
    /// ## What it does
    /// Reports a source that the build reads from the build context but that is not there:
    /// a `COPY`/`ADD` source, or the `source=` of a `RUN --mount=type=bind` without `from=`.
    /// The message says which case it is: the path does not exist; it exists but
    /// `.dockerignore` (or `<Dockerfile>.dockerignore` beside the Dockerfile, which wins) excludes
    /// it; it climbs out of the context (`../x`); a wildcard matches nothing; or a wildcard
    /// matches only excluded files; or the source is the whole context (`.` or `/`) and
    /// `.dockerignore` excludes all of it (a pattern that is exactly `*`, `**` or `**/*`, with no
    /// `!` exception, as BuildKit's CopyIgnoredFile decides), so nothing is copied. A
    /// `.dockerignore` that cannot be parsed is reported once, at the first instruction that
    /// reads the context.
    ///
    /// Sources are expanded with the `ARG`/`ENV` values the Dockerfile gives them; a source that
    /// still depends on a value only known at build time (an `ARG` without a default, an `ENV` of
    /// the base image) is not checked. Not reported: `--from=` stages and images, `ADD` URLs,
    /// git sources (`git@host:repo`, `https://host/repo.git`, `ssh://`, `git://`), heredocs.
    /// Nothing is checked when dflint has no build context (the context is the Dockerfile's
    /// folder unless `--context DIR` is given).
    ///
    /// ## Why it matters
    /// BuildKit fails the step with `failed to calculate checksum of ref ...: "/x": not found`,
    /// after every earlier step has run. An excluded file fails the same way, which is hard to
    /// understand when the file is plainly on disk. `../x` does not fail: BuildKit silently
    /// copies `/x` of the context instead. A wildcard that matches nothing copies nothing under
    /// BuildKit and the build goes on (the classic builder fails with "no source files were
    /// specified").
    ///
    /// ## Example
    /// ```dockerfile
    /// # .dockerignore contains `*.env`
    /// FROM alpine:3.20
    /// COPY app.env /etc/app/
    /// COPY ../shared/lib /lib/
    /// RUN --mount=source=requirement.txt,target=/r.txt cat /r.txt
    /// ```
    ///
    /// ## Fix
    /// Correct the path (the note names a file with a close name when there is one), add the
    /// file to the context, remove or narrow the `.dockerignore` pattern (or add a `!` exception),
    /// or choose a larger context with `--context`. There is no automatic fix.
    pub struct MissingContext;
}

static META: RuleMeta = RuleMeta {
    code: "DF003",
    name: "missing-context",
    severity: Severity::Error,
    category: Category::Correctness,
    summary: "A COPY/ADD or bind-mount source is not in the build context",
    docs: MissingContext::DOCS,
    hadolint: &[],
    buildkit: &["CopyIgnoredFile"],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for MissingContext {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(bc) = cx.build_context else { return };
        let listings = Listings::default();
        for (i, instr) in cx.instructions() {
            for src in sources(cx.model, i, instr) {
                check_source(bc, &src, &listings, out);
            }
        }
    }

    /// A broken ignore file is reported once, at the first instruction of the file that reads
    /// the context: a whole-file question, asked only when the ignore file is broken.
    fn check_file(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(problem) = cx.build_context.and_then(ignore_problem) else {
            return;
        };
        let first_user = cx
            .instructions()
            .find(|(i, instr)| !sources(cx.model, *i, instr).is_empty())
            .and_then(|(_, instr)| instr.keyword())
            .map(|k| k.text_range());
        if let Some(range) = first_user {
            out.push(Diagnostic::new(&META, range, problem));
        }
    }
}

/// What instruction `i` reads from the context.
fn sources(model: &Model, i: usize, instr: &Instruction) -> Vec<Source> {
    match instr.kind() {
        SyntaxKind::COPY_INSTR | SyntaxKind::ADD_INSTR => copy_sources(model, i, instr),
        SyntaxKind::RUN_INSTR => mount_sources(model, i, instr),
        _ => Vec::new(),
    }
}

/// A source read from the context: as written, its value, where it is, and how it is resolved.
struct Source {
    /// As written (continuations joined).
    raw: String,
    /// After variable expansion and quote removal.
    value: String,
    range: TextRange,
    /// `COPY --parents` with a wildcard: the part after `/./` uses `.dockerignore`-style
    /// patterns, which [`BuildContext::resolve_source`] does not model.
    parents_wildcard: bool,
    /// A bind-mount source: a literal path, wildcards included.
    mount: bool,
}

impl Source {
    /// "`$CFG` (`conf.yml`)" when expansion changed the text, else "`conf.yml`".
    fn subject(&self) -> String {
        if self.raw == self.value || model::unquote(&self.raw) == self.value {
            format!("`{}`", self.value)
        } else {
            format!("`{}` (`{}`)", self.raw, self.value)
        }
    }
}

/// The context sources of a COPY/ADD: every argument but the last, minus stages, images, URLs,
/// git sources, heredocs and values not known before the build.
fn copy_sources(model: &Model, i: usize, instr: &Instruction) -> Vec<Source> {
    if instr.flag("from").is_some() {
        return Vec::new();
    }
    let parents = instr.flag("parents").is_some_and(|f| {
        f.unquoted_value()
            .is_none_or(|v| !v.eq_ignore_ascii_case("false"))
    });
    let words: Vec<(String, TextRange, bool)> = match instr.exec_form() {
        Some(ef) => ef
            .items()
            .into_iter()
            .map(|(text, range)| (text, range, false))
            .collect(),
        None => instr
            .args()
            .into_iter()
            .map(|w| {
                let heredoc = w.kind == SyntaxKind::HEREDOC_MARKER;
                (w.text, w.range, heredoc)
            })
            .collect(),
    };
    let Some((_dest, srcs)) = words.split_last() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (raw, range, heredoc) in srcs {
        if *heredoc {
            continue;
        }
        let Some(value) = word_value(model, i, raw) else {
            continue;
        };
        if is_remote(&value) {
            continue;
        }
        out.push(Source {
            raw: raw.clone(),
            parents_wildcard: parents && contains_wildcards(&value),
            value,
            range: *range,
            mount: false,
        });
    }
    out
}

/// BuildKit's test for a source that is not a local path (`isHTTPSource` and
/// `gitutil.ParseGitRef`): `http(s)://` URLs, `git://` and `ssh://` URLs, and scp-style
/// `user@host:path`. `github.com/x/y` is NOT among them: the Dockerfile frontend treats that
/// short form as a local path (it is accepted only for build contexts).
fn is_remote(src: &str) -> bool {
    if let Some((scheme, _)) = src.split_once("://") {
        if !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric()) {
            let scheme = scheme.to_ascii_lowercase();
            return matches!(scheme.as_str(), "http" | "https" | "git" | "ssh");
        }
    }
    is_scp_style(src)
}

/// `^[A-Za-z0-9_-]+@[A-Za-z0-9.-]+:` (sshutil's scp-style URL).
fn is_scp_style(src: &str) -> bool {
    let Some((user, rest)) = src.split_once('@') else {
        return false;
    };
    let Some((host, _)) = rest.split_once(':') else {
        return false;
    };
    !user.is_empty()
        && user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// The `source=` of each `--mount` of a RUN that binds from the context (type bind, the
/// default, without `from=`).
fn mount_sources(model: &Model, i: usize, instr: &Instruction) -> Vec<Source> {
    let mut out = Vec::new();
    for flag in instr.flags().filter(|f| f.name() == "mount") {
        let Some(word) = flag.value() else { continue };
        // Sub-ranges are exact only when no line continuation splits the value.
        let exact = usize::from(word.range.len()) == word.text.len();
        let fields = parse_mount(&word.text);
        let get = |key: &str| fields.iter().find(|f| f.key == key);
        let is_bind = get("type").is_none_or(|f| f.value.eq_ignore_ascii_case("bind"));
        if !is_bind || get("from").is_some() {
            continue;
        }
        let Some(src) = get("source").or_else(|| get("src")) else {
            continue;
        };
        let Some(value) = word_value(model, i, &src.value) else {
            continue;
        };
        let range = if exact {
            TextRange::new(
                word.range.start() + TextSize::from(src.value_range.start as u32),
                word.range.start() + TextSize::from(src.value_range.end as u32),
            )
        } else {
            word.range
        };
        out.push(Source {
            raw: src.value.clone(),
            value,
            range,
            parents_wildcard: false,
            mount: true,
        });
    }
    out
}

/// One `key=value` field of a `--mount` value.
#[derive(Debug, PartialEq, Eq)]
struct MountField {
    /// Lower case, as BuildKit compares keys.
    key: String,
    /// The value with CSV quoting removed.
    value: String,
    /// Byte range of the value inside the flag value.
    value_range: std::ops::Range<usize>,
}

/// Splits a `--mount` value as CSV (a field may be `"quoted"`, with `""` for a quote), then
/// each field at its first `=`.
fn parse_mount(text: &str) -> Vec<MountField> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut pos = 0;
    while pos <= text.len() {
        let start = pos;
        let mut field = String::new();
        if bytes.get(pos) == Some(&b'"') {
            pos += 1;
            while pos < text.len() {
                if bytes[pos] == b'"' {
                    if bytes.get(pos + 1) == Some(&b'"') {
                        field.push('"');
                        pos += 2;
                        continue;
                    }
                    pos += 1;
                    break;
                }
                let c = text[pos..].chars().next().unwrap_or('"');
                field.push(c);
                pos += c.len_utf8();
            }
            // Anything up to the comma after the closing quote belongs to the field.
            let end = text[pos..].find(',').map_or(text.len(), |j| pos + j);
            field.push_str(&text[pos..end]);
            pos = end;
        } else {
            let end = text[pos..].find(',').map_or(text.len(), |j| pos + j);
            field.push_str(&text[pos..end]);
            pos = end;
        }
        let end = pos;
        if let Some((k, v)) = field.split_once('=') {
            // Map the value back to the text: exact for unquoted fields, the whole field else.
            let value_range = if text[start..end] == field {
                start + k.len() + 1..end
            } else {
                start..end
            };
            out.push(MountField {
                key: k.trim().to_ascii_lowercase(),
                value: v.to_string(),
                value_range,
            });
        }
        pos += 1;
    }
    out
}

/// A word's value as BuildKit would see it: variables expanded with the values the Dockerfile
/// gives them, then quotes removed. `None` when it depends on a value unknown before the build.
fn word_value(model: &Model, instr: usize, text: &str) -> Option<String> {
    // An unterminated quote is a lexer error in BuildKit: the build fails before any lookup.
    if !quotes_balanced(text, model.escape) {
        return None;
    }
    word_value_depth(model, instr, text, 0)
}

fn quotes_balanced(text: &str, escape: char) -> bool {
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some('\'') if c == '\'' => quote = None,
            Some('\'') => {}
            _ if c == escape => {
                chars.next();
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            Some(_) if c == '"' => quote = None,
            _ => {}
        }
    }
    quote.is_none()
}

fn word_value_depth(model: &Model, instr: usize, text: &str, depth: usize) -> Option<String> {
    if depth > 16 {
        return None;
    }
    let unknown: RefCell<Vec<String>> = RefCell::new(Vec::new());
    let lookup = |name: &str| {
        let v = var_value(model, instr, name, depth + 1);
        if v.is_none() {
            unknown.borrow_mut().push(name.to_string());
        }
        // Escape the value so that quote removal below leaves it as it is.
        v.map(|v| {
            let mut e = String::with_capacity(v.len());
            for c in v.chars() {
                if matches!(c, '\\' | '"' | '\'') {
                    e.push('\\');
                }
                e.push(c);
            }
            e
        })
    };
    let expanded = model::expand(text, &lookup);
    let unknown = unknown.into_inner();
    if !unknown.is_empty() {
        use dflint_syntax::vars::Modifier;
        // `${v:-default}` and `${v-default}` are known even when `v` is not.
        let matters = dflint_syntax::vars::references(text, model.escape)
            .into_iter()
            .any(|r| {
                unknown.contains(&r.name)
                    && !matches!(&r.modifier, Modifier::Op { op, .. } if op == ":-" || op == "-")
            });
        if matters {
            return None;
        }
    }
    Some(model::unquote(&expanded))
}

/// The value of variable `name` at instruction `instr`, or `None` when the Dockerfile does not
/// determine it (undefined, an `ARG` without a default, or built from such a value).
fn var_value(model: &Model, instr: usize, name: &str, depth: usize) -> Option<String> {
    let defs = model.visible_defs(instr);
    let def = defs.iter().rev().find(|d| d.name == name)?;
    match &def.value {
        Some(v) => word_value_depth(model, def.instr, v, depth),
        None if def.kind == VarKind::Arg => {
            let global = model
                .global_args
                .iter()
                .rev()
                .find(|d| d.name == name && d.instr < def.instr)?;
            let v = global.value.as_deref()?;
            word_value_depth(model, global.instr, v, depth)
        }
        None => None,
    }
}

/// Reports one source that is not usable as the build would use it.
fn check_source(bc: &BuildContext, src: &Source, listings: &Listings, out: &mut Vec<Diagnostic>) {
    if src.mount && contains_wildcards(&src.value) {
        // A mount source is a literal path; one with `*` is rare enough not to model.
        return;
    }
    let res = if src.parents_wildcard {
        match resolve_parents(bc, &src.value) {
            Some(res) => res,
            None => return,
        }
    } else {
        bc.resolve_source(&src.value)
    };
    let subject = src.subject();
    let diag = match &res {
        SourceResolution::Found { paths } if paths.len() == 1 && paths[0] == "." => {
            let Some(by) = whole_context_exclusion(bc) else {
                return;
            };
            Diagnostic::new(
                &META,
                src.range,
                format!(
                    "{subject}: the whole context is excluded by {}, so nothing is {}",
                    exclusion(&by),
                    if src.mount { "mounted" } else { "copied" }
                ),
            )
        }
        SourceResolution::Found { .. } => return,
        SourceResolution::EscapesContext { clamped, resolved } => {
            let tail = match resolved.as_ref() {
                SourceResolution::Found { paths } if paths.len() == 1 && paths[0] == "." => {
                    whole_context_exclusion(bc).map_or(String::new(), |by| {
                        format!(
                            ", the whole context, which is excluded by {}",
                            exclusion(&by)
                        )
                    })
                }
                SourceResolution::Found { .. } => String::new(),
                SourceResolution::Excluded { by, .. } => {
                    format!(", where it is excluded by {}", exclusion(by))
                }
                SourceResolution::WildcardNoMatch => ", where it matches nothing".to_string(),
                SourceResolution::WildcardOnlyExcluded { by, .. } => {
                    format!(
                        ", where it matches only files excluded by {}",
                        exclusion(by)
                    )
                }
                _ => ", where it does not exist".to_string(),
            };
            Diagnostic::new(
                &META,
                src.range,
                format!(
                    "{subject} is outside the build context; BuildKit resolves it to `/{}` \
                     inside the context{tail}",
                    clamped.trim_start_matches('/')
                ),
            )
        }
        other => match describe(bc, src, &subject, other, listings) {
            Some(d) => d,
            None => return,
        },
    };
    out.push(diag);
}

fn describe(
    bc: &BuildContext,
    src: &Source,
    subject: &str,
    res: &SourceResolution,
    listings: &Listings,
) -> Option<Diagnostic> {
    Some(match res {
        SourceResolution::Missing { path } => {
            let mut d = Diagnostic::new(
                &META,
                src.range,
                format!(
                    "{subject} is not in the build context{}",
                    context_dir(bc).map_or(String::new(), |dir| format!(" ({dir})"))
                ),
            );
            if let Some(s) = did_you_mean(bc, path, listings) {
                d = d.with_note(format!("did you mean `{s}`?"));
            }
            if let Some(repo) = src.value.strip_prefix("github.com/") {
                d = d.with_note(format!(
                    "BuildKit reads `github.com/...` as a path in the context, not as a git \
                     repository; write `https://github.com/{}.git`",
                    repo.trim_end_matches(".git")
                ));
            }
            d
        }
        SourceResolution::Excluded { by, .. } => Diagnostic::new(
            &META,
            src.range,
            format!("{subject} is excluded by {}", exclusion(by)),
        ),
        SourceResolution::WildcardNoMatch => Diagnostic::new(
            &META,
            src.range,
            format!(
                "{subject} matches nothing in the build context: BuildKit copies nothing and \
                 continues; the classic builder fails with \"no source files were specified\""
            ),
        ),
        SourceResolution::WildcardOnlyExcluded { paths, by } => Diagnostic::new(
            &META,
            src.range,
            format!(
                "{subject} matches only files excluded by {} (`{}`{}), so nothing is copied",
                exclusion(by),
                paths[0],
                if paths.len() > 1 {
                    format!(" and {} more", paths.len() - 1)
                } else {
                    String::new()
                }
            ),
        ),
        SourceResolution::BadPattern { pattern } => Diagnostic::new(
            &META,
            src.range,
            format!(
                "{subject} is not a valid wildcard: `{pattern}` is malformed for Go's \
                 filepath.Match, and BuildKit fails computing the cache key"
            ),
        ),
        SourceResolution::Found { .. } | SourceResolution::EscapesContext { .. } => return None,
    })
}

/// `COPY --parents` with a wildcard: the part after the first `/./` is an include pattern with
/// `.dockerignore` semantics (`**` is recursive) below the part before it (copy-wildcards.md
/// section 5). `None` when that cannot be decided cheaply: a wildcard in the parent part, a
/// source climbing out of the context, a parent that is not a folder, or a huge walk.
fn resolve_parents(bc: &BuildContext, value: &str) -> Option<SourceResolution> {
    let cleaned = value.trim_start_matches("./");
    if cleaned == ".." || cleaned.starts_with("../") {
        return None;
    }
    let (parent, pattern) = split_parents(value);
    if contains_wildcards(&parent) {
        return None;
    }
    let Ok(matcher) = PatternMatcher::new(&[pattern.as_str()]) else {
        return Some(SourceResolution::BadPattern { pattern });
    };
    let fs = bc.fs();
    if !parent.is_empty() && fs.kind(&parent) != Some(EntryKind::Dir) {
        return None;
    }
    let mut budget = 20_000usize;
    let mut excluded = Vec::new();
    let mut first_by = None;
    // (folder relative to `parent`, whether a match above it already counts)
    let mut stack = vec![(String::new(), false)];
    while let Some((dir, under_hit)) = stack.pop() {
        for (name, kind) in fs.read_dir(&join(&parent, &dir)) {
            budget = budget.checked_sub(1)?;
            let rel = join(&dir, &name);
            let full = join(&parent, &rel);
            let hit = under_hit || matcher.matches_or_parent_matches(&rel).ok()?.is_some();
            if hit {
                match bc.excluded_by(&full) {
                    None => return Some(SourceResolution::Found { paths: vec![full] }),
                    // An excluded folder may still hold a `!` exception: keep walking.
                    Some(by) if !under_hit => {
                        first_by.get_or_insert(by);
                        excluded.push(full);
                    }
                    Some(_) => {}
                }
            }
            if kind == EntryKind::Dir {
                stack.push((rel, hit));
            }
        }
    }
    Some(match first_by {
        Some(by) => SourceResolution::WildcardOnlyExcluded {
            paths: excluded,
            by,
        },
        None => SourceResolution::WildcardNoMatch,
    })
}

/// The pattern that excludes the whole context, as BuildKit's CopyIgnoredFile decides it for a
/// source of `.` or `/`: a pattern that is exactly `*`, `**` or `**/*`, and no `!` exception
/// anywhere (dockerignore.md section F). `.*` and the like do not count.
fn whole_context_exclusion(bc: &BuildContext) -> Option<Exclusion> {
    let ig = bc.ignore();
    if ig.matcher.has_exclusions() {
        return None;
    }
    let (index, p) = ig
        .matcher
        .patterns()
        .iter()
        .enumerate()
        .find(|(_, p)| !p.is_exception() && matches!(p.text(), "*" | "**" | "**/*"))?;
    Some(Exclusion {
        index,
        pattern: p.display(),
        file: ig.name.clone(),
        line: p.line(),
    })
}

/// "`.dockerignore` line 3: `*.txt`"
fn exclusion(by: &Exclusion) -> String {
    match by.line {
        Some(line) => format!("`{}` line {line}: `{}`", by.file, by.pattern),
        None => format!("`{}`: `{}`", by.file, by.pattern),
    }
}

/// The context folder for messages, when the view is a folder on disk.
fn context_dir(bc: &BuildContext) -> Option<String> {
    let p = bc.fs().disk_path("")?;
    let s = p.display().to_string();
    Some(if s.is_empty() { ".".to_string() } else { s })
}

/// What [`did_you_mean`] reads of the context, read once per check (many sources may miss in the
/// same folder): whether a path exists, and the names of a folder that are not excluded.
#[derive(Default)]
struct Probes {
    exists: HashMap<String, bool>,
    names: HashMap<String, Vec<String>>,
}

type Listings = RefCell<Probes>;

/// A path with one component corrected: the first component that does not exist, replaced by
/// a close name (Levenshtein at most 2) in the same folder that is not excluded.
fn did_you_mean(bc: &BuildContext, path: &str, listings: &Listings) -> Option<String> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let mut prefix = String::new();
    for (n, part) in parts.iter().enumerate() {
        let candidate = join(&prefix, part);
        let mut probes = listings.borrow_mut();
        let exists = *probes
            .exists
            .entry(candidate.clone())
            .or_insert_with(|| bc.fs().kind(&candidate).is_some());
        if exists {
            prefix = candidate;
            continue;
        }
        let names = probes.names.entry(prefix.clone()).or_insert_with(|| {
            bc.fs()
                .read_dir(&prefix)
                .into_iter()
                .map(|(name, _)| name)
                .filter(|name| bc.excluded_by(&join(&prefix, name)).is_none())
                .collect()
        });
        let best = suggest(part, names.iter().map(String::as_str))?;
        let mut fixed = join(&prefix, best);
        for rest in &parts[n + 1..] {
            fixed = join(&fixed, rest);
        }
        return Some(fixed);
    }
    None
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}/{b}")
    }
}

/// A `.dockerignore` that BuildKit cannot read or parse fails every build that sends the context.
fn ignore_problem(bc: &BuildContext) -> Option<String> {
    let ig = bc.ignore();
    if let Some(e) = &ig.error {
        let line = e.line().map_or(String::new(), |l| format!(" (line {l})"));
        return Some(format!(
            "the build fails before this step: failed parsing {}: {e}{line}",
            ig.name
        ));
    }
    ig.io_error.as_ref().map(|e| {
        format!(
            "the build fails before this step: cannot read {}: {e}",
            ig.name
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testing::run_rule;
    use dflint_context::{IgnoreFile, MemoryContext};

    /// The fixture folder is the build context.
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("missing-context");
    }

    fn messages(text: &str, ctx: Option<&BuildContext>) -> Vec<(String, String)> {
        run_rule("missing-context", text, ctx)
            .into_iter()
            .map(|d| (text[d.range].to_string(), d.message))
            .collect()
    }

    #[test]
    fn nothing_without_a_context() {
        assert!(messages("FROM alpine\nCOPY nope.txt /x\n", None).is_empty());
    }

    #[test]
    fn dockerfile_specific_ignore_file_wins() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in ["a.txt", "b.txt"] {
            std::fs::write(root.join(f), "x").unwrap();
        }
        std::fs::write(root.join(".dockerignore"), "a.txt\n").unwrap();
        std::fs::write(
            root.join("build.Dockerfile.dockerignore"),
            "# only b\nb.txt\n",
        )
        .unwrap();
        let text = "FROM alpine\nCOPY a.txt b.txt /x/\n";

        let ctx = BuildContext::open(root, root.join("build.Dockerfile"));
        assert_eq!(
            messages(text, Some(&ctx)),
            [(
                "b.txt".to_string(),
                "`b.txt` is excluded by `build.Dockerfile.dockerignore` line 2: `b.txt`"
                    .to_string()
            )]
        );
        // Without a file of its own, the Dockerfile gets the context's `.dockerignore`.
        let ctx = BuildContext::open(root, root.join("Dockerfile"));
        assert_eq!(
            messages(text, Some(&ctx)),
            [(
                "a.txt".to_string(),
                "`a.txt` is excluded by `.dockerignore` line 1: `a.txt`".to_string()
            )]
        );
    }

    #[test]
    fn broken_ignore_file_is_reported_once_at_the_first_context_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.txt"), "x").unwrap();
        std::fs::write(root.join(".dockerignore"), "ok\n[\n").unwrap();
        let text =
            "FROM alpine\nRUN true\nCOPY --from=alpine /x /x\nCOPY a.txt /x/\nADD a.txt /y/\n";
        let ctx = BuildContext::open(root, root.join("Dockerfile"));
        let diags = run_rule("missing-context", text, Some(&ctx));
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(
            usize::from(diags[0].range.start()),
            text.find("COPY a.txt").unwrap()
        );
        assert_eq!(&text[diags[0].range], "COPY");
        assert!(
            diags[0]
                .message
                .starts_with("the build fails before this step: failed parsing .dockerignore: ")
                && diags[0].message.ends_with("(line 2)"),
            "{}",
            diags[0].message
        );
        // No instruction reads the context: nothing to point at, nothing reported.
        assert!(messages("FROM alpine\nRUN true\n", Some(&ctx)).is_empty());
    }

    /// BuildKit's CopyIgnoredFile on `.` and `/`: only a pattern that is exactly `*`, `**` or
    /// `**/*` excludes the whole context, and no `!` exception may exist (dockerignore.md F).
    #[test]
    fn whole_context_excluded() {
        let ctx = |ignore: &str| {
            BuildContext::new(
                MemoryContext::from_list(&["Dockerfile", "a.txt", "src/", "src/main.go"]),
                IgnoreFile::parse(".dockerignore", None, ignore.as_bytes()),
            )
        };
        let text = "FROM alpine\nCOPY . /a/\nCOPY ./ /b/\nCOPY / /c/\nADD . /d/\nCOPY --from=x . /e/\nRUN --mount=type=bind,target=/f true\nRUN --mount=source=.,target=/g true\n";
        for pattern in ["*", "**", "**/*"] {
            let ignore = format!("# all of it\n{pattern}\n");
            let got = messages(text, Some(&ctx(&ignore)));
            let whole = |s: &str, what: &str| {
                (
                    s.to_string(),
                    format!(
                        "`{s}`: the whole context is excluded by `.dockerignore` line 2: \
                         `{pattern}`, so nothing is {what}"
                    ),
                )
            };
            assert_eq!(
                got,
                [
                    whole(".", "copied"),
                    whole("./", "copied"),
                    whole("/", "copied"),
                    whole(".", "copied"),
                    whole(".", "mounted"),
                ],
                "{pattern}"
            );
        }
        let escapes = messages("FROM alpine\nCOPY .. /x/\n", Some(&ctx("*\n")));
        assert_eq!(
            escapes[0].1,
            "`..` is outside the build context; BuildKit resolves it to `/.` inside the \
             context, the whole context, which is excluded by `.dockerignore` line 1: `*`"
        );
        // Not the whole context: other patterns, or an exception anywhere in the file.
        for ignore in [
            ".*\n",
            "*/*\n",
            "a.txt\nsrc\n",
            "*\n!Dockerfile\n",
            "!x\n**\n",
        ] {
            assert!(messages(text, Some(&ctx(ignore))).is_empty(), "{ignore:?}");
        }
    }

    #[test]
    fn in_memory_context_has_no_folder_to_name() {
        let ctx = BuildContext::new(MemoryContext::from_list(&["a.txt"]), IgnoreFile::default());
        assert_eq!(
            messages("FROM alpine\nCOPY a.txt b.txt /x/\n", Some(&ctx)),
            [(
                "b.txt".to_string(),
                "`b.txt` is not in the build context".to_string()
            )]
        );
    }

    #[test]
    fn unbalanced_quotes_and_escapes() {
        assert!(quotes_balanced(r#""a b"'c'\"d"#, '\\'));
        assert!(!quotes_balanced(r#""no"#, '\\'));
        assert!(!quotes_balanced("it's", '\\'));
        assert!(quotes_balanced("it`'s", '`'));
    }

    #[test]
    fn mount_fields() {
        let f = parse_mount("type=bind,source=a.txt,\"target=/x,y\",ro");
        assert_eq!(f.len(), 3);
        assert_eq!((f[0].key.as_str(), f[0].value.as_str()), ("type", "bind"));
        assert_eq!(f[1].value, "a.txt");
        assert_eq!(f[1].value_range, 17..22);
        assert_eq!(f[2].value, "/x,y");
        let f = parse_mount("SRC=b");
        assert_eq!((f[0].key.as_str(), f[0].value_range.clone()), ("src", 4..5));
    }

    #[test]
    fn remote_sources() {
        for s in [
            "https://example.com/a.tar.gz",
            "http://example.com/a",
            "git@github.com:moby/buildkit.git",
            "git://example.com/repo",
            "ssh://git@example.com/repo.git",
            "HTTPS://example.com/x",
        ] {
            assert!(is_remote(s), "{s}");
        }
        for s in [
            "github.com/moby/buildkit",
            "a.git",
            "./x@y:z",
            "dir/file",
            "@host:x",
        ] {
            assert!(!is_remote(s), "{s}");
        }
    }
}
