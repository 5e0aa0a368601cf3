//! The semantic model: built once per parse, the single place that resolves names. Stages and
//! their names, base images, ARG/ENV definitions visible at each instruction, parser directives.
//! Rules, hover, go-to-definition, rename and completion all ask it, so they cannot disagree.

use crate::rule::RuleContext;
use dflint_syntax::ast::{Dockerfile, Instruction, Word};
use dflint_syntax::{DockerfileLanguage, LineIndex, Parse, SyntaxKind, TextRange, TextSize};
use rowan::Language;
use std::collections::HashMap;

/// ARGs BuildKit defines automatically (usable in FROM without a declaration).
pub const AUTOMATIC_ARGS: &[&str] = &[
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "BUILDKIT_SYNTAX",
];

/// Predefined proxy ARGs: usable in RUN without a declaration.
pub const PREDEFINED_ARGS: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    /// An ARG before the first FROM: in scope for FROM lines only (unless redeclared).
    GlobalArg,
    Arg,
    Env,
}

/// A variable definition.
#[derive(Clone, Debug)]
pub struct VarDef {
    pub name: String,
    pub name_range: TextRange,
    /// The value as written (quotes kept); `None` for `ARG name` without a default.
    pub value: Option<String>,
    pub kind: VarKind,
    /// Index of the defining instruction in [`Model::instructions`].
    pub instr: usize,
}

/// A build stage.
#[derive(Clone, Debug)]
pub struct StageInfo {
    pub index: usize,
    /// Index of the FROM in [`Model::instructions`].
    pub from: usize,
    /// Index one past the stage's last instruction in [`Model::instructions`].
    pub end: usize,
    pub name: Option<Word>,
    pub image: Option<Word>,
    /// The image with global ARG defaults substituted.
    pub image_resolved: Option<String>,
    /// The earlier stage this one builds on (`FROM builder`).
    pub base_stage: Option<usize>,
    /// The name in lower case, as BuildKit compares stage names.
    lower_name: Option<String>,
}

impl StageInfo {
    pub fn name_lower(&self) -> Option<String> {
        self.lower_name.clone()
    }

    /// The name in lower case, borrowed.
    pub fn lower_name(&self) -> Option<&str> {
        self.lower_name.as_deref()
    }

    /// True if `lower` (already lower case) names this stage.
    pub fn is_named(&self, lower: &str) -> bool {
        self.lower_name.as_deref() == Some(lower)
    }
}

/// `# check=skip=...;error=...;experimental=...`
#[derive(Clone, Debug, Default)]
pub struct CheckDirective {
    pub skip: Vec<String>,
    pub skip_all: bool,
    pub error: bool,
    pub range: Option<TextRange>,
}

pub struct Model<'a> {
    pub text: &'a str,
    pub parse: &'a Parse,
    pub tree: Dockerfile,
    pub line_index: LineIndex,
    pub escape: char,
    pub instructions: Vec<Instruction>,
    /// Each instruction's kind and keyword range, read once: rules that pass over every
    /// instruction read these arrays instead of walking a rowan node each.
    kinds: Vec<SyntaxKind>,
    keywords: Vec<Option<TextRange>>,
    pub stages: Vec<StageInfo>,
    /// ARGs before the first FROM.
    pub global_args: Vec<VarDef>,
    /// Every ARG/ENV definition, in file order.
    pub defs: Vec<VarDef>,
    pub check_directive: CheckDirective,
    /// `# syntax=` value, if any.
    pub syntax_directive: Option<String>,
    /// The commands each instruction runs, read once on first use (many rules read them).
    commands: Vec<std::cell::OnceCell<Vec<crate::shell::Command>>>,
}

