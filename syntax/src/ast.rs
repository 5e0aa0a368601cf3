//! Typed views over the lossless tree: thin wrappers with accessors named after what they return.
//!
//! Text that BuildKit joins across line continuations is read back "logically" (continuation
//! markers and skipped lines removed), with a map from logical offsets to file ranges so that
//! every word and variable reference still has its exact range in the file.

use crate::{vars, SyntaxKind, SyntaxKind::*, SyntaxNode, SyntaxToken, TextRange, TextSize};
use rowan::{NodeOrToken, WalkEvent};

macro_rules! node_view {
    ($(#[$m:meta])* $name:ident, $pred:expr) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub struct $name(SyntaxNode);
        impl $name {
            pub fn cast(node: SyntaxNode) -> Option<Self> {
                let pred: fn(SyntaxKind) -> bool = $pred;
                pred(node.kind()).then(|| $name(node))
            }
            pub fn syntax(&self) -> &SyntaxNode {
                &self.0
            }
            pub fn range(&self) -> TextRange {
                self.0.text_range()
            }
        }
    };
}

node_view!(
    /// The whole file.
    Dockerfile, |k| k == SOURCE_FILE
);
node_view!(
    /// Any instruction, including an ONBUILD trigger and an unknown instruction.
    Instruction, SyntaxKind::is_instruction
);
node_view!(
    /// `--name` or `--name=value`.
    Flag, |k| k == FLAG
);
node_view!(
    /// `["executable", "arg"]`.
    ExecForm, |k| k == EXEC_FORM
);
node_view!(
    /// The shell-form command of RUN, CMD, ENTRYPOINT, SHELL or HEALTHCHECK CMD.
    ShellForm, |k| k == SHELL_FORM
);
node_view!(
    /// `key=value` (or legacy `key value`) of ENV or LABEL.
    KeyValue, |k| k == KEY_VALUE
);
node_view!(
    /// `name` or `name=default` of ARG.
    ArgDecl, |k| k == ARG_DECL
);
node_view!(
    /// A heredoc body and its end line.
    Heredoc, |k| k == HEREDOC
);
node_view!(
    /// A parser directive (`# syntax=`, `# escape=`, `# check=`).
    Directive, |k| k == DIRECTIVE
);

/// Text as BuildKit sees it (continuations joined), with the way back to the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogicalText {
    pub text: String,
    /// `(logical offset, file offset)` where each contiguous piece starts.
    pieces: Vec<(usize, TextSize)>,
}

impl LogicalText {
    /// Collects the text of `tokens`, leaving out continuation markers and skipped lines.
    fn collect(tokens: impl Iterator<Item = SyntaxToken>) -> LogicalText {
        let mut lt = LogicalText::default();
        let mut last_end: Option<TextSize> = None;
        for tok in tokens {
            let r = tok.text_range();
            if last_end != Some(r.start()) {
                lt.pieces.push((lt.text.len(), r.start()));
            }
            lt.text.push_str(tok.text());
            last_end = Some(r.end());
        }
        lt
    }

    fn of_node(node: &SyntaxNode, stop_at: impl Fn(SyntaxKind) -> bool) -> LogicalText {
        LogicalText::collect(significant_tokens(node, stop_at))
    }

    /// The file offset of a logical offset.
    pub fn offset(&self, off: usize) -> TextSize {
        let i = self
            .pieces
            .partition_point(|p| p.0 <= off)
            .saturating_sub(1);
        match self.pieces.get(i) {
            Some(&(ls, ps)) => ps + TextSize::from((off - ls) as u32),
            None => TextSize::from(0),
        }
    }

    /// The file range of a logical range (its end mapped as an exclusive end).
    pub fn range(&self, r: std::ops::Range<usize>) -> TextRange {
        let start = self.offset(r.start);
        if r.is_empty() {
            return TextRange::empty(start);
        }
        let i = self
            .pieces
            .partition_point(|p| p.0 < r.end)
            .saturating_sub(1);
        let end = match self.pieces.get(i) {
            Some(&(ls, ps)) => ps + TextSize::from((r.end - ls) as u32),
            None => start,
        };
        TextRange::new(start, end.max(start))
    }
}

