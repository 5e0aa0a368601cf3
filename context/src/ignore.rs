//! `.dockerignore` parsing (moby `ignorefile.ReadAll`) and the pattern
//! matcher of `github.com/moby/patternmatcher`, with its three decision
//! functions: the deprecated `Matches`, `MatchesOrParentMatches` (what a
//! rule should ask: "is this path excluded, and by which pattern?") and
//! `MatchesUsingParentResults` (what BuildKit's context walk uses).
//!
//! Paths given to the matcher are slash-separated, relative to the context
//! root, without a leading `/`.

use crate::glob::{self, BadPattern};
use crate::gopath;
use std::fmt;
use std::sync::OnceLock;

/// Longest line `bufio.Scanner` accepts by default (`MaxScanTokenSize`).
const MAX_LINE: usize = 64 * 1024;

/// One pattern produced by [`read_all`], with its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreLine {
    /// The pattern as ReadAll returns it (`!` re-prefixed for exceptions).
    pub text: String,
    /// 1-based line number in the file.
    pub line: usize,
}

/// Errors from reading or compiling patterns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternError {
    /// A line longer than 64 KiB (`bufio.Scanner: token too long`).
    LineTooLong {
        /// 1-based line number.
        line: usize,
    },
    /// A bare `!` (`illegal exclusion pattern: "!"`).
    IllegalExclusion {
        /// 1-based line number, when the pattern came from a file.
        line: Option<usize>,
    },
    /// `filepath.Match` syntax error, or a regexp that does not compile.
    BadPattern {
        /// The pattern text (cleaned, without `!`).
        pattern: String,
        /// 1-based line number, when the pattern came from a file.
        line: Option<usize>,
    },
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatternError::LineTooLong { .. } => f.write_str("bufio.Scanner: token too long"),
            PatternError::IllegalExclusion { .. } => {
                f.write_str("illegal exclusion pattern: \"!\"")
            }
            PatternError::BadPattern { pattern, .. } => {
                write!(f, "syntax error in pattern `{pattern}`")
            }
        }
    }
}

impl std::error::Error for PatternError {}

impl PatternError {
    /// The 1-based line number in the ignore file, if known.
    pub fn line(&self) -> Option<usize> {
        match self {
            PatternError::LineTooLong { line } => Some(*line),
            PatternError::IllegalExclusion { line } | PatternError::BadPattern { line, .. } => {
                *line
            }
        }
    }
}