impl<'a> Model<'a> {
    pub fn new(text: &'a str, parse: &'a Parse) -> Model<'a> {
        Model::with_line_index(text, parse, LineIndex::new(text))
    }

    /// [`Model::new`] with the text's line index already at hand (the language server keeps
    /// one per version).
    pub fn with_line_index(text: &'a str, parse: &'a Parse, line_index: LineIndex) -> Model<'a> {
        Model::build(text, parse, line_index, &mut ModelCache::default())
    }

    /// [`Model::with_line_index`] reading again only the instructions that are not in `cache`
    /// (the language server keeps one per document; an edit reparses a few instructions and
    /// the others keep their green nodes).
    pub fn with_cache(
        text: &'a str,
        parse: &'a Parse,
        line_index: LineIndex,
        cache: &mut ModelCache,
    ) -> Model<'a> {
        Model::build(text, parse, line_index, cache)
    }

    fn build(
        text: &'a str,
        parse: &'a Parse,
        line_index: LineIndex,
        cache: &mut ModelCache,
    ) -> Model<'a> {
        let tree = parse.tree();
        let escape = tree.escape_char();
        let instructions: Vec<Instruction> = tree.instructions().collect();
        let mut kinds = Vec::with_capacity(instructions.len());
        let mut keywords = Vec::with_capacity(instructions.len());
        let mut defs = Vec::new();
        let mut from_words: Vec<FromWords> = Vec::new();
        let (previous_keys, mut previous): (Vec<usize>, Vec<Option<InstrWords>>) =
            std::mem::take(&mut cache.entries)
                .into_iter()
                .map(|(k, r)| (k, Some(r)))
                .unzip();
        let mut cursor = 0;
        let mut next_cache = Vec::with_capacity(previous.len());
        let mut reused = 0;
        for (i, instr) in instructions.iter().enumerate() {
            let green = instr.syntax().green();
            let start = instr.range().start();
            let instr_kind = DockerfileLanguage::kind_from_raw(green.kind());
            kinds.push(instr_kind);
            keywords.push(keyword_range(green, start));
            let kind = match instr_kind {
                SyntaxKind::ARG_INSTR => VarKind::Arg,
                SyntaxKind::ENV_INSTR => VarKind::Env,
                SyntaxKind::FROM_INSTR => VarKind::GlobalArg, // (a FROM: no definitions)
                _ => continue,
            };
            let key = green as *const rowan::GreenNodeData as usize;
            // The cache is in file order, and an edit replaces a few nodes: what was read for
            // this node is next, or a few entries further when nodes before it went away.
            let window = cursor..(cursor + CACHE_LOOKAHEAD).min(previous_keys.len());
            let found = window
                .into_iter()
                .find(|&k| previous_keys[k] == key)
                .and_then(|k| {
                    cursor = k + 1;
                    previous[k].take()
                });
            let read = match found {
                Some(r) => {
                    reused += 1;
                    r
                }
                None => InstrWords::read(instr, kind, start, green.to_owned()),
            };
            if kind == VarKind::GlobalArg {
                from_words.push(read.from.shifted(start));
            } else {
                defs.extend(read.defs.iter().map(|(name, range, value)| VarDef {
                    name: name.clone(),
                    name_range: *range + start,
                    value: value.clone(),
                    kind,
                    instr: i,
                }));
            }
            next_cache.push((key, read));
        }
        cache.entries = next_cache;
        cache.reused = reused;
        let mut from_words = from_words.into_iter();
        let first_from = kinds
            .iter()
            .position(|&k| k == SyntaxKind::FROM_INSTR)
            .unwrap_or(instructions.len());
        for d in defs.iter_mut().filter(|d| d.instr < first_from) {
            d.kind = VarKind::GlobalArg;
        }
        let global_args: Vec<VarDef> = defs
            .iter()
            .filter(|d| d.kind == VarKind::GlobalArg)
            .cloned()
            .collect();

        let mut stages: Vec<StageInfo> = Vec::new();
        // The first stage of each (lower-case) name, for `FROM <stage>`.
        let mut first_named: std::collections::HashMap<String, usize> =
            std::collections::HashMap::new();
        // Most files build every stage on the same image expression: expanded once.
        let mut resolved: HashMap<String, String> = HashMap::new();
        for (i, &kind) in kinds.iter().enumerate() {
            if kind != SyntaxKind::FROM_INSTR {
                continue;
            }
            if let Some(last) = stages.last_mut() {
                last.end = i;
            }
            let FromWords { image, name } = from_words.next().unwrap_or_default();
            let image_resolved = image.as_ref().map(|w| {
                resolved
                    .entry(w.text.clone())
                    .or_insert_with(|| expand(&w.text, &|name| global_value(&global_args, name)))
                    .clone()
            });
            let base_stage = image_resolved
                .as_ref()
                .and_then(|img| first_named.get(&img.to_lowercase()).copied());
            let lower_name = name.as_ref().map(|n| n.text.to_lowercase());
            if let Some(lower) = &lower_name {
                first_named.entry(lower.clone()).or_insert(stages.len());
            }
            stages.push(StageInfo {
                lower_name,
                index: stages.len(),
                from: i,
                end: instructions.len(),
                name,
                image,
                image_resolved,
                base_stage,
            });
        }

        let mut check_directive = CheckDirective::default();
        let mut syntax_directive = None;
        for d in tree.directives() {
            match d.name().as_str() {
                "check" => check_directive = parse_check_directive(&d.value(), d.range()),
                "syntax" => syntax_directive = Some(d.value()),
                _ => {}
            }
        }

        let instructions_len = instructions.len();
        Model {
            text,
            parse,
            tree,
            line_index,
            escape,
            instructions,
            kinds,
            keywords,
            stages,
            global_args,
            defs,
            check_directive,
            syntax_directive,
            commands: (0..instructions_len)
                .map(|_| std::cell::OnceCell::new())
                .collect(),
        }
    }

    /// The commands instruction `i` runs (RUN, CMD, ENTRYPOINT, HEALTHCHECK CMD, and an
    /// ONBUILD's trigger), with file ranges; empty for other instructions. Computed once.
    pub fn commands(&self, i: usize) -> &[crate::shell::Command] {
        self.commands[i].get_or_init(|| {
            let instr = &self.instructions[i];
            let target = match instr.kind() {
                SyntaxKind::ONBUILD_INSTR => instr.trigger(),
                _ => Some(instr.clone()),
            };
            match target {
                Some(t)
                    if matches!(
                        t.kind(),
                        SyntaxKind::RUN_INSTR
                            | SyntaxKind::CMD_INSTR
                            | SyntaxKind::ENTRYPOINT_INSTR
                            | SyntaxKind::HEALTHCHECK_INSTR
                    ) =>
                {
                    crate::shell::commands(&t)
                }
                _ => Vec::new(),
            }
        })
    }

    /// The kind of instruction `i` (as `instructions[i].kind()`, without reading the node).
    pub fn kind(&self, i: usize) -> SyntaxKind {
        self.kinds[i]
    }

    /// The range of instruction `i`'s keyword (`RUN`), if it has one.
    pub fn keyword(&self, i: usize) -> Option<TextRange> {
        self.keywords[i]
    }

    /// The instruction whose range contains `offset` (top level).
    pub fn instruction_at(&self, offset: TextSize) -> Option<usize> {
        let i = self
            .instructions
            .partition_point(|ins| ins.range().end() <= offset);
        (i < self.instructions.len() && self.instructions[i].range().contains_inclusive(offset))
            .then_some(i)
    }

    /// The stage an instruction belongs to.
    pub fn stage_of(&self, instr: usize) -> Option<usize> {
        self.stages
            .partition_point(|s| s.from <= instr)
            .checked_sub(1)
    }

    /// Definitions made by instructions in `from..to` (`defs` is in file order).
    fn defs_between(&self, from: usize, to: usize) -> &[VarDef] {
        let lo = self.defs.partition_point(|d| d.instr < from);
        let hi = self.defs.partition_point(|d| d.instr < to);
        &self.defs[lo..hi.max(lo)]
    }

    /// A stage by `--from=` / `FROM` reference: a name (case-insensitive) or a numeric index.
    pub fn stage_by_ref(&self, reference: &str) -> Option<usize> {
        let lower = reference.to_lowercase();
        self.stages
            .iter()
            .position(|s| s.is_named(&lower))
            .or_else(|| {
                reference
                    .parse::<usize>()
                    .ok()
                    .filter(|&i| i < self.stages.len())
            })
    }

    /// Definitions visible at instruction `instr` (before it runs), latest definition per name
    /// last: ARG and ENV of its stage and of the stages it builds on (ENV only), global ARGs for
    /// FROM lines, and global ARGs redeclared in the stage.
    pub fn visible_defs(&self, instr: usize) -> Vec<&VarDef> {
        let Some(stage) = self.stage_of(instr) else {
            return self.defs_between(0, instr).iter().collect();
        };
        if self.stages[stage].from == instr {
            return self.global_args.iter().collect();
        }
        let mut out: Vec<&VarDef> = Vec::new();
        // ENV of base stages carries over into the image config.
        let mut chain = Vec::new();
        let mut s = self.stages[stage].base_stage;
        while let Some(b) = s {
            if chain.contains(&b) {
                break;
            }
            chain.push(b);
            s = self.stages[b].base_stage;
        }
        for &b in chain.iter().rev() {
            let st = &self.stages[b];
            out.extend(
                self.defs_between(st.from + 1, st.end)
                    .iter()
                    .filter(|d| d.kind == VarKind::Env),
            );
        }
        let st = &self.stages[stage];
        out.extend(self.defs_between(st.from + 1, instr));
        out
    }

    /// The value a variable has at `instr`, as far as the Dockerfile says (quotes removed,
    /// references expanded). `None` when undefined or defined without a value.
    pub fn value_at(&self, instr: usize, name: &str) -> Option<String> {
        let defs = self.visible_defs(instr);
        let def = defs.iter().rev().find(|d| d.name == name)?;
        match &def.value {
            Some(v) => Some(expand(&unquote(v), &|n| {
                if n == name {
                    None
                } else {
                    self.value_at(def.instr, n)
                }
            })),
            // `ARG name` in a stage takes the global default.
            None if def.kind == VarKind::Arg => global_value(&self.global_args, name),
            None => None,
        }
    }

    /// 1-based line number of an offset (for messages).
    pub fn line_of(&self, offset: TextSize) -> u32 {
        self.line_index.line_of(offset) + 1
    }
}