/// Tokens of `node` that BuildKit keeps, in order; subtrees whose kind `stop_at` says are skipped.
fn significant_tokens(
    node: &SyntaxNode,
    stop_at: impl Fn(SyntaxKind) -> bool,
) -> impl Iterator<Item = SyntaxToken> {
    let root = node.clone();
    let mut preorder = node.preorder_with_tokens();
    std::iter::from_fn(move || loop {
        match preorder.next()? {
            WalkEvent::Enter(NodeOrToken::Node(n))
                if n.kind() == SKIPPED_LINE || (n != root && stop_at(n.kind())) =>
            {
                preorder.skip_subtree();
            }
            WalkEvent::Enter(NodeOrToken::Token(t)) if t.kind() != CONTINUATION => {
                return Some(t);
            }
            _ => {}
        }
    })
}

/// A word as BuildKit sees it: its text with continuations removed, and its range in the file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Word {
    pub text: String,
    pub range: TextRange,
    /// The kind of the first token (WORD, HEREDOC_MARKER, KEY, VALUE, ...).
    pub kind: SyntaxKind,
}

/// Groups the word-like tokens under `node` into logical words: tokens split only by a line
/// continuation belong to the same word.
fn words_in(node: &SyntaxNode, kinds: &[SyntaxKind]) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut joinable = false;
    let mut preorder = node.preorder_with_tokens();
    while let Some(ev) = preorder.next() {
        match ev {
            WalkEvent::Enter(NodeOrToken::Node(n))
                if n.kind() == SKIPPED_LINE || n.kind() == HEREDOC =>
            {
                preorder.skip_subtree()
            }
            WalkEvent::Enter(NodeOrToken::Token(t)) => {
                if t.kind() == CONTINUATION {
                    continue;
                }
                if kinds.contains(&t.kind()) {
                    match out.last_mut() {
                        Some(w) if joinable => {
                            w.text.push_str(t.text());
                            w.range = w.range.cover(t.text_range());
                        }
                        _ => out.push(Word {
                            text: t.text().to_string(),
                            range: t.text_range(),
                            kind: t.kind(),
                        }),
                    }
                    joinable = true;
                } else {
                    joinable = false;
                }
            }
            _ => {}
        }
    }
    out
}

fn first_token(node: &SyntaxNode, kind: SyntaxKind) -> Option<SyntaxToken> {
    node.children_with_tokens()
        .filter_map(|e| e.into_token())
        .find(|t| t.kind() == kind)
}

/// Logical text of the direct-child tokens of `kind` (joined across continuations).
fn joined_child_tokens(node: &SyntaxNode, kind: SyntaxKind) -> Option<(String, TextRange)> {
    let toks: Vec<SyntaxToken> = node
        .children_with_tokens()
        .filter_map(|e| e.into_token())
        .filter(|t| t.kind() == kind)
        .collect();
    let first = toks.first()?;
    let range = first.text_range().cover(toks.last()?.text_range());
    Some((toks.iter().map(|t| t.text()).collect(), range))
}

impl Dockerfile {
    /// Top-level instructions in order (ONBUILD triggers are inside their ONBUILD).
    pub fn instructions(&self) -> impl Iterator<Item = Instruction> {
        self.0.children().filter_map(Instruction::cast)
    }

    /// Parser directives: only at the top, before any instruction (so the walk stops there).
    pub fn directives(&self) -> impl Iterator<Item = Directive> {
        self.0.children().map_while(Directive::cast)
    }

    /// The escape character in effect (`\` unless an `# escape=` directive says otherwise).
    pub fn escape_char(&self) -> char {
        self.directives()
            .find(|d| d.name().eq_ignore_ascii_case("escape"))
            .and_then(|d| (d.value() == "`").then_some('`'))
            .unwrap_or('\\')
    }

    /// Comment lines at the top level (not directives, not inside continuations).
    pub fn comments(&self) -> impl Iterator<Item = SyntaxToken> {
        self.0
            .children_with_tokens()
            .filter_map(|e| e.into_token())
            .filter(|t| t.kind() == COMMENT)
    }

    /// Build stages: each FROM and the instructions up to the next FROM.
    pub fn stages(&self) -> Vec<Stage> {
        let mut stages: Vec<Stage> = Vec::new();
        for instr in self.instructions() {
            if instr.kind() == FROM_INSTR {
                stages.push(Stage {
                    index: stages.len(),
                    from: instr,
                    instructions: Vec::new(),
                });
            } else if let Some(stage) = stages.last_mut() {
                stage.instructions.push(instr);
            }
        }
        stages
    }
}