/// `ignorefile.ReadAll`: split lines, strip a BOM on line 1, drop comments
/// (first byte `#`) and blank lines, TrimSpace, handle `!`, Clean and strip
/// one leading `/`.
pub fn read_all(content: &[u8]) -> Result<Vec<IgnoreLine>, PatternError> {
    let mut out = Vec::new();
    let mut rest = content;
    let mut line_no = 0usize;
    while !rest.is_empty() {
        let (mut line, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        let raw_len = line.len() + usize::from(next.len() < rest.len() - line.len());
        line_no += 1;
        if raw_len > MAX_LINE {
            return Err(PatternError::LineTooLong { line: line_no });
        }
        rest = next;
        if let [head @ .., b'\r'] = line {
            line = head;
        }
        if line_no == 1 {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        if line.first() == Some(&b'#') {
            continue;
        }
        let text = String::from_utf8_lossy(line);
        let mut pattern = text.trim();
        if pattern.is_empty() {
            continue;
        }
        let invert = pattern.starts_with('!');
        if invert {
            pattern = pattern[1..].trim();
        }
        let mut cleaned = String::new();
        if !pattern.is_empty() {
            cleaned = gopath::clean(pattern);
            if cleaned.len() > 1 && cleaned.starts_with('/') {
                cleaned.remove(0);
            }
        }
        if invert {
            cleaned.insert(0, '!');
        }
        out.push(IgnoreLine {
            text: cleaned,
            line: line_no,
        });
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Exact,
    Prefix,
    Suffix,
    Regexp,
}

#[derive(Debug)]
struct Compiled {
    kind: Kind,
    regex: Option<regex::Regex>,
}

/// One compiled pattern of a [`PatternMatcher`].
#[derive(Debug)]
pub struct Pattern {
    cleaned: String,
    exclusion: bool,
    dirs: usize,
    line: Option<usize>,
    compiled: OnceLock<Result<Compiled, BadPattern>>,
}

impl Pattern {
    /// The cleaned pattern text, without the leading `!`.
    pub fn text(&self) -> &str {
        &self.cleaned
    }

    /// The pattern as it would be written in a file (`!` re-added for exceptions).
    pub fn display(&self) -> String {
        if self.exclusion {
            format!("!{}", self.cleaned)
        } else {
            self.cleaned.clone()
        }
    }

    /// True for a `!` exception (re-inclusion) pattern.
    pub fn is_exception(&self) -> bool {
        self.exclusion
    }

    /// 1-based line in the ignore file, when built from one.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// The patternmatcher match kind: `exact`, `prefix`, `suffix` or `regexp`.
    pub fn kind(&self) -> Result<&'static str, BadPattern> {
        Ok(match self.compiled()?.kind {
            Kind::Exact => "exact",
            Kind::Prefix => "prefix",
            Kind::Suffix => "suffix",
            Kind::Regexp => "regexp",
        })
    }

    /// The regular expression, for the regexp kind (in Go's spelling before
    /// translation to the `regex` crate, i.e. what patternmatcher builds).
    pub fn go_regexp(&self) -> Option<String> {
        let (kind, re, _) = translate(&self.cleaned);
        (kind == Kind::Regexp).then_some(re)
    }

    fn compiled(&self) -> Result<&Compiled, BadPattern> {
        self.compiled
            .get_or_init(|| compile(&self.cleaned))
            .as_ref()
            .map_err(|e| *e)
    }

    /// Match the pattern against one slash path (no parent logic).
    pub fn matches(&self, path: &str) -> Result<bool, BadPattern> {
        let c = self.compiled()?;
        let p = &self.cleaned;
        Ok(match c.kind {
            Kind::Exact => path == p,
            Kind::Prefix => path.starts_with(&p[..p.len() - 2]),
            Kind::Suffix => {
                let suffix = &p[2..];
                path.ends_with(suffix) || (suffix.starts_with('/') && path == &suffix[1..])
            }
            Kind::Regexp => c.regex.as_ref().is_some_and(|r| r.is_match(path)),
        })
    }
}

/// Translate a cleaned pattern the way patternmatcher's `compile` does.
/// Returns (kind, Go regexp, regexp for the `regex` crate).
fn translate(pattern: &str) -> (Kind, String, String) {
    let mut kind = Kind::Exact;
    let mut go = String::from("^");
    let mut rs = String::from("^");
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0usize; // token counter, as in Go
    let mut k = 0usize; // position in chars
    let mut in_class = false;
    let mut in_posix = false; // inside `[:name:]` within a class
    let mut class_open_at = 0usize; // rs.len() right after `[` or `[^`
    while k < chars.len() {
        let ch = chars[k];
        k += 1;
        if ch == '*' {
            if chars.get(k) == Some(&'*') {
                k += 1;
                if chars.get(k) == Some(&'/') {
                    k += 1;
                }
                if k >= chars.len() {
                    if kind == Kind::Exact {
                        kind = Kind::Prefix;
                    } else {
                        go.push_str(".*");
                        rs.push_str(".*");
                        kind = Kind::Regexp;
                    }
                } else {
                    go.push_str("(.*/)?");
                    rs.push_str("(.*/)?");
                    kind = Kind::Regexp;
                }
                if i == 0 {
                    kind = Kind::Suffix;
                }
            } else {
                go.push_str("[^/]*");
                rs.push_str("[^/]*");
                kind = Kind::Regexp;
            }
        } else if ch == '?' {
            go.push_str("[^/]");
            rs.push_str("[^/]");
            kind = Kind::Regexp;
        } else if ".+()|{}$".contains(ch) {
            go.push('\\');
            go.push(ch);
            rs.push('\\');
            rs.push(ch);
        } else if ch == '\\' {
            if k < chars.len() {
                let next = chars[k];
                k += 1;
                go.push('\\');
                go.push(next);
                rs.push_str(&translate_escape(next, in_class));
                kind = Kind::Regexp;
            } else {
                go.push('\\');
                rs.push('\\');
            }
        } else if ch == '[' || ch == ']' {
            go.push(ch);
            kind = Kind::Regexp;
            if ch == '[' {
                if in_class {
                    // Go: a literal `[` inside a class (unless `[:name:]`).
                    if chars.get(k) == Some(&':') {
                        in_posix = true;
                        rs.push('[');
                    } else {
                        rs.push_str("\\[");
                    }
                } else {
                    rs.push('[');
                    in_class = true;
                    if chars.get(k) == Some(&'^') {
                        // `^` is copied verbatim by the next iteration.
                        class_open_at = rs.len() + 1;
                    } else {
                        class_open_at = rs.len();
                    }
                }
            } else {
                // `]` right after `[` or `[^` is a literal in both dialects.
                if in_posix && rs.ends_with(':') {
                    in_posix = false;
                } else if in_class && rs.len() != class_open_at {
                    in_class = false;
                }
                rs.push(']');
            }
        } else {
            go.push(ch);
            if in_class && matches!(ch, '&' | '~' | '-') && chars.get(k) == Some(&ch) {
                // Rust class set operators (`&&`, `~~`, `--`) are literals in Go.
                rs.push('\\');
                rs.push(ch);
            } else {
                rs.push(ch);
            }
        }
        i += 1;
    }
    go.push('$');
    rs.push('$');
    (kind, go, rs)
}

/// Go regexp escapes, spelled for the `regex` crate. Go's Perl classes and
/// word boundaries are ASCII-only; punctuation escapes are literals
/// (`\<` is a literal `<` in Go but a word boundary in `regex`).
fn translate_escape(c: char, in_class: bool) -> String {
    match (c, in_class) {
        ('d', false) => "[0-9]".into(),
        ('d', true) => "0-9".into(),
        ('D', false) => "[^0-9]".into(),
        ('w', false) => "[0-9A-Za-z_]".into(),
        ('w', true) => "0-9A-Za-z_".into(),
        ('W', false) => "[^0-9A-Za-z_]".into(),
        ('s', false) => "[\\t\\n\\f\\r ]".into(),
        ('s', true) => "\\t\\n\\f\\r ".into(),
        ('S', false) => "[^\\t\\n\\f\\r ]".into(),
        ('b', false) => "(?-u:\\b)".into(),
        ('B', false) => "(?-u:\\B)".into(),
        (c, _) if c.is_ascii_punctuation() => format!("\\x{:02x}", c as u32),
        (c, _) => format!("\\{c}"),
    }
}

fn compile(pattern: &str) -> Result<Compiled, BadPattern> {
    let (kind, _, rs) = translate(pattern);
    if kind != Kind::Regexp {
        return Ok(Compiled { kind, regex: None });
    }
    let regex = regex::Regex::new(&rs).map_err(|_| BadPattern)?;
    Ok(Compiled {
        kind,
        regex: Some(regex),
    })
}

/// Per-pattern results for one directory, reused for its children by
/// [`PatternMatcher::matches_using_parent_results`] (Go's `MatchInfo`).
/// The default value means "no parent information".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchInfo {
    parent_matched: Vec<bool>,
}

/// A list of patterns with moby/patternmatcher semantics.
#[derive(Debug, Default)]
pub struct PatternMatcher {
    patterns: Vec<Pattern>,
    exclusions: bool,
}

impl PatternMatcher {
    /// `patternmatcher.New`: for `COPY --exclude` values and other raw
    /// pattern lists (no comments, no leading-`/` strip). Empty entries are
    /// dropped.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, PatternError> {
        Self::build(patterns.iter().map(|p| (p.as_ref(), None)))
    }

    /// ReadAll + New on the bytes of a `.dockerignore` file. Each pattern
    /// remembers its line number.
    pub fn from_ignore_file(content: &[u8]) -> Result<Self, PatternError> {
        let lines = read_all(content)?;
        Self::build(lines.iter().map(|l| (l.text.as_str(), Some(l.line))))
    }

    fn build<'a>(
        patterns: impl Iterator<Item = (&'a str, Option<usize>)>,
    ) -> Result<Self, PatternError> {
        let mut pm = PatternMatcher::default();
        for (p, line) in patterns {
            let p = p.trim();
            if p.is_empty() {
                continue;
            }
            let mut p = gopath::clean(p);
            let mut exclusion = false;
            if p.starts_with('!') {
                if p.len() == 1 {
                    return Err(PatternError::IllegalExclusion { line });
                }
                exclusion = true;
                p.remove(0);
                pm.exclusions = true;
            }
            if glob::check_syntax(&p).is_err() {
                return Err(PatternError::BadPattern { pattern: p, line });
            }
            pm.patterns.push(Pattern {
                dirs: p.split('/').count(),
                cleaned: p,
                exclusion,
                line,
                compiled: OnceLock::new(),
            });
        }
        Ok(pm)
    }

    /// The patterns, in order.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// True if any `!` exception pattern exists.
    pub fn has_exclusions(&self) -> bool {
        self.exclusions
    }

    /// True when there are no patterns.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Compile every pattern now; returns the first that `regex` rejects
    /// (Go reports these only when the pattern is first used).
    pub fn check_all(&self) -> Result<(), PatternError> {
        for p in &self.patterns {
            if p.compiled().is_err() {
                return Err(PatternError::BadPattern {
                    pattern: p.cleaned.clone(),
                    line: p.line,
                });
            }
        }
        Ok(())
    }

    /// The deprecated `Matches`: checks only the ancestor with as many
    /// components as the pattern. Kept for the classic builder's behaviour.
    pub fn matches(&self, file: &str) -> Result<bool, BadPattern> {
        let mut matched = false;
        let parent = gopath::dir(file);
        let parent_dirs: Vec<&str> = parent.split('/').collect();
        for pat in &self.patterns {
            if pat.exclusion != matched {
                continue;
            }
            let mut m = pat.matches(file)?;
            if !m && parent != "." && pat.dirs <= parent_dirs.len() {
                m = pat.matches(&parent_dirs[..pat.dirs].join("/"))?;
            }
            if m {
                matched = !pat.exclusion;
            }
        }
        Ok(matched)
    }

    /// `MatchesOrParentMatches`: is `file` excluded? Returns the index of the
    /// pattern that decided it (the last pattern that hit the path or one
    /// of its ancestors), or `None` if the path is not matched.
    pub fn matches_or_parent_matches(&self, file: &str) -> Result<Option<usize>, BadPattern> {
        let mut matched: Option<usize> = None;
        let parent = gopath::dir(file);
        let parent_dirs: Vec<&str> = parent.split('/').collect();
        for (idx, pat) in self.patterns.iter().enumerate() {
            if pat.exclusion != matched.is_some() {
                continue;
            }
            let mut m = pat.matches(file)?;
            if !m && parent != "." {
                for i in 0..parent_dirs.len() {
                    // Go ignores errors here; the first call already surfaced any.
                    if pat.matches(&parent_dirs[..=i].join("/")).unwrap_or(false) {
                        m = true;
                        break;
                    }
                }
            }
            if m {
                matched = if pat.exclusion { None } else { Some(idx) };
            }
        }
        Ok(matched)
    }

    /// `MatchesUsingParentResults`: the walk-side decision, reusing the
    /// parent directory's per-pattern results. Pass `MatchInfo::default()`
    /// for a path whose parent was not evaluated.
    pub fn matches_using_parent_results(
        &self,
        file: &str,
        parent: &MatchInfo,
    ) -> Result<(bool, MatchInfo), BadPattern> {
        let parent_matched = &parent.parent_matched;
        let has_parent = !parent_matched.is_empty();
        debug_assert!(!has_parent || parent_matched.len() == self.patterns.len());
        let mut matched = false;
        let mut info = MatchInfo {
            parent_matched: vec![false; self.patterns.len()],
        };
        for (i, pat) in self.patterns.iter().enumerate() {
            let mut m = has_parent && parent_matched.get(i).copied().unwrap_or(false);
            if !m {
                if pat.exclusion != matched {
                    continue;
                }
                m = pat.matches(file)?;
                if !m && !has_parent {
                    let parent_path = gopath::dir(file);
                    if parent_path != "." {
                        let dirs: Vec<&str> = parent_path.split('/').collect();
                        for j in 0..dirs.len() {
                            if pat.matches(&dirs[..=j].join("/")).unwrap_or(false) {
                                m = true;
                                break;
                            }
                        }
                    }
                }
            }
            info.parent_matched[i] = m;
            if m {
                matched = !pat.exclusion;
            }
        }
        Ok((matched, info))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision_reports_pattern_and_line() {
        let pm =
            PatternMatcher::from_ignore_file(b"# c\nnode_modules\n*.md\n!README.md\n").unwrap();
        let idx = pm.matches_or_parent_matches("docs/x.md").unwrap();
        assert_eq!(idx, None, "*.md does not match below the root");
        let idx = pm.matches_or_parent_matches("x.md").unwrap().unwrap();
        assert_eq!(pm.patterns()[idx].text(), "*.md");
        assert_eq!(pm.patterns()[idx].line(), Some(3));
        assert_eq!(pm.matches_or_parent_matches("README.md").unwrap(), None);
        let idx = pm
            .matches_or_parent_matches("node_modules/a/b")
            .unwrap()
            .unwrap();
        assert_eq!(pm.patterns()[idx].line(), Some(2));
    }

    #[test]
    fn errors_carry_lines() {
        let e = PatternMatcher::from_ignore_file(b"a\n\n!\n").unwrap_err();
        assert_eq!(e, PatternError::IllegalExclusion { line: Some(3) });
        let e = PatternMatcher::from_ignore_file(b"a\n[\n").unwrap_err();
        assert_eq!(e.line(), Some(2));
        let pm = PatternMatcher::from_ignore_file(b"ok\n[z-a]\n").unwrap();
        assert_eq!(pm.check_all().unwrap_err().line(), Some(2));
    }

    #[test]
    fn regex_dialect_quirks() {
        let pm = PatternMatcher::new(&["a\\<b", "x[[]y", "c\\dd"]).unwrap();
        assert!(pm.matches_or_parent_matches("a<b").unwrap().is_some());
        assert!(pm.matches_or_parent_matches("x[y").unwrap().is_some());
        assert!(pm.matches_or_parent_matches("c1d").unwrap().is_some());
        assert!(pm
            .matches_or_parent_matches("c\u{0661}d")
            .unwrap()
            .is_none());
    }
}