fn global_value(globals: &[VarDef], name: &str) -> Option<String> {
    globals
        .iter()
        .rev()
        .find(|d| d.name == name)
        .and_then(|d| d.value.as_deref())
        .map(unquote)
}

fn parse_check_directive(value: &str, range: TextRange) -> CheckDirective {
    let mut cd = CheckDirective {
        range: Some(range),
        ..Default::default()
    };
    let value = value.split(' ').next().unwrap_or("");
    for part in value.split(';') {
        let Some((k, v)) = part.split_once('=') else {
            continue;
        };
        match k.trim() {
            "skip" => {
                for name in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    if name == "all" {
                        cd.skip_all = true;
                    }
                    cd.skip.push(name.to_string());
                }
            }
            "error" => cd.error = v.trim().eq_ignore_ascii_case("true"),
            _ => {}
        }
    }
    cd
}

/// The range of an instruction's KEYWORD token, from its green node (starting at `start`).
fn keyword_range(green: &rowan::GreenNodeData, start: TextSize) -> Option<TextRange> {
    let keyword = DockerfileLanguage::kind_to_raw(SyntaxKind::KEYWORD);
    let mut at = start;
    for child in green.children() {
        if let rowan::NodeOrToken::Token(t) = child {
            if t.kind() == keyword {
                return Some(TextRange::at(at, t.text_len()));
            }
        }
        at += child.text_len();
    }
    None
}