/// A build stage: its FROM and the instructions that follow it.
#[derive(Clone, Debug)]
pub struct Stage {
    pub index: usize,
    pub from: Instruction,
    pub instructions: Vec<Instruction>,
}

impl Stage {
    /// The `AS name` of the stage, as written.
    pub fn name(&self) -> Option<Word> {
        self.from.stage_name()
    }
}

impl Instruction {
    pub fn kind(&self) -> SyntaxKind {
        self.0.kind()
    }

    pub fn keyword(&self) -> Option<SyntaxToken> {
        first_token(&self.0, KEYWORD)
    }

    /// The keyword in upper case (`RUN`); an unknown instruction's as written.
    pub fn name(&self) -> String {
        self.kind()
            .keyword()
            .map(str::to_string)
            .unwrap_or_else(|| {
                self.keyword()
                    .map(|k| k.text().to_string())
                    .unwrap_or_default()
            })
    }

    pub fn flags(&self) -> impl Iterator<Item = Flag> {
        self.0.children().filter_map(Flag::cast)
    }

    /// The first flag called `name` (without the leading `--`), case-sensitive as BuildKit.
    pub fn flag(&self, name: &str) -> Option<Flag> {
        self.flags().find(|f| f.name() == name)
    }

    pub fn exec_form(&self) -> Option<ExecForm> {
        self.0.children().find_map(ExecForm::cast)
    }

    pub fn shell_form(&self) -> Option<ShellForm> {
        self.0.children().find_map(ShellForm::cast)
    }

    pub fn heredocs(&self) -> impl Iterator<Item = Heredoc> {
        self.0.children().filter_map(Heredoc::cast)
    }

    pub fn key_values(&self) -> impl Iterator<Item = KeyValue> {
        self.0.children().filter_map(KeyValue::cast)
    }

    pub fn arg_decls(&self) -> impl Iterator<Item = ArgDecl> {
        self.0.children().filter_map(ArgDecl::cast)
    }

    /// ONBUILD's trigger instruction.
    pub fn trigger(&self) -> Option<Instruction> {
        self.0.children().find_map(Instruction::cast)
    }

    /// Argument words after the flags (for shell form, the words of the command; for exec
    /// form, none: see [`Instruction::exec_form`]).
    pub fn args(&self) -> Vec<Word> {
        let mut words = Vec::new();
        for child in self.0.children_with_tokens() {
            match child {
                NodeOrToken::Node(n) if n.kind() == SHELL_FORM => {
                    words.extend(ShellForm(n).words())
                }
                NodeOrToken::Node(_) => {}
                NodeOrToken::Token(t) if matches!(t.kind(), WORD | HEREDOC_MARKER) => {
                    if let Some(last) = words.last_mut().filter(|w: &&mut Word| joined(w, &t)) {
                        last.text.push_str(t.text());
                        last.range = last.range.cover(t.text_range());
                    } else {
                        words.push(Word {
                            text: t.text().to_string(),
                            range: t.text_range(),
                            kind: t.kind(),
                        });
                    }
                }
                NodeOrToken::Token(_) => {}
            }
        }
        words
    }

    /// The instruction's text as BuildKit joins it (no heredoc bodies, no line terminator).
    pub fn logical_text(&self) -> LogicalText {
        let mut lt = LogicalText::of_node(&self.0, |k| k == HEREDOC);
        let trimmed = lt.text.trim_end_matches(['\r', '\n']).len();
        lt.text.truncate(trimmed);
        lt
    }

    /// The text of the arguments after the flags, as one logical string (e.g. a RUN's script).
    pub fn args_text(&self) -> Option<LogicalText> {
        if let Some(sf) = self.shell_form() {
            return Some(sf.logical_text());
        }
        let args = self.args();
        let first = args.first()?;
        let last = args.last()?;
        let range = first.range.cover(last.range);
        let tokens = significant_tokens(&self.0, |k| k == HEREDOC)
            .filter(|t| range.contains_range(t.text_range()));
        Some(LogicalText::collect(tokens))
    }

    /// FROM: the image reference (first argument).
    pub fn image(&self) -> Option<Word> {
        (self.kind() == FROM_INSTR)
            .then(|| self.args().into_iter().next())
            .flatten()
    }

    /// FROM: the stage name after `AS`.
    pub fn stage_name(&self) -> Option<Word> {
        if self.kind() != FROM_INSTR {
            return None;
        }
        let args = self.args();
        (args.len() == 3 && args[1].text.eq_ignore_ascii_case("as")).then(|| args[2].clone())
    }