/// Removes shell-style quotes (`"a b"` -> `a b`, `'x'` -> `x`) and backslash escapes.
pub fn unquote(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') => quote = None,
            (Some('\''), c) => out.push(c),
            (_, '\\') => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            (None, '"' | '\'') => quote = Some(c),
            (Some('"'), '"') => quote = None,
            (_, c) => out.push(c),
        }
    }
    out
}

/// Expands `$v`, `${v}`, `${v:-x}`, `${v-x}`, `${v:+x}`, `${v+x}` with `lookup`; other
/// modifiers yield the plain value. Unset variables expand to nothing, as in BuildKit.
pub fn expand(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let refs = dflint_syntax::vars::references(text, '\\');
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    // Nested references come before their outer one; keep only outermost ones.
    let mut outer: Vec<&dflint_syntax::vars::VarRef> = Vec::new();
    for r in &refs {
        outer.retain(|o| !(r.range.start <= o.range.start && o.range.end <= r.range.end));
        outer.push(r);
    }
    outer.sort_by_key(|r| r.range.start);
    for r in outer {
        if r.range.start < pos {
            continue;
        }
        out.push_str(&text[pos..r.range.start]);
        let value = lookup(&r.name);
        use dflint_syntax::vars::Modifier;
        let v = match &r.modifier {
            Modifier::None => value.unwrap_or_default(),
            Modifier::Op { op, word } => {
                let word = expand(word, lookup);
                match op.as_str() {
                    ":-" => value.filter(|v| !v.is_empty()).unwrap_or(word),
                    "-" => value.unwrap_or(word),
                    ":+" => value
                        .filter(|v| !v.is_empty())
                        .map(|_| word)
                        .unwrap_or_default(),
                    "+" => value.map(|_| word).unwrap_or_default(),
                    _ => value.unwrap_or_default(),
                }
            }
        };
        out.push_str(&v);
        pos = r.range.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// One `key=value` of a LABEL instruction.
pub(crate) struct Label {
    /// Index of the LABEL in [`Model::instructions`].
    pub instr: usize,
    /// The key as written (quotes kept).
    pub key: Word,
    /// The key with quotes removed.
    pub name: String,
    /// The value as written, if any.
    pub value: Option<Word>,
}

/// Every label of the run's span (see [`RuleContext::span`]), in file order.
pub(crate) fn labels(cx: &RuleContext) -> Vec<Label> {
    let mut out = Vec::new();
    for (i, instr) in cx.instructions() {
        if instr.kind() != SyntaxKind::LABEL_INSTR {
            continue;
        }
        for kv in instr.key_values() {
            if let Some(key) = kv.key() {
                out.push(Label {
                    instr: i,
                    name: unquote(&key.text),
                    key,
                    value: kv.value(),
                });
            }
        }
    }
    out
}

/// Where to point at a whole stage: its image word, or its FROM keyword when it has none.
pub(crate) fn stage_range(model: &Model, stage: &StageInfo) -> Option<TextRange> {
    stage.image.as_ref().map(|w| w.range).or_else(|| {
        model.instructions[stage.from]
            .keyword()
            .map(|k| k.text_range())
    })
}

/// A stage and the earlier stages it builds on (`FROM base`), nearest first.
pub(crate) fn stage_chain(model: &Model, stage: usize) -> Vec<usize> {
    let mut chain = vec![stage];
    let mut s = model.stages[stage].base_stage;
    while let Some(b) = s.filter(|b| !chain.contains(b)) {
        chain.push(b);
        s = model.stages[b].base_stage;
    }
    chain
}

/// An image reference split into its parts (`registry/path:tag@digest`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ImageRef<'a> {
    /// The registry host when the first component names one (has `.` or `:`, or is
    /// `localhost`); `None` means Docker Hub.
    pub registry: Option<&'a str>,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

pub(crate) fn parse_image(image: &str) -> ImageRef<'_> {
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let registry = name
        .split_once('/')
        .map(|(first, _)| first)
        .filter(|first| first.contains('.') || first.contains(':') || *first == "localhost");
    let last = name.rsplit('/').next().unwrap_or(name);
    let tag = last.split_once(':').map(|(_, t)| t);
    ImageRef {
        registry,
        tag,
        digest,
    }
}

/// The image a stage's FROM pulls, with global ARG defaults substituted; `None` when it builds on
/// an earlier stage, is `scratch`, or depends on an ARG whose value the file does not give.
pub(crate) fn known_image(model: &Model, stage: &StageInfo) -> Option<String> {
    use dflint_syntax::vars::{references, Modifier};
    if stage.base_stage.is_some() {
        return None;
    }
    let word = stage.image.as_ref()?;
    let global = |name: &str| {
        model
            .global_args
            .iter()
            .rev()
            .find(|d| d.name == name)
            .and_then(|d| d.value.as_deref())
            .map(unquote)
            .filter(|v| !v.is_empty())
            .or_else(|| AUTOMATIC_ARGS.contains(&name).then(|| "x".to_string()))
    };
    for r in references(&word.text, model.escape) {
        let known = match &r.modifier {
            Modifier::Op { op, word } if op == ":-" || op == "-" => {
                global(&r.name).is_some() || !word.is_empty()
            }
            Modifier::Op { op, .. } if op == ":+" || op == "+" => true,
            _ => global(&r.name).is_some(),
        };
        if !known {
            return None;
        }
    }
    let img = stage.image_resolved.clone()?;
    (!img.is_empty() && !img.eq_ignore_ascii_case("scratch")).then_some(img)
}

/// The image a stage's FROM pulls, when the file gives it (see [`known_image`]): what the rules
/// about base images (tag, registry) look at.
pub(crate) struct FromImage<'m> {
    /// The image word as the FROM writes it (`$BASE`, `node:latest`).
    pub word: &'m Word,
    /// The image with global ARG defaults substituted.
    pub image: String,
}