    /// Variable references in the parts of this instruction the builder expands.
    pub fn variable_refs(&self, escape: char) -> Vec<vars::VarRef> {
        let mut out = Vec::new();
        let mut scan = |lt: LogicalText| {
            for r in vars::references(&lt.text, escape) {
                out.push(vars::VarRef {
                    range: lt.range(r.range.0.clone()).into(),
                    name_range: lt.range(r.name_range.0.clone()).into(),
                    ..r
                });
            }
        };
        for flag in self.flags() {
            if let Some(v) = flag.value_text() {
                scan(v);
            }
        }
        match self.kind() {
            RUN_INSTR | CMD_INSTR | ENTRYPOINT_INSTR | SHELL_INSTR | HEALTHCHECK_INSTR
            | ONBUILD_INSTR => {
                if let Some(sf) = self.shell_form() {
                    scan(sf.logical_text());
                }
            }
            _ => {
                for kv in self.key_values() {
                    if let Some(v) = kv.value_text() {
                        scan(v);
                    }
                }
                for decl in self.arg_decls() {
                    if let Some(v) = decl.default_text() {
                        scan(v);
                    }
                }
                if self.exec_form().is_none() {
                    if let Some(a) = self.args_text() {
                        scan(a);
                    }
                }
            }
        }
        out
    }
}

fn joined(w: &Word, t: &SyntaxToken) -> bool {
    // Two word tokens belong together when only continuation trivia separates them.
    let mut prev = t.prev_sibling_or_token();
    while let Some(p) = prev {
        match p.kind() {
            CONTINUATION | SKIPPED_LINE => prev = p.prev_sibling_or_token(),
            WORD | HEREDOC_MARKER => return p.text_range().end() == w.range.end(),
            _ => return false,
        }
    }
    false
}

impl Flag {
    /// The name without the leading `--`.
    pub fn name(&self) -> String {
        let (name, _) = joined_child_tokens(&self.0, FLAG_NAME).unwrap_or_default();
        name.trim_start_matches("--").to_string()
    }

    pub fn name_range(&self) -> TextRange {
        joined_child_tokens(&self.0, FLAG_NAME).map_or(self.range(), |(_, r)| r)
    }

    /// The raw value after `=` (quotes kept), with its range.
    pub fn value(&self) -> Option<Word> {
        let lt = self.value_text()?;
        let range = lt.range(0..lt.text.len());
        Some(Word {
            text: lt.text,
            range,
            kind: VALUE,
        })
    }

    fn value_text(&self) -> Option<LogicalText> {
        first_token(&self.0, EQ)?;
        let tokens = significant_tokens(&self.0, |_| false).filter(|t| t.kind() == VALUE);
        Some(LogicalText::collect(tokens))
    }

    /// The value as BuildKit reads it: quotes removed, `\` escaping the next character.
    pub fn unquoted_value(&self) -> Option<String> {
        let raw = self.value()?.text;
        let mut out = String::new();
        let mut quote = None;
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            match (quote, c) {
                (_, '\\') => out.extend(chars.next()),
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (_, c) => out.push(c),
            }
        }
        Some(out)
    }
}

impl ExecForm {
    /// The decoded strings and the range of each JSON string in the file.
    pub fn items(&self) -> Vec<(String, TextRange)> {
        self.0
            .children_with_tokens()
            .filter_map(|e| e.into_token())
            .filter(|t| t.kind() == JSON_STRING)
            .filter_map(|t| {
                serde_json::from_str::<String>(t.text())
                    .ok()
                    .map(|s| (s, t.text_range()))
            })
            .collect()
    }
}

impl ShellForm {
    pub fn logical_text(&self) -> LogicalText {
        LogicalText::of_node(&self.0, |_| false)
    }

    /// The words of the command (split on blanks, as BuildKit splits for heredoc detection),
    /// with exact file ranges; heredoc markers have kind HEREDOC_MARKER, others WORD.
    pub fn words(&self) -> Vec<Word> {
        let lt = self.logical_text();
        let markers: Vec<TextRange> = self
            .0
            .descendants_with_tokens()
            .filter_map(|e| e.into_token())
            .filter(|t| t.kind() == HEREDOC_MARKER)
            .map(|t| t.text_range())
            .collect();
        // Blank-separated pieces of the logical text, as logical ranges.
        let mut pieces: Vec<std::ops::Range<usize>> = Vec::new();
        let mut start = None;
        for (i, c) in lt
            .text
            .char_indices()
            .chain(std::iter::once((lt.text.len(), ' ')))
        {
            let blank = matches!(c, ' ' | '\t' | '\r' | '\n' | '\x0b' | '\x0c');
            match (start, blank) {
                (None, false) => start = Some(i),
                (Some(s), true) => {
                    pieces.push(s..i);
                    start = None;
                }
                _ => {}
            }
        }
        let mut out: Vec<(std::ops::Range<usize>, SyntaxKind)> = Vec::new();
        for p in pieces {
            let range = lt.range(p.clone());
            match markers.iter().find(|m| m.contains_range(range)) {
                // A marker like `<<  EOF` spans blanks: its pieces make one word.
                Some(m) => match out.last_mut() {
                    Some((last, HEREDOC_MARKER)) if m.contains_range(lt.range(last.clone())) => {
                        last.end = p.end
                    }
                    _ => out.push((p, HEREDOC_MARKER)),
                },
                None => out.push((p, WORD)),
            }
        }
        out.into_iter()
            .map(|(r, kind)| Word {
                text: lt.text[r.clone()].to_string(),
                range: lt.range(r),
                kind,
            })
            .collect()
    }
}

impl KeyValue {
    pub fn key(&self) -> Option<Word> {
        words_in(&self.0, &[KEY]).into_iter().next()
    }

    /// The raw value (quotes kept), with its range.
    pub fn value(&self) -> Option<Word> {
        words_in(&self.0, &[VALUE]).into_iter().next()
    }

    fn value_text(&self) -> Option<LogicalText> {
        let toks: Vec<SyntaxToken> = significant_tokens(&self.0, |_| false)
            .filter(|t| t.kind() == VALUE)
            .collect();
        (!toks.is_empty()).then(|| LogicalText::collect(toks.into_iter()))
    }

    /// True for ENV/LABEL's legacy `key value` form.
    pub fn is_legacy(&self) -> bool {
        first_token(&self.0, EQ).is_none()
    }
}

impl ArgDecl {
    pub fn name(&self) -> Option<Word> {
        words_in(&self.0, &[KEY]).into_iter().next()
    }

    pub fn default(&self) -> Option<Word> {
        words_in(&self.0, &[VALUE]).into_iter().next().or_else(|| {
            // `ARG a=` has an empty default.
            first_token(&self.0, EQ).map(|eq| Word {
                text: String::new(),
                range: TextRange::empty(eq.text_range().end()),
                kind: VALUE,
            })
        })
    }

    fn default_text(&self) -> Option<LogicalText> {
        let toks: Vec<SyntaxToken> = significant_tokens(&self.0, |_| false)
            .filter(|t| t.kind() == VALUE)
            .collect();
        (!toks.is_empty()).then(|| LogicalText::collect(toks.into_iter()))
    }
}

impl Heredoc {
    pub fn body(&self) -> String {
        first_token(&self.0, HEREDOC_BODY)
            .map(|t| t.text().to_string())
            .unwrap_or_default()
    }

    pub fn body_range(&self) -> Option<TextRange> {
        first_token(&self.0, HEREDOC_BODY).map(|t| t.text_range())
    }

    /// The end line's text, or `None` for an unterminated heredoc.
    pub fn end(&self) -> Option<SyntaxToken> {
        first_token(&self.0, HEREDOC_END)
    }
}

impl Directive {
    fn parts(&self) -> (String, String, TextRange) {
        let tok = first_token(&self.0, COMMENT);
        let text = tok
            .as_ref()
            .map(|t| t.text().to_string())
            .unwrap_or_default();
        let start = tok.map_or(self.range().start(), |t| t.text_range().start());
        let body = text.trim_start_matches('#');
        let (k, v) = body.split_once('=').unwrap_or((body, ""));
        let v_trim = v.trim();
        let v_off = text.len() - body.len() + k.len() + 1 + (v.len() - v.trim_start().len());
        let vr = TextRange::at(
            start + TextSize::from(v_off as u32),
            TextSize::from(v_trim.len() as u32),
        );
        (k.trim().to_ascii_lowercase(), v_trim.to_string(), vr)
    }

    /// `syntax`, `escape` or `check`, lower case.
    pub fn name(&self) -> String {
        self.parts().0
    }

    pub fn value(&self) -> String {
        self.parts().1
    }

    pub fn value_range(&self) -> TextRange {
        self.parts().2
    }
}