impl FromImage<'_> {
    pub fn parts(&self) -> ImageRef<'_> {
        parse_image(&self.image)
    }

    /// A diagnostic of `meta` at `range`, with a note giving the image when the FROM names it
    /// through ARGs (`` `$BASE` expands to `node:latest` ``).
    pub fn diagnostic(
        &self,
        meta: &'static crate::RuleMeta,
        range: TextRange,
        message: String,
    ) -> crate::Diagnostic {
        let d = crate::Diagnostic::new(meta, range, message);
        if self.word.text == self.image {
            return d;
        }
        d.with_note(format!("`{}` expands to `{}`", self.word.text, self.image))
    }
}

/// The images the FROMs of the run's stages (see [`RuleContext::stages`]) pull, in file order;
/// stages built on an earlier stage, `scratch` and images depending on ARGs the file does not
/// give are left out.
pub(crate) fn from_images<'m>(cx: &RuleContext<'m>) -> impl Iterator<Item = FromImage<'m>> {
    let model = cx.model;
    cx.stages().iter().filter_map(move |stage| {
        let image = known_image(model, stage)?;
        let word = stage.image.as_ref()?;
        Some(FromImage { word, image })
    })
}

/// Resolves `--from=` / `FROM` references as [`Model::stage_by_ref`] does, with the stage names
/// in a map: for rules that resolve the references of the whole file.
pub(crate) struct StageRefs {
    first_named: std::collections::HashMap<String, usize>,
    count: usize,
}

impl StageRefs {
    pub fn new(model: &Model) -> StageRefs {
        let mut first_named = std::collections::HashMap::new();
        for (i, s) in model.stages.iter().enumerate() {
            if let Some(name) = &s.lower_name {
                first_named.entry(name.clone()).or_insert(i);
            }
        }
        StageRefs {
            first_named,
            count: model.stages.len(),
        }
    }

    pub fn get(&self, reference: &str) -> Option<usize> {
        self.first_named
            .get(&reference.to_lowercase())
            .copied()
            .or_else(|| reference.parse::<usize>().ok().filter(|&i| i < self.count))
    }
}

/// Stages whose files reach an image: the last stage, stages nothing refers to (possible
/// `--target`s), and the stages they are built on. A stage used only by `COPY --from` or
/// `RUN --mount=from=` is a builder: its layers stay behind.
pub(crate) fn shipping_stages(model: &Model) -> Vec<bool> {
    let n = model.stages.len();
    let refs = StageRefs::new(model);
    let mut copied = vec![false; n];
    let mut has_child = vec![false; n];
    for stage in &model.stages {
        if let Some(b) = stage.base_stage {
            has_child[b] = true;
        }
    }
    for instr in &model.instructions {
        let names: Vec<String> = match instr.kind() {
            SyntaxKind::COPY_INSTR => instr
                .flag("from")
                .and_then(|f| f.unquoted_value())
                .into_iter()
                .collect(),
            SyntaxKind::RUN_INSTR => instr
                .flags()
                .filter(|f| f.name() == "mount")
                .filter_map(|f| f.unquoted_value())
                .flat_map(|v| {
                    v.split(',')
                        .filter_map(|p| p.split_once('=').filter(|(k, _)| k.trim() == "from"))
                        .map(|(_, s)| s.trim().to_string())
                        .collect::<Vec<_>>()
                })
                .collect(),
            _ => continue,
        };
        for r in names {
            if let Some(s) = refs.get(&r) {
                copied[s] = true;
            }
        }
    }
    let mut ships = vec![false; n];
    for s in (0..n).rev() {
        let leaf = !copied[s] && !has_child[s];
        let child_ships = model.stages[s + 1..]
            .iter()
            .any(|c| c.base_stage == Some(s) && ships[c.index]);
        ships[s] = s + 1 == n || leaf || child_ships;
    }
    ships
}

/// What the model reads from each ARG, ENV and FROM instruction's own text, by the identity of
/// its green node (kept alive here, so the address cannot be reused), with ranges relative to
/// the instruction's start.
#[derive(Default)]
pub struct ModelCache {
    /// By green node address, in file order.
    entries: Vec<(usize, InstrWords)>,
    reused: usize,
}

/// How far past the expected entry [`ModelCache`] looks for a node (further means more than
/// this many definitions went away at once: they are read again, once).
const CACHE_LOOKAHEAD: usize = 8;

impl ModelCache {
    /// How many instructions the last build took from the cache.
    pub fn reused(&self) -> usize {
        self.reused
    }
}

struct InstrWords {
    /// Keeps the node, and so its address, alive.
    _green: rowan::GreenNode,
    /// ARG/ENV: name, name range, value.
    defs: Vec<(String, TextRange, Option<String>)>,
    /// FROM: image and stage name.
    from: FromWords,
}

#[derive(Clone, Default)]
struct FromWords {
    image: Option<Word>,
    name: Option<Word>,
}

impl FromWords {
    fn shifted(&self, by: TextSize) -> FromWords {
        let mv = |w: &Option<Word>| {
            w.clone().map(|mut w| {
                w.range += by;
                w
            })
        };
        FromWords {
            image: mv(&self.image),
            name: mv(&self.name),
        }
    }
}

impl InstrWords {
    fn read(instr: &Instruction, kind: VarKind, start: TextSize, green: rowan::GreenNode) -> Self {
        let rel = |r: TextRange| r - start;
        let mut defs = Vec::new();
        let mut from = FromWords::default();
        match kind {
            VarKind::Arg => {
                for d in instr.arg_decls() {
                    if let Some(name) = d.name() {
                        defs.push((name.text, rel(name.range), d.default().map(|v| v.text)));
                    }
                }
            }
            VarKind::Env => {
                for kv in instr.key_values() {
                    if let Some(key) = kv.key() {
                        defs.push((key.text, rel(key.range), kv.value().map(|v| v.text)));
                    }
                }
            }
            VarKind::GlobalArg => {
                // `FROM image [AS name]`
                let mut args = instr.args().into_iter();
                let image = args.next();
                let name = match (args.next(), args.next(), args.next()) {
                    (Some(kw), Some(n), None) if kw.text.eq_ignore_ascii_case("as") => Some(n),
                    _ => None,
                };
                let mv = |w: Option<Word>| {
                    w.map(|mut w| {
                        w.range = rel(w.range);
                        w
                    })
                };
                from = FromWords {
                    image: mv(image),
                    name: mv(name),
                };
            }
        }
        InstrWords {
            _green: green,
            defs,
            from,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_stages_and_variables() {
        let text = "ARG BASE=alpine\nARG TAG\nFROM ${BASE}:${TAG:-3} AS Build\nARG BASE\nENV X=1\nENV Y=\"$X two\" Z=$Y\nFROM build\nRUN echo\n";
        let parse = dflint_syntax::parse(text);
        let m = Model::new(text, &parse);
        assert_eq!(m.stages.len(), 2);
        assert_eq!(m.stages[0].image_resolved.as_deref(), Some("alpine:3"));
        assert_eq!(m.stages[1].base_stage, Some(0));
        assert_eq!(m.stage_by_ref("BUILD"), Some(0));
        assert_eq!(m.stage_by_ref("1"), Some(1));
        let run = m.instructions.len() - 1;
        assert_eq!(m.value_at(run, "Y").as_deref(), Some("1 two"));
        assert_eq!(
            m.value_at(5, "Z"),
            None,
            "same-instruction values are not visible"
        );
        assert_eq!(m.value_at(4, "BASE").as_deref(), Some("alpine"));
        assert_eq!(
            m.value_at(run, "BASE"),
            None,
            "ARG does not carry into a child stage"
        );
    }

    #[test]
    fn unquotes_and_expands() {
        assert_eq!(unquote(r#""a b"'c'\d"#), "a bcd");
        let lookup = |n: &str| (n == "A").then(|| "x".to_string());
        assert_eq!(expand("$A-${B:-d}-${A:+y}", &lookup), "x-d-y");
    }

    #[test]
    fn splits_image_references() {
        let r = parse_image("localhost:5000/team/app:1.2@sha256:abc");
        assert_eq!(r.registry, Some("localhost:5000"));
        assert_eq!(r.tag, Some("1.2"));
        assert_eq!(r.digest, Some("sha256:abc"));
        let r = parse_image("library/alpine");
        assert_eq!((r.registry, r.tag, r.digest), (None, None, None));
        assert_eq!(parse_image("gcr.io/x/y").registry, Some("gcr.io"));
    }
}
