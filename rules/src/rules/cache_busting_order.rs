use crate::model::{expand, unquote};
use crate::prelude::*;
use crate::shell::{self, Command, ShellWord};
use dflint_context::{BuildContext, EntryKind};
use std::cell::Cell;

declare_rule! {
    /// ## What it does
    /// Reports a step that copies the whole build context (`COPY . .`, `ADD . /app`, or the
    /// folder that holds the dependency manifests) placed before a `RUN` that needs only the
    /// manifests (`npm ci`, `yarn install`, `pnpm install`, `pip install -r requirements.txt`,
    /// `poetry install`, `pipenv install`, `uv sync`, `bundle install`, `go mod download`,
    /// `cargo fetch`, `composer install`, `mvn dependency:go-offline`, `gradle dependencies`,
    /// `dotnet restore`), or before a `RUN` that needs nothing from the context at all (installs
    /// of OS packages with apt-get, apk, dnf, yum, microdnf or zypper).
    ///
    /// Not reported when the `RUN` needs the whole source (`make`, build scripts, compilers,
    /// `npm run build`, `pip install .`), or when the manifests were already copied earlier in
    /// the stage.
    ///
    /// ## Why it matters
    /// A `COPY` step's cache key is the content of everything it copies. When the whole context
    /// is copied first, a one-byte change to any source file invalidates that step and every step
    /// after it: the dependency install runs again, downloading and building everything, although
    /// the manifests did not change.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22
    /// WORKDIR /app
    /// COPY . .
    /// RUN npm ci
    /// CMD ["node", "src/index.js"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// COPY . .
    /// CMD ["node", "src/index.js"]
    /// ```
    ///
    /// ## Fix
    /// Unsafe: copies the manifests first (the ones present in the build context, or the
    /// ecosystem's usual ones when there is no context), moves the install `RUN` between that copy
    /// and the copy of everything, and moves a `RUN` that needs nothing from the context above it.
    /// Instructions between them (`WORKDIR`, `ENV`, `ARG`, `USER`, ...) move with the `RUN`; no
    /// fix is offered when that would change what the `COPY` does. The fix is unsafe because an
    /// install step may read other files (a `postinstall` script, a local path dependency), and
    /// because files installed in the context (`node_modules`) would now overwrite the installed
    /// ones unless `.dockerignore` excludes them.
    pub struct CacheBustingOrder;
}

static META: RuleMeta = RuleMeta {
    code: "DF004",
    name: "cache-busting-order",
    severity: Severity::Warning,
    category: Category::Performance,
    summary:
        "The whole build context is copied before a step that needs only the dependency manifests",
    docs: CacheBustingOrder::DOCS,
    hadolint: &[],
    buildkit: &[],
    fix: FixKind::Unsafe,
    default_enabled: true,
};

impl Rule for CacheBustingOrder {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    // File: its notes give line numbers, and its fix uses the line ending of the whole file.

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        for stage in cx.stages() {
            // Read only for a copy that a RUN follows (most copies have none right after them):
            // the working directories, and the earlier copies (`pending` until then).
            let mut workdirs = None;
            let mut earlier: Vec<CopyInfo> = Vec::new();
            let mut pending: Vec<usize> = Vec::new();
            for i in stage.from + 1..stage.end {
                if !matches!(
                    model.kind(i),
                    SyntaxKind::COPY_INSTR | SyntaxKind::ADD_INSTR
                ) {
                    continue;
                }
                if !run_follows(model, i, stage.end) {
                    pending.push(i);
                    continue;
                }
                let workdirs =
                    workdirs.get_or_insert_with(|| stage_workdirs(model, stage.from, stage.end));
                let wd = |j: usize| workdirs[j - stage.from - 1].as_deref();
                earlier.extend(pending.drain(..).filter_map(|j| copy_info(model, j, wd(j))));
                let Some(copy) = copy_info(model, i, wd(i)) else {
                    continue;
                };
                let stage_ws = &workdirs[i - stage.from - 1..];
                // Once the whole context is in, a later copy cannot be made cheaper.
                if !earlier.iter().any(CopyInfo::is_whole) {
                    if let Some(all) = copy_all(&copy, cx.build_context) {
                        if let Some(d) = analyze(cx, i, stage.end, &copy, all, &earlier, stage_ws) {
                            out.push(d);
                        }
                    }
                }
                earlier.push(copy);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Container paths

/// Stands for the working directory the stage starts with (set by the base image, unknown here).
const BASE_WORKDIR: &str = "/\u{0}";

fn norm_abs(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    format!("/{}", parts.join("/"))
}

fn join(base: &str, p: &str) -> String {
    if p.starts_with('/') {
        norm_abs(p)
    } else {
        norm_abs(&format!("{base}/{p}"))
    }
}

/// `path` relative to `dir` (`""` when equal), if it is inside it.
fn rel_under(path: &str, dir: &str) -> Option<String> {
    let r = if path == dir {
        String::new()
    } else if dir == "/" {
        path.trim_start_matches('/').to_string()
    } else {
        path.strip_prefix(dir)?.strip_prefix('/')?.to_string()
    };
    (!r.contains('\u{0}')).then_some(r)
}

/// A context-relative path: `a/b`, `""` for the root.
fn ctx_join(root: &str, rel: &str) -> String {
    let joined = format!("{root}/{rel}");
    norm_abs(&joined).trim_start_matches('/').to_string()
}

/// Unquotes and expands `text` with the variables visible at instruction `at`; `None` when a
/// variable has no known value.
fn expand_at(model: &Model, at: usize, text: &str) -> Option<String> {
    let missing = Cell::new(false);
    let v = expand(&unquote(text), &|name| {
        let v = model.value_at(at, name);
        if v.is_none() {
            missing.set(true);
        }
        v
    });
    (!missing.get()).then_some(v)
}

/// The working directory before each instruction of the stage after its FROM.
fn stage_workdirs(model: &Model, from: usize, end: usize) -> Vec<Option<String>> {
    let mut wd = Some(BASE_WORKDIR.to_string());
    let mut out = Vec::new();
    for i in from + 1..end {
        out.push(wd.clone());
        let instr = &model.instructions[i];
        if instr.kind() == SyntaxKind::WORKDIR_INSTR {
            let arg = instr.args().first().map(|w| w.text.clone());
            wd = match (wd, arg) {
                (Some(w), Some(a)) => expand_at(model, i, &a).map(|p| join(&w, &p)),
                _ => None,
            };
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// COPY / ADD

struct CopyInfo {
    /// Sources from the build context: expanded text and range.
    sources: Vec<(String, TextRange)>,
    /// The destination as written (unquoted).
    dest_text: String,
    /// The destination as a container path, when known.
    dest: Option<String>,
}

impl CopyInfo {
    fn is_whole(&self) -> bool {
        self.sources.iter().any(|(s, _)| is_root(s))
    }
}

fn is_root(src: &str) -> bool {
    norm_abs(src) == "/"
}

fn copy_info(model: &Model, i: usize, wd: Option<&str>) -> Option<CopyInfo> {
    let instr = &model.instructions[i];
    let is_add = match instr.kind() {
        SyntaxKind::COPY_INSTR => false,
        SyntaxKind::ADD_INSTR => true,
        _ => return None,
    };
    if instr.flag("from").is_some() || instr.flag("parents").is_some() {
        return None;
    }
    if instr.heredocs().next().is_some() {
        return None;
    }
    let words: Vec<(String, TextRange)> = match instr.exec_form() {
        Some(exec) => exec.items(),
        None => instr
            .args()
            .into_iter()
            .map(|w| (unquote(&w.text), w.range))
            .collect(),
    };
    if words.len() < 2 {
        return None;
    }
    let (dest_text, _) = words.last()?.clone();
    let mut sources = Vec::new();
    for (s, r) in &words[..words.len() - 1] {
        if is_add && (s.contains("://") || s.starts_with("git@")) {
            continue;
        }
        sources.push((expand_at(model, i, s)?, *r));
    }
    let dest = match (wd, expand_at(model, i, &dest_text)) {
        (Some(w), Some(d)) => Some(join(w, &d)),
        _ => None,
    };
    Some(CopyInfo {
        sources,
        dest_text,
        dest,
    })
}

/// A copy of everything: the context root, or (with a build context) one folder.
struct CopyAll {
    /// Context path of what lands at the destination (`""` for the whole context).
    root: String,
    /// The source word to point at.
    word: TextRange,
    dest: String,
}

fn copy_all(copy: &CopyInfo, bc: Option<&BuildContext>) -> Option<CopyAll> {
    let dest = copy.dest.clone()?;
    if let Some((_, r)) = copy.sources.iter().find(|(s, _)| is_root(s)) {
        return Some(CopyAll {
            root: String::new(),
            word: *r,
            dest,
        });
    }
    let bc = bc?;
    let [(src, r)] = copy.sources.as_slice() else {
        return None;
    };
    if dflint_context::glob::contains_wildcards(src) {
        return None;
    }
    let root = norm_abs(src).trim_start_matches('/').to_string();
    (bc.fs().kind(&root) == Some(EntryKind::Dir)).then_some(CopyAll {
        root,
        word: *r,
        dest,
    })
}

// ---------------------------------------------------------------------------------------------
// What a command needs

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Eco {
    Npm,
    Yarn,
    Pnpm,
    /// pip / uv pip with requirement files.
    Pip,
    Poetry,
    Pipenv,
    Uv,
    Bundler,
    Go,
    Cargo,
    Composer,
    Maven,
    MavenWrapper,
    Gradle,
    GradleWrapper,
    Dotnet,
}

struct Manifests {
    /// Any of these must exist for the install to read this folder.
    required: &'static [&'static str],
    /// Files to copy when they exist.
    files: &'static [&'static str],
    /// Folders to copy when they exist.
    dirs: &'static [&'static str],
    /// What to copy when there is no build context to look at.
    conventional: &'static [&'static str],
}

impl Eco {
    fn manifests(self) -> Manifests {
        let m = |required, files, dirs, conventional| Manifests {
            required,
            files,
            dirs,
            conventional,
        };
        match self {
            Eco::Npm => m(
                &["package.json"],
                &[
                    "package.json",
                    "package-lock.json",
                    "npm-shrinkwrap.json",
                    ".npmrc",
                ],
                &[],
                &["package.json", "package-lock.json"],
            ),
            Eco::Yarn => m(
                &["package.json"],
                &[
                    "package.json",
                    "yarn.lock",
                    ".yarnrc.yml",
                    ".yarnrc",
                    ".npmrc",
                ],
                &[".yarn/releases", ".yarn/plugins"],
                &["package.json", "yarn.lock"],
            ),
            Eco::Pnpm => m(
                &["package.json"],
                &[
                    "package.json",
                    "pnpm-lock.yaml",
                    "pnpm-workspace.yaml",
                    ".npmrc",
                ],
                &[],
                &["package.json", "pnpm-lock.yaml"],
            ),
            Eco::Pip => m(&[], &[], &[], &[]),
            Eco::Poetry => m(
                &["pyproject.toml"],
                &["pyproject.toml", "poetry.lock", "poetry.toml"],
                &[],
                &["pyproject.toml", "poetry.lock"],
            ),
            Eco::Pipenv => m(
                &["Pipfile"],
                &["Pipfile", "Pipfile.lock"],
                &[],
                &["Pipfile", "Pipfile.lock"],
            ),
            Eco::Uv => m(
                &["pyproject.toml"],
                &["pyproject.toml", "uv.lock", ".python-version"],
                &[],
                &["pyproject.toml", "uv.lock"],
            ),
            Eco::Bundler => m(
                &["Gemfile"],
                &["Gemfile", "Gemfile.lock"],
                &[],
                &["Gemfile", "Gemfile.lock"],
            ),
            Eco::Go => m(
                &["go.mod"],
                &["go.mod", "go.sum"],
                &[],
                &["go.mod", "go.sum"],
            ),
            Eco::Cargo => m(
                &["Cargo.toml"],
                &["Cargo.toml", "Cargo.lock"],
                &[],
                &["Cargo.toml", "Cargo.lock"],
            ),
            Eco::Composer => m(
                &["composer.json"],
                &["composer.json", "composer.lock"],
                &[],
                &["composer.json", "composer.lock"],
            ),
            Eco::Maven => m(&["pom.xml"], &["pom.xml"], &[], &["pom.xml"]),
            Eco::MavenWrapper => m(
                &["pom.xml"],
                &["pom.xml", "mvnw"],
                &[".mvn"],
                &["pom.xml", "mvnw", ".mvn"],
            ),
            Eco::Gradle | Eco::GradleWrapper => {
                let all: &'static [&'static str] = &[
                    "build.gradle",
                    "build.gradle.kts",
                    "settings.gradle",
                    "settings.gradle.kts",
                    "gradle.properties",
                ];
                let required: &'static [&'static str] = &all[..4];
                if self == Eco::Gradle {
                    m(required, all, &[], &["build.gradle", "settings.gradle"])
                } else {
                    m(
                        required,
                        &[
                            "build.gradle",
                            "build.gradle.kts",
                            "settings.gradle",
                            "settings.gradle.kts",
                            "gradle.properties",
                            "gradlew",
                        ],
                        &["gradle"],
                        &["build.gradle", "settings.gradle", "gradlew", "gradle"],
                    )
                }
            }
            Eco::Dotnet => m(
                &[],
                &[
                    "global.json",
                    "nuget.config",
                    "NuGet.Config",
                    "Directory.Build.props",
                    "Directory.Packages.props",
                ],
                &[],
                &["*.csproj"],
            ),
        }
    }
}

/// An install that reads only the dependency manifests.
struct Install {
    eco: Eco,
    label: String,
    range: TextRange,
    /// Manifest files named on the command line, relative to its working directory.
    files: Vec<String>,
    /// Why the reordering cannot be done mechanically, if it cannot.
    no_fix: Option<&'static str>,
}

enum Cmd {
    Cd(Option<String>),
    /// Needs nothing from the context and is not worth reporting by itself.
    Neutral,
    /// Installs OS packages: needs nothing from the context.
    Os(String, TextRange),
    Install(Install),
    /// Needs the source (or we cannot tell).
    Source,
}

fn cmd_range(cmd: &Command) -> TextRange {
    let first = cmd.words.first().map_or(TextRange::default(), |w| w.range);
    let last = cmd.words.last().map_or(first, |w| w.range);
    first.cover(last)
}

/// Positional words, skipping the values of the options in `takes_value`.
fn positionals<'a>(args: &'a [ShellWord], takes_value: &[&str]) -> Vec<&'a ShellWord> {
    let mut out = Vec::new();
    let mut skip = false;
    for w in args {
        if skip {
            skip = false;
            continue;
        }
        if w.text.starts_with('-') {
            skip = takes_value.contains(&w.text.as_str());
            continue;
        }
        out.push(w);
    }
    out
}

/// Values of an option: `-r f`, `-rf`, `--requirement f`, `--requirement=f`.
fn option_values(args: &[ShellWord], short: &[&str], long: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        if short.contains(&t) || long.contains(&t) {
            if let Some(v) = args.get(i + 1) {
                out.push(v.text.clone());
            }
            i += 2;
            continue;
        }
        for l in long {
            if let Some(v) = t.strip_prefix(l).and_then(|r| r.strip_prefix('=')) {
                out.push(v.to_string());
            }
        }
        for s in short {
            if let Some(v) = t
                .strip_prefix(s)
                .filter(|v| !v.is_empty() && !t.starts_with("--"))
            {
                out.push(v.to_string());
            }
        }
        i += 1;
    }
    out
}

fn looks_like_path(s: &str) -> bool {
    !s.contains("://")
        && (s == "."
            || s == ".."
            || s.starts_with("./")
            || s.starts_with("../")
            || s.starts_with('/')
            || s.starts_with("file:")
            || s.contains('/'))
}

fn label(words: &[&ShellWord]) -> String {
    words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn install(eco: Eco, cmd: &Command, key_words: usize) -> Cmd {
    let words: Vec<&ShellWord> = cmd.words.iter().take(key_words).collect();
    Cmd::Install(Install {
        eco,
        label: label(&words),
        range: cmd_range(cmd),
        files: Vec::new(),
        no_fix: None,
    })
}

/// Redirections other than to `/dev/null` write files: treat as needing the source.
fn has_redirect(cmd: &Command) -> bool {
    let ws = &cmd.words;
    ws.iter().enumerate().any(|(i, w)| {
        let raw = &w.raw;
        if !(raw.contains('>') || raw.contains('<'))
            || raw.starts_with('"')
            || raw.starts_with('\'')
        {
            return false;
        }
        let bare = raw.trim_start_matches(|c: char| c.is_ascii_digit());
        if bare == ">" || bare == ">>" {
            return ws.get(i + 1).map(|n| n.text.as_str()) != Some("/dev/null");
        }
        !raw.ends_with("/dev/null")
    })
}

fn classify(cmd: &Command, copy_dest: &str) -> Cmd {
    let Some(prog) = cmd.program() else {
        return Cmd::Neutral;
    };
    // `2>&1` splits into `... 2>` and `1`.
    if prog.chars().all(|c| c.is_ascii_digit()) && cmd.separator.as_deref() == Some("&") {
        return Cmd::Neutral;
    }
    if has_redirect(cmd) {
        return Cmd::Source;
    }
    let args = cmd.args();
    let pos: Vec<&ShellWord> = positionals(args, &[]);
    let sub = pos.first().map(|w| w.text.as_str()).unwrap_or("");
    let prog =
        if prog.starts_with("pip") && prog[3..].chars().all(|c| c.is_ascii_digit() || c == '.') {
            "pip"
        } else if prog.starts_with("python") {
            "python"
        } else {
            prog
        };
    match prog {
        "cd" => Cmd::Cd(pos.first().map(|w| w.text.clone())),
        "true"
        | ":"
        | "set"
        | "export"
        | "echo"
        | "mkdir"
        | "useradd"
        | "adduser"
        | "groupadd"
        | "addgroup"
        | "update-ca-certificates"
        | "ldconfig"
        | "locale-gen"
        | "curl"
        | "wget"
        | "sleep"
        | "corepack"
        | "umask" => Cmd::Neutral,
        "rm" => {
            let system = pos.iter().all(|w| {
                let p = w.text.as_str();
                let abs = p.starts_with('/') || p.starts_with("~/") || p.starts_with("$HOME/");
                abs && (rel_under(&norm_abs(p), copy_dest).is_none()
                    && rel_under(copy_dest, &norm_abs(p)).is_none())
            });
            if system {
                Cmd::Neutral
            } else {
                Cmd::Source
            }
        }
        "apt-get" | "apt" | "aptitude" => {
            let pos = positionals(args, &["-o", "-c", "-t", "--target-release"]);
            let sub = pos.first().map(|w| w.text.as_str()).unwrap_or("");
            match sub {
                "install" => os_install(cmd, &pos[1..], ".deb"),
                "update" | "upgrade" | "dist-upgrade" | "full-upgrade" | "clean" | "autoclean"
                | "autoremove" | "purge" | "remove" => Cmd::Neutral,
                _ => Cmd::Source,
            }
        }
        "apk" => match sub {
            "add" => os_install(cmd, &pos[1..], ".apk"),
            "update" | "upgrade" | "del" | "cache" => Cmd::Neutral,
            _ => Cmd::Source,
        },
        "dnf" | "yum" | "microdnf" | "tdnf" | "zypper" => {
            let pos = positionals(args, &["--setopt", "--enablerepo", "--disablerepo", "-x"]);
            let sub = pos.first().map(|w| w.text.as_str()).unwrap_or("");
            match sub {
                "install" | "in" | "groupinstall" => os_install(cmd, &pos[1..], ".rpm"),
                "update" | "up" | "upgrade" | "clean" | "cc" | "makecache" | "refresh" | "ref"
                | "remove" | "rm" | "erase" | "autoremove" => Cmd::Neutral,
                _ => Cmd::Source,
            }
        }
        "npm" => match sub {
            "ci" => install(Eco::Npm, cmd, 2),
            "install" | "i" | "add" | "isntall" => {
                if pos[1..].iter().any(|w| looks_like_path(&w.text)) {
                    Cmd::Source
                } else if cmd.has_flag(&["-g", "--global"]) {
                    Cmd::Neutral
                } else {
                    install(Eco::Npm, cmd, 2)
                }
            }
            "config" | "cache" => Cmd::Neutral,
            _ => Cmd::Source,
        },
        "yarn" => match sub {
            "" => install(Eco::Yarn, cmd, 1),
            "install" => install(Eco::Yarn, cmd, 2),
            "global" | "cache" | "config" => Cmd::Neutral,
            _ => Cmd::Source,
        },
        "pnpm" => match sub {
            _ if cmd.has_flag(&["-g", "--global"]) => {
                if pos[1..].iter().any(|w| looks_like_path(&w.text)) {
                    Cmd::Source
                } else {
                    Cmd::Neutral
                }
            }
            "install" | "i" | "fetch" => install(Eco::Pnpm, cmd, 2),
            "config" | "store" | "env" => Cmd::Neutral,
            _ => Cmd::Source,
        },
        "pip" => pip(cmd, 1),
        "python" => {
            if args.first().map(|w| w.text.as_str()) == Some("-m") {
                match args.get(1).map(|w| w.text.as_str()) {
                    Some("pip") => pip(cmd, 3),
                    Some("venv") => Cmd::Neutral,
                    _ => Cmd::Source,
                }
            } else {
                Cmd::Source
            }
        }
        "uv" => match sub {
            "sync" => {
                let mut c = install(Eco::Uv, cmd, 2);
                if !cmd.has_flag(&["--no-install-project", "--no-install-workspace"]) {
                    set_no_fix(
                        &mut c,
                        "`uv sync` without `--no-install-project` also installs the project, which needs its source: add `--no-install-project` to the first sync and run `uv sync` again after copying the rest",
                    );
                }
                c
            }
            "pip" => match pos.get(1).map(|w| w.text.as_str()) {
                Some("install") => pip(cmd, 3),
                Some("sync") => {
                    let files: Vec<String> = pos[2..].iter().map(|w| w.text.clone()).collect();
                    if files.is_empty() {
                        return Cmd::Source;
                    }
                    let mut c = install(Eco::Pip, cmd, 3);
                    if let Cmd::Install(i) = &mut c {
                        i.files = files;
                    }
                    c
                }
                _ => Cmd::Source,
            },
            "venv" | "python" | "tool" => Cmd::Neutral,
            _ => Cmd::Source,
        },
        "poetry" => match sub {
            "install" => {
                let mut c = install(Eco::Poetry, cmd, 2);
                if !cmd.has_flag(&["--no-root"]) {
                    set_no_fix(
                        &mut c,
                        "`poetry install` without `--no-root` also installs the project, which needs its source: add `--no-root` to the first install and run `poetry install` again after copying the rest",
                    );
                }
                c
            }
            "config" | "self" => Cmd::Neutral,
            _ => Cmd::Source,
        },
        "pipenv" => match sub {
            "install" | "sync" => {
                if pos[1..].iter().any(|w| looks_like_path(&w.text))
                    || cmd.has_flag(&["-e", "--editable"])
                {
                    Cmd::Source
                } else {
                    install(Eco::Pipenv, cmd, 2)
                }
            }
            _ => Cmd::Source,
        },
        "bundle" | "bundler" => match sub {
            "" => install(Eco::Bundler, cmd, 1),
            "install" => install(Eco::Bundler, cmd, 2),
            "config" => Cmd::Neutral,
            _ => Cmd::Source,
        },
        "gem" => match sub {
            "install" | "update" if !pos[1..].iter().any(|w| looks_like_path(&w.text)) => {
                Cmd::Neutral
            }
            _ => Cmd::Source,
        },
        "go" => match (sub, pos.get(1).map(|w| w.text.as_str())) {
            ("mod", Some("download" | "verify")) => install(Eco::Go, cmd, 3),
            ("env", _) => Cmd::Neutral,
            ("install", _) if pos.len() > 1 && pos[1..].iter().all(|w| w.text.contains('@')) => {
                Cmd::Neutral
            }
            _ => Cmd::Source,
        },
        "cargo" => match sub {
            "fetch" => {
                let mut c = install(Eco::Cargo, cmd, 2);
                set_no_fix(
                    &mut c,
                    "Cargo cannot read a manifest whose targets (`src/main.rs`, `src/lib.rs`) are missing: create stub targets before `cargo fetch`, or use a tool such as cargo-chef",
                );
                c
            }
            "install" if !cmd.has_flag(&["--path"]) => Cmd::Neutral,
            _ => Cmd::Source,
        },
        "composer" => match sub {
            "install" | "i" => install(Eco::Composer, cmd, 2),
            "config" => Cmd::Neutral,
            _ => Cmd::Source,
        },
        "mvn" | "mvnw" => {
            let value_opts = [
                "-f",
                "--file",
                "-s",
                "--settings",
                "-gs",
                "--global-settings",
                "-P",
                "--activate-profiles",
                "-pl",
                "--projects",
                "-T",
                "--threads",
                "-rf",
                "--resume-from",
                "-l",
                "--log-file",
                "-t",
                "--toolchains",
                "-b",
                "--builder",
            ];
            let goals = positionals(args, &value_opts);
            let dependency_goal = |g: &str| {
                g.rsplit(':').next().is_some_and(|last| {
                    matches!(last, "go-offline" | "resolve" | "resolve-plugins")
                }) && g.contains("dependency")
            };
            if goals.is_empty() || !goals.iter().all(|g| dependency_goal(&g.text)) {
                return Cmd::Source;
            }
            let eco = if prog == "mvnw" {
                Eco::MavenWrapper
            } else {
                Eco::Maven
            };
            let mut c = install(eco, cmd, 1);
            if let Cmd::Install(i) = &mut c {
                i.label = format!("{} {}", cmd.words[0].text, label(&goals));
                i.files = option_values(args, &["-f", "-s"], &["--file", "--settings"]);
            }
            c
        }
        "gradle" | "gradlew" => {
            let tasks = positionals(
                args,
                &[
                    "-p",
                    "--project-dir",
                    "-b",
                    "--build-file",
                    "-c",
                    "-I",
                    "--init-script",
                    "-g",
                ],
            );
            if tasks.is_empty() || !tasks.iter().all(|t| t.text == "dependencies") {
                return Cmd::Source;
            }
            let eco = if prog == "gradlew" {
                Eco::GradleWrapper
            } else {
                Eco::Gradle
            };
            let mut c = install(eco, cmd, 1);
            if let Cmd::Install(i) = &mut c {
                i.label = format!("{} dependencies", cmd.words[0].text);
            }
            c
        }
        "dotnet" => match sub {
            "restore" => {
                let pos = positionals(
                    args,
                    &[
                        "-s",
                        "--source",
                        "--configfile",
                        "-r",
                        "--runtime",
                        "--packages",
                        "-v",
                        "--verbosity",
                    ],
                );
                let mut c = install(Eco::Dotnet, cmd, 2);
                if let Cmd::Install(i) = &mut c {
                    i.files = pos[1..].iter().map(|w| w.text.clone()).collect();
                    i.files.extend(option_values(args, &[], &["--configfile"]));
                }
                c
            }
            _ => Cmd::Source,
        },
        _ => Cmd::Source,
    }
}

fn set_no_fix(c: &mut Cmd, why: &'static str) {
    if let Cmd::Install(i) = c {
        i.no_fix = Some(why);
    }
}

fn os_install(cmd: &Command, packages: &[&ShellWord], ext: &str) -> Cmd {
    if packages
        .iter()
        .any(|w| (looks_like_path(&w.text) && !w.text.contains("://")) || w.text.ends_with(ext))
    {
        return Cmd::Source;
    }
    let words: Vec<&ShellWord> = cmd
        .words
        .iter()
        .filter(|w| !w.text.starts_with('-'))
        .take(2)
        .collect();
    Cmd::Os(label(&words), cmd_range(cmd))
}

/// `pip install`: requirement files make it a manifest install; local paths need the source;
/// named packages need nothing.
fn pip(cmd: &Command, key_words: usize) -> Cmd {
    let args = cmd.args();
    let value_opts = [
        "-r",
        "--requirement",
        "-c",
        "--constraint",
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "-t",
        "--target",
        "--prefix",
        "--root",
        "--trusted-host",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--only-binary",
        "--no-binary",
        "--progress-bar",
        "--cache-dir",
        "--src",
        "--upgrade-strategy",
        "--log",
        "--timeout",
        "--retries",
        "--proxy",
        "--cert",
        "--client-cert",
        "--exists-action",
        "-C",
        "--config-settings",
        "-e",
        "--editable",
        "--python",
    ];
    let pos = positionals(args, &value_opts);
    // Skip the subcommand words (`install`, or `-m pip install`).
    let sub_index = pos.iter().position(|w| w.text == "install");
    let Some(sub_index) = sub_index else {
        return match pos.first().map(|w| w.text.as_str()) {
            Some("cache" | "config" | "uninstall" | "list" | "freeze") => Cmd::Neutral,
            _ => Cmd::Source,
        };
    };
    let packages = &pos[sub_index + 1..];
    let editable = option_values(args, &["-e"], &["--editable"]);
    let find_links = option_values(args, &["-f"], &["--find-links"]);
    if packages.iter().any(|w| looks_like_path(&w.text))
        || editable
            .iter()
            .chain(&find_links)
            .any(|p| looks_like_path(p) || p == ".")
    {
        return Cmd::Source;
    }
    let files = option_values(args, &["-r", "-c"], &["--requirement", "--constraint"]);
    if files.is_empty() {
        return Cmd::Neutral;
    }
    let words: Vec<&ShellWord> = cmd.words.iter().take(key_words + 1).collect();
    let mut lbl = label(&words);
    let first_req = option_values(args, &["-r"], &["--requirement"]);
    if let Some(f) = first_req.first() {
        lbl.push_str(&format!(" -r {f}"));
    }
    Cmd::Install(Install {
        eco: Eco::Pip,
        label: lbl,
        range: cmd_range(cmd),
        files,
        no_fix: None,
    })
}

// ---------------------------------------------------------------------------------------------
// The RUNs after a copy of everything

/// A manifest to copy first: its context path and its path under the copy's destination.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Manifest {
    ctx_path: String,
    dest_sub: String,
    is_dir: bool,
}

struct Found {
    label: String,
    range: TextRange,
    /// Empty for an OS-package install.
    manifests: Vec<Manifest>,
    no_fix: Option<&'static str>,
    eco: Option<Eco>,
}

enum RunClass {
    Qualifies(Vec<Found>),
    Neutral,
    Stop,
}

fn exists(bc: &BuildContext, path: &str) -> Option<EntryKind> {
    let kind = bc.fs().kind(path)?;
    bc.excluded_by(path).is_none().then_some(kind)
}

/// Locates the manifests an install reads, as context paths; `None` when the install does not
/// read them from this copy (or they were copied before it).
fn locate(
    inst: &Install,
    cwd: &str,
    all: &CopyAll,
    bc: Option<&BuildContext>,
    earlier: &[CopyInfo],
) -> Option<Vec<Manifest>> {
    let to_manifest = |ctx_path: String, is_dir: bool| {
        let dest_sub = rel_under(&format!("/{ctx_path}"), &format!("/{}", all.root))
            .unwrap_or_else(|| ctx_path.clone());
        Manifest {
            ctx_path,
            dest_sub,
            is_dir,
        }
    };
    let mut out: Vec<Manifest> = Vec::new();
    let m = inst.eco.manifests();
    // Named on the command line (`-r requirements.txt`, `dotnet restore App.csproj`).
    for f in &inst.files {
        let p = join(cwd, f);
        let rel = rel_under(&p, &all.dest)?;
        let ctx_path = ctx_join(&all.root, &rel);
        if let Some(bc) = bc {
            if exists(bc, &ctx_path) != Some(EntryKind::File) {
                return None;
            }
        }
        out.push(to_manifest(ctx_path, false));
    }
    if inst.eco == Eco::Pip {
        // Only the files named on the command line.
    } else if let Some(bc) = bc {
        let dir = ctx_join(&all.root, &rel_under(cwd, &all.dest)?);
        {
            if !m.required.is_empty()
                && !m
                    .required
                    .iter()
                    .any(|r| exists(bc, &ctx_join(&dir, r)) == Some(EntryKind::File))
            {
                return None;
            }
            for f in m.files {
                let p = ctx_join(&dir, f);
                if exists(bc, &p) == Some(EntryKind::File) {
                    out.push(to_manifest(p, false));
                }
            }
            for d in m.dirs {
                let p = ctx_join(&dir, d);
                if exists(bc, &p) == Some(EntryKind::Dir) {
                    out.push(to_manifest(p, true));
                }
            }
            if inst.eco == Eco::Dotnet && inst.files.is_empty() {
                let projects: Vec<String> = dotnet_projects(bc, &dir);
                if projects.is_empty() {
                    return None;
                }
                out.extend(projects.into_iter().map(|p| to_manifest(p, false)));
            }
        }
    } else if inst.eco != Eco::Dotnet || inst.files.is_empty() {
        let dir = ctx_join(&all.root, &rel_under(cwd, &all.dest)?);
        for f in m.conventional {
            let is_dir = m.dirs.contains(f);
            out.push(to_manifest(ctx_join(&dir, f), is_dir));
        }
    }
    if out.is_empty() {
        return None;
    }
    let mut seen = Vec::new();
    out.retain(|m| {
        let new = !seen.contains(&m.ctx_path);
        seen.push(m.ctx_path.clone());
        new
    });
    // The correct pattern is already in place: the manifests were copied before.
    let key_names: Vec<String> = if inst.files.is_empty() {
        if m.required.is_empty() {
            out.iter().map(|m| base_name(&m.ctx_path)).collect()
        } else {
            m.required.iter().map(|s| s.to_string()).collect()
        }
    } else {
        inst.files.iter().map(|f| base_name(f)).collect()
    };
    let copied_before = earlier.iter().any(|c| {
        c.sources.iter().any(|(s, _)| {
            let b = base_name(s.trim_end_matches('/'));
            key_names
                .iter()
                .any(|k| b == *k || dflint_context::glob::match_path(&b, k).unwrap_or(false))
        })
    });
    (!copied_before).then_some(out)
}

fn base_name(p: &str) -> String {
    p.rsplit('/').next().unwrap_or(p).to_string()
}

/// Solution and project files in `dir` and up to two levels below.
fn dotnet_projects(bc: &BuildContext, dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_string(), 0)];
    while let Some((d, depth)) = stack.pop() {
        for (name, kind) in bc.fs().read_dir(&d) {
            let p = ctx_join(&d, &name);
            if bc.excluded_by(&p).is_some() {
                continue;
            }
            match kind {
                EntryKind::File
                    if [".sln", ".csproj", ".fsproj", ".vbproj"]
                        .iter()
                        .any(|e| name.ends_with(e)) =>
                {
                    out.push(p)
                }
                EntryKind::Dir if depth < 2 && !name.starts_with('.') => stack.push((p, depth + 1)),
                _ => {}
            }
        }
    }
    out.sort();
    out
}

fn classify_run(
    cx: &RuleContext<'_>,
    j: usize,
    cwd: Option<String>,
    all: &CopyAll,
    earlier: &[CopyInfo],
) -> RunClass {
    let instr = &cx.model.instructions[j];
    // A bind mount of the context reads it anyway.
    for f in instr.flags() {
        if f.name() == "mount" {
            let v = f.unquoted_value().unwrap_or_default();
            let bind = v.split(',').any(|kv| kv == "type=bind");
            if bind && !v.split(',').any(|kv| kv.starts_with("from=")) {
                return RunClass::Stop;
            }
        }
    }
    let mut cwd = cwd;
    let mut found = Vec::new();
    for cmd in shell::commands(instr) {
        match classify(&cmd, &all.dest) {
            Cmd::Cd(p) => {
                cwd = match (cwd, p) {
                    (Some(c), Some(p)) => expand_at(cx.model, j, &p).map(|p| join(&c, &p)),
                    _ => None,
                }
            }
            Cmd::Neutral => {}
            Cmd::Os(label, range) => found.push(Found {
                label,
                range,
                manifests: Vec::new(),
                no_fix: None,
                eco: None,
            }),
            Cmd::Install(inst) => {
                let Some(c) = cwd.as_deref() else {
                    return RunClass::Stop;
                };
                let Some(manifests) = locate(&inst, c, all, cx.build_context, earlier) else {
                    return RunClass::Stop;
                };
                found.push(Found {
                    label: inst.label,
                    range: inst.range,
                    manifests,
                    no_fix: inst.no_fix,
                    eco: Some(inst.eco),
                });
            }
            Cmd::Source => return RunClass::Stop,
        }
    }
    if found.is_empty() {
        RunClass::Neutral
    } else {
        RunClass::Qualifies(found)
    }
}

/// Instructions that only change the image configuration or the environment of later steps:
/// they can move together with the RUNs they precede.
fn is_movable_config(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        SyntaxKind::WORKDIR_INSTR
            | SyntaxKind::ENV_INSTR
            | SyntaxKind::ARG_INSTR
            | SyntaxKind::USER_INSTR
            | SyntaxKind::SHELL_INSTR
            | SyntaxKind::LABEL_INSTR
            | SyntaxKind::EXPOSE_INSTR
            | SyntaxKind::STOPSIGNAL_INSTR
            | SyntaxKind::HEALTHCHECK_INSTR
            | SyntaxKind::CMD_INSTR
            | SyntaxKind::ENTRYPOINT_INSTR
            | SyntaxKind::MAINTAINER_INSTR
            | SyntaxKind::ONBUILD_INSTR
    )
}

fn quoted_list(items: &[String]) -> String {
    let q: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    match q.len() {
        0 => String::new(),
        1 => q[0].clone(),
        n => format!("{} and {}", q[..n - 1].join(", "), q[n - 1]),
    }
}

/// Whether a RUN comes after the copy at `c` before anything but configuration (what
/// [`analyze`] looks at): without one there is nothing to report.
fn run_follows(model: &Model, c: usize, end: usize) -> bool {
    (c + 1..end)
        .map(|i| model.kind(i))
        .find(|&k| !is_movable_config(k))
        == Some(SyntaxKind::RUN_INSTR)
}

fn analyze(
    cx: &RuleContext<'_>,
    c: usize,
    end: usize,
    copy: &CopyInfo,
    all: CopyAll,
    earlier: &[CopyInfo],
    workdirs: &[Option<String>],
) -> Option<Diagnostic> {
    let model = cx.model;
    let mut found: Vec<(usize, Vec<Found>)> = Vec::new();
    for j in c + 1..end {
        let instr = &model.instructions[j];
        if instr.kind() == SyntaxKind::RUN_INSTR {
            let cwd = workdirs.get(j - c).cloned().flatten();
            match classify_run(cx, j, cwd, &all, earlier) {
                RunClass::Qualifies(f) => found.push((j, f)),
                RunClass::Neutral => {}
                RunClass::Stop => break,
            }
        } else if !is_movable_config(instr.kind()) {
            break;
        }
    }
    let last = found.last()?.0;
    let items: Vec<&Found> = found.iter().flat_map(|(_, f)| f).collect();

    // The message.
    let copy_text = model.instructions[c]
        .logical_text()
        .text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let what = if all.root.is_empty() {
        "the whole build context".to_string()
    } else {
        format!("the whole folder `{}`", all.root)
    };
    let mut manifests: Vec<Manifest> = Vec::new();
    for f in &items {
        for m in &f.manifests {
            if !manifests.contains(m) {
                manifests.push(m.clone());
            }
        }
    }
    let manifest_names: Vec<String> = manifests.iter().map(|m| m.ctx_path.clone()).collect();
    let mut labels: Vec<String> = Vec::new();
    for f in &items {
        if !labels.contains(&f.label) {
            labels.push(f.label.clone());
        }
    }
    let parts: Vec<String> = {
        let mut parts = Vec::new();
        let mut seen = Vec::new();
        for f in &items {
            if seen.contains(&f.label) {
                continue;
            }
            seen.push(f.label.clone());
            let names: Vec<String> = f.manifests.iter().map(|m| m.ctx_path.clone()).collect();
            parts.push(if names.is_empty() {
                format!("`{}`, which needs nothing from the context", f.label)
            } else {
                format!("`{}`, which needs only {}", f.label, quoted_list(&names))
            });
        }
        parts
    };
    let reruns = quoted_list(&labels);
    let advice = if manifest_names.is_empty() {
        format!(
            "; move the RUN above `{}`",
            copy_text.split(' ').next().unwrap_or("COPY")
        )
    } else if items.iter().any(|f| f.manifests.is_empty()) {
        format!(
            "; copy {} first, install, then copy the rest, and move the RUN that needs nothing above the copy",
            quoted_list(&manifest_names)
        )
    } else {
        format!(
            "; copy {} first, install, then copy the rest",
            quoted_list(&manifest_names)
        )
    };
    let message = format!(
        "`{copy_text}` copies {what} before {}: every change to any file re-runs {reruns}{advice}",
        parts.join(" and "),
    );
    let mut d = Diagnostic::new(&META, all.word, message);
    for f in &items {
        let msg = if f.manifests.is_empty() {
            "needs nothing from the build context".to_string()
        } else {
            format!("needs only {}", quoted_list(&manifest_names_of(f)))
        };
        d = d.with_related(f.range, msg);
    }
    if let Some(bc) = cx.build_context {
        let uses_node = items
            .iter()
            .any(|f| matches!(f.eco, Some(Eco::Npm | Eco::Yarn | Eco::Pnpm)));
        let nm = ctx_join(&all.root, "node_modules");
        if uses_node && exists(bc, &nm).is_some() {
            d = d.with_note(format!(
                "`{nm}` is in the build context and not excluded by .dockerignore: after reordering, the copy would overwrite the installed modules; exclude it"
            ));
        }
    }
    match build_fix(cx, c, copy, &found, last, &manifests) {
        Ok(fix) => d = d.with_fix(fix),
        Err(why) => d = d.with_note(format!("no automatic fix: {why}")),
    }
    Some(d)
}

fn manifest_names_of(f: &Found) -> Vec<String> {
    f.manifests.iter().map(|m| m.ctx_path.clone()).collect()
}

// ---------------------------------------------------------------------------------------------
// The fix

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// Where instruction `i` starts, including the comment lines directly above it.
fn attached_start(model: &Model, i: usize) -> usize {
    let text = model.text;
    let floor = if i == 0 {
        0
    } else {
        usize::from(model.instructions[i - 1].range().end())
    };
    let mut start = line_start(text, usize::from(model.instructions[i].range().start()));
    while start > floor {
        let prev = line_start(text, start - 1);
        if prev < floor || !text[prev..start].trim_start().starts_with('#') {
            break;
        }
        start = prev;
    }
    start
}

fn dest_dir(dest_text: &str, sub: &str) -> String {
    let base = if dest_text == "/" {
        ""
    } else {
        dest_text.trim_end_matches('/')
    };
    let mut s = base.to_string();
    if !sub.is_empty() {
        s.push('/');
        s.push_str(sub);
    }
    s.push('/');
    s
}

fn parent_of(p: &str) -> &str {
    p.rfind('/').map_or("", |i| &p[..i])
}

fn build_fix(
    cx: &RuleContext<'_>,
    c: usize,
    copy: &CopyInfo,
    found: &[(usize, Vec<Found>)],
    last: usize,
    manifests: &[Manifest],
) -> Result<Fix, String> {
    let model = cx.model;
    let text = model.text;
    for (_, fs) in found {
        if let Some(why) = fs.iter().find_map(|f| f.no_fix) {
            return Err(why.to_string());
        }
    }
    let copy_instr = &model.instructions[c];
    let copy_vars: Vec<String> = copy_instr
        .variable_refs(model.escape)
        .into_iter()
        .map(|r| r.name)
        .collect();
    for j in c + 1..=last {
        let instr = &model.instructions[j];
        match instr.kind() {
            SyntaxKind::WORKDIR_INSTR if !copy.dest_text.starts_with('/') => {
                return Err(format!(
                    "the WORKDIR on line {} decides where `{}` goes; moving it would change the copy",
                    model.line_of(instr.range().start()),
                    copy.dest_text
                ));
            }
            SyntaxKind::ENV_INSTR | SyntaxKind::ARG_INSTR => {
                let defines = model
                    .defs
                    .iter()
                    .filter(|d| d.instr == j)
                    .any(|d| copy_vars.contains(&d.name));
                if defines {
                    return Err(format!(
                        "the copy uses a variable that line {} defines",
                        model.line_of(instr.range().start())
                    ));
                }
            }
            _ => {}
        }
    }
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    // The manifest copies.
    let flags: Vec<String> = copy_instr
        .flags()
        .filter(|f| matches!(f.name().as_str(), "chown" | "chmod" | "link"))
        .map(|f| text[f.range()].to_string())
        .collect();
    let mut copy_lines = String::new();
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for m in manifests {
        if m.ctx_path.chars().any(char::is_whitespace) {
            return Err(format!("`{}` has a space in its name", m.ctx_path));
        }
        if m.is_dir {
            groups.push((
                dest_dir(&copy.dest_text, &m.dest_sub),
                vec![m.ctx_path.clone()],
            ));
            continue;
        }
        let dest = dest_dir(&copy.dest_text, parent_of(&m.dest_sub));
        match groups
            .iter_mut()
            .find(|(d, srcs)| *d == dest && !is_dir_group(srcs, manifests))
        {
            Some((_, srcs)) => srcs.push(m.ctx_path.clone()),
            None => groups.push((dest, vec![m.ctx_path.clone()])),
        }
    }
    if copy.dest_text.chars().any(char::is_whitespace) {
        return Err("the destination has a space in it".into());
    }
    for (dest, srcs) in &groups {
        let mut words = vec!["COPY".to_string()];
        words.extend(flags.iter().cloned());
        words.extend(srcs.iter().cloned());
        words.push(dest.clone());
        copy_lines.push_str(&words.join(" "));
        copy_lines.push_str(nl);
    }
    // The block that moves: from the line after the copy (blank lines stay) to the last RUN.
    let copy_end = usize::from(copy_instr.range().end());
    let mut block_start = copy_end;
    while block_start < text.len() {
        let line_end = text[block_start..]
            .find('\n')
            .map_or(text.len(), |i| block_start + i + 1);
        if !text[block_start..line_end].trim().is_empty() {
            break;
        }
        block_start = line_end;
    }
    let block_end = usize::from(model.instructions[last].range().end());
    let first_manifest_run = found
        .iter()
        .find(|(_, fs)| fs.iter().any(|f| !f.manifests.is_empty()))
        .map(|(j, _)| *j);
    let mut block = String::new();
    match first_manifest_run {
        Some(j) => {
            let at = attached_start(model, j).max(block_start);
            block.push_str(&text[block_start..at]);
            block.push_str(&copy_lines);
            block.push_str(&text[at..block_end]);
        }
        None => block.push_str(&text[block_start..block_end]),
    }
    if !block.ends_with('\n') {
        block.push_str(nl);
    }
    let insert_at = attached_start(model, c);
    let what = if manifests.is_empty() {
        "Move the RUN above the copy".to_string()
    } else {
        format!(
            "Copy {} first, install, then copy the rest",
            quoted_list(
                &manifests
                    .iter()
                    .map(|m| m.ctx_path.clone())
                    .collect::<Vec<_>>()
            )
        )
    };
    Ok(Fix {
        message: what,
        applicability: Applicability::Unsafe,
        edits: vec![
            Edit::insert(TextSize::from(insert_at as u32), block),
            Edit::delete(TextRange::new(
                TextSize::from(block_start as u32),
                TextSize::from(block_end as u32),
            )),
        ],
    })
}

fn is_dir_group(srcs: &[String], manifests: &[Manifest]) -> bool {
    srcs.iter()
        .any(|s| manifests.iter().any(|m| m.is_dir && m.ctx_path == *s))
}

#[cfg(test)]
mod tests {
    use crate::testing::run_rule;
    use crate::Diagnostic;
    use dflint_context::{BuildContext, IgnoreFile, MemoryContext};

    const RULE: &str = "cache-busting-order";

    fn ctx(files: &[&str]) -> BuildContext {
        BuildContext::new(MemoryContext::from_list(files), IgnoreFile::default())
    }

    fn ctx_ignoring(files: &[&str], ignore: &str) -> BuildContext {
        BuildContext::new(
            MemoryContext::from_list(files),
            IgnoreFile::parse(".dockerignore", None, ignore.as_bytes()),
        )
    }

    fn run(text: &str, bc: Option<&BuildContext>) -> Vec<Diagnostic> {
        run_rule(RULE, text, bc)
    }

    fn fixed(text: &str, d: &Diagnostic) -> String {
        let fix = d.fix.as_ref().expect("a fix");
        assert_eq!(fix.applicability, crate::Applicability::Unsafe);
        crate::apply_edits(text, &fix.edits).expect("edits apply")
    }

    fn instruction_texts(text: &str) -> Vec<String> {
        let parse = dflint_syntax::parse(text);
        assert!(parse.errors().is_empty(), "{:?}\n{text}", parse.errors());
        let mut v: Vec<String> = parse
            .tree()
            .instructions()
            .map(|i| text[i.range()].trim_end().to_string())
            .collect();
        v.sort();
        v
    }

    /// Applies the fix, reparses, and checks that the result has the original instructions plus
    /// the inserted `COPY` lines (`added`), that the rule no longer fires, and returns the text.
    fn check_fix(text: &str, bc: Option<&BuildContext>, added: &[&str]) -> String {
        let diags = run(text, bc);
        assert_eq!(diags.len(), 1, "{diags:#?}");
        let out = fixed(text, &diags[0]);
        let mut expected = instruction_texts(text);
        expected.extend(added.iter().map(|s| s.to_string()));
        expected.sort();
        assert_eq!(instruction_texts(&out), expected, "{out}");
        assert!(
            run(&out, bc).is_empty(),
            "still fires after the fix:\n{out}"
        );
        out
    }

    #[test]
    fn fixture() {
        crate::testing::assert_fixture(RULE);
    }

    #[test]
    fn fixture_fix_reparses() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(RULE);
        let df = dir.join("Dockerfile");
        let text = std::fs::read_to_string(&df).unwrap();
        let bc = BuildContext::open(&dir, &df);
        let out = check_fix(
            &text,
            Some(&bc),
            &["COPY package.json package-lock.json ./"],
        );
        assert_eq!(
            out,
            "FROM busybox:1.36\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nCMD [\"node\", \"src/index.js\"]\n"
        );
        let d = &run(&text, Some(&bc))[0];
        assert_eq!(&text[d.range], ".");
        assert_eq!(&text[d.related[0].range], "npm ci");
    }

    #[test]
    fn without_context_names_the_conventional_manifests() {
        let text = "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n";
        let d = &run(text, None)[0];
        assert!(
            d.message.contains("`package.json` and `package-lock.json`"),
            "{}",
            d.message
        );
        assert!(d
            .message
            .contains("every change to any file re-runs `npm ci`"));
    }

    #[test]
    fn names_only_manifests_that_exist_and_are_not_ignored() {
        let text = "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN yarn install --frozen-lockfile\n";
        let bc = ctx_ignoring(
            &["package.json", "yarn.lock", ".npmrc", "src/a.js"],
            ".npmrc\n",
        );
        let d = &run(text, Some(&bc))[0];
        assert!(
            d.message
                .contains("needs only `package.json` and `yarn.lock`"),
            "{}",
            d.message
        );
        check_fix(text, Some(&bc), &["COPY package.json yarn.lock ./"]);
    }

    #[test]
    fn pip_requirements() {
        let text = "FROM python:3.12\nWORKDIR /srv\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD [\"python\", \"app.py\"]\n";
        let bc = ctx(&["requirements.txt", "app.py"]);
        let d = &run(text, Some(&bc))[0];
        assert!(
            d.message
                .contains("`pip install -r requirements.txt`, which needs only `requirements.txt`"),
            "{}",
            d.message
        );
        let out = check_fix(text, Some(&bc), &["COPY requirements.txt ./"]);
        assert!(out.contains("COPY requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n"), "{out}");
        // An absolute requirement path under an absolute destination.
        let text =
            "FROM python:3.12\nCOPY . /src\nRUN python3 -m pip install -r /src/req/base.txt\n";
        let bc = ctx(&["req/base.txt", "app.py"]);
        check_fix(text, Some(&bc), &["COPY req/base.txt /src/req/"]);
    }

    #[test]
    fn go_mod_download_with_continuations_and_comments() {
        let text = "FROM golang:1.23 AS build\nWORKDIR /src\n# everything\nCOPY . .\n\n# modules\nRUN --mount=type=cache,target=/go/pkg/mod \\\n    go mod download\nRUN go build -o /app ./cmd/app\n";
        let bc = ctx(&["go.mod", "go.sum", "cmd/app/main.go"]);
        let out = check_fix(text, Some(&bc), &["COPY go.mod go.sum ./"]);
        assert_eq!(
            out,
            "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\n# modules\nRUN --mount=type=cache,target=/go/pkg/mod \\\n    go mod download\n# everything\nCOPY . .\n\nRUN go build -o /app ./cmd/app\n"
        );
    }

    #[test]
    fn cargo_fetch_is_reported_without_a_fix() {
        let text =
            "FROM rust:1.82\nWORKDIR /w\nCOPY . .\nRUN cargo fetch\nRUN cargo build --release\n";
        let d = &run(
            text,
            Some(&ctx(&["Cargo.toml", "Cargo.lock", "src/main.rs"])),
        )[0];
        assert!(
            d.message.contains("`Cargo.toml` and `Cargo.lock`"),
            "{}",
            d.message
        );
        assert!(d.fix.is_none());
        assert!(
            d.notes.iter().any(|n| n.contains("stub targets")),
            "{:?}",
            d.notes
        );
    }

    #[test]
    fn os_packages_move_above_the_copy() {
        let text = "FROM debian:12\nWORKDIR /app\nCOPY . .\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl \\\n && rm -rf /var/lib/apt/lists/*\nRUN make\n";
        let d = &run(text, None)[0];
        assert!(
            d.message
                .contains("`apt-get install`, which needs nothing from the context"),
            "{}",
            d.message
        );
        assert!(
            d.message.contains("move the RUN above `COPY`"),
            "{}",
            d.message
        );
        let out = check_fix(text, None, &[]);
        assert_eq!(
            out,
            "FROM debian:12\nWORKDIR /app\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl \\\n && rm -rf /var/lib/apt/lists/*\nCOPY . .\nRUN make\n"
        );
        for text in [
            "FROM alpine\nCOPY . /app\nRUN apk add --no-cache git\n",
            "FROM fedora\nCOPY . /app\nRUN dnf install -y git && dnf clean all\n",
            "FROM centos\nCOPY . /app\nRUN yum -y install git\n",
            "FROM ubi\nCOPY . /app\nRUN microdnf install -y git\n",
            "FROM suse\nCOPY . /app\nRUN zypper --non-interactive install git\n",
        ] {
            check_fix(text, None, &[]);
        }
    }

    #[test]
    fn a_local_package_file_needs_the_context() {
        let text = "FROM debian:12\nCOPY . /tmp/ctx\nRUN apt-get install -y /tmp/ctx/tool.deb\n";
        assert!(run(text, None).is_empty());
    }

    #[test]
    fn mixed_block_and_config_instructions_move_together() {
        let text = "FROM node:22\nCOPY . /app\nWORKDIR /app\nENV NODE_ENV=production\nRUN apt-get install -y git\nRUN npm ci --omit=dev\nUSER node\nRUN npm run build\n";
        let bc = ctx(&["package.json", "package-lock.json", "src/a.js"]);
        let d = &run(text, Some(&bc))[0];
        assert_eq!(d.related.len(), 2);
        let out = check_fix(
            text,
            Some(&bc),
            &["COPY package.json package-lock.json /app/"],
        );
        assert_eq!(
            out,
            "FROM node:22\nWORKDIR /app\nENV NODE_ENV=production\nRUN apt-get install -y git\nCOPY package.json package-lock.json /app/\nRUN npm ci --omit=dev\nCOPY . /app\nUSER node\nRUN npm run build\n"
        );
    }

    #[test]
    fn refuses_to_move_a_workdir_that_decides_a_relative_destination() {
        let text = "FROM node:22\nWORKDIR /srv\nCOPY . app\nWORKDIR /srv/app\nRUN npm ci\n";
        let d = &run(text, None)[0];
        assert!(d.fix.is_none());
        assert!(
            d.notes.iter().any(|n| n.contains("WORKDIR")),
            "{:?}",
            d.notes
        );
        let text = "FROM node:22\nWORKDIR /app\nENV D=.\nCOPY . $D\nENV D=/other\nRUN npm ci\n";
        let d = &run(text, None)[0];
        assert!(d.fix.is_none(), "{:?}", d.fix);
        assert!(
            d.notes.iter().any(|n| n.contains("line 5")),
            "{:?}",
            d.notes
        );
    }

    #[test]
    fn folder_that_holds_the_manifests() {
        let text = "FROM node:22\nCOPY --chown=node:node web/ /app/\nWORKDIR /app\nRUN npm ci\n";
        let bc = ctx(&[
            "web/package.json",
            "web/package-lock.json",
            "web/src/a.js",
            "api/x.go",
        ]);
        let d = &run(text, Some(&bc))[0];
        assert!(
            d.message.contains("the whole folder `web`"),
            "{}",
            d.message
        );
        assert_eq!(&text[d.range], "web/");
        check_fix(
            text,
            Some(&bc),
            &["COPY --chown=node:node web/package.json web/package-lock.json /app/"],
        );
        // Without a context, a folder is not known to hold manifests.
        assert!(run(text, None).is_empty());
    }

    #[test]
    fn other_ecosystems() {
        let cases: &[(&str, &[&str], &str)] = &[
            (
                "RUN poetry install --no-root",
                &["pyproject.toml", "poetry.lock"],
                "COPY pyproject.toml poetry.lock ./",
            ),
            (
                "RUN pipenv install --deploy --system",
                &["Pipfile", "Pipfile.lock"],
                "COPY Pipfile Pipfile.lock ./",
            ),
            (
                "RUN uv sync --locked --no-install-project",
                &["pyproject.toml", "uv.lock"],
                "COPY pyproject.toml uv.lock ./",
            ),
            (
                "RUN bundle install",
                &["Gemfile", "Gemfile.lock"],
                "COPY Gemfile Gemfile.lock ./",
            ),
            (
                "RUN composer install --no-dev",
                &["composer.json", "composer.lock"],
                "COPY composer.json composer.lock ./",
            ),
            (
                "RUN mvn -B dependency:go-offline",
                &["pom.xml"],
                "COPY pom.xml ./",
            ),
            (
                "RUN mvn -B dependency:resolve",
                &["pom.xml"],
                "COPY pom.xml ./",
            ),
            (
                "RUN gradle dependencies --no-daemon",
                &["build.gradle.kts", "settings.gradle.kts"],
                "COPY build.gradle.kts settings.gradle.kts ./",
            ),
            (
                "RUN dotnet restore",
                &["App.sln", "src/App/App.csproj"],
                "COPY App.sln ./\nCOPY src/App/App.csproj ./src/App/",
            ),
            (
                "RUN pnpm install --frozen-lockfile",
                &["package.json", "pnpm-lock.yaml"],
                "COPY package.json pnpm-lock.yaml ./",
            ),
        ];
        for (run_line, files, copy) in cases {
            let text = format!("FROM x\nWORKDIR /w\nCOPY . .\n{run_line}\n");
            let mut all: Vec<&str> = files.to_vec();
            all.push("src/main.txt");
            let bc = ctx(&all);
            let added: Vec<&str> = copy.lines().collect();
            check_fix(&text, Some(&bc), &added);
        }
    }

    #[test]
    fn installs_that_also_install_the_project_get_no_fix() {
        for line in ["RUN poetry install", "RUN uv sync --locked"] {
            let text = format!("FROM x\nWORKDIR /w\nCOPY . .\n{line}\n");
            let d = &run(
                &text,
                Some(&ctx(&["pyproject.toml", "poetry.lock", "uv.lock"])),
            )[0];
            assert!(d.fix.is_none(), "{line}");
        }
    }

    #[test]
    fn node_modules_in_the_context_is_noted() {
        let text = "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n";
        let bc = ctx(&["package.json", "node_modules/x/index.js"]);
        let d = &run(text, Some(&bc))[0];
        assert!(
            d.notes.iter().any(|n| n.contains("node_modules")),
            "{:?}",
            d.notes
        );
        let bc = ctx_ignoring(
            &["package.json", "node_modules/x/index.js"],
            "node_modules\n",
        );
        assert!(run(text, Some(&bc))[0].notes.is_empty());
    }

    #[test]
    fn crlf_and_no_final_newline() {
        let text = "FROM node:22\r\nWORKDIR /app\r\nCOPY . .\r\nRUN npm ci";
        let out = check_fix(text, None, &["COPY package.json package-lock.json ./"]);
        assert_eq!(
            out,
            "FROM node:22\r\nWORKDIR /app\r\nCOPY package.json package-lock.json ./\r\nRUN npm ci\r\nCOPY . .\r\n"
        );
    }

    #[test]
    fn not_reported() {
        let bc = ctx(&[
            "package.json",
            "package-lock.json",
            "requirements.txt",
            "Makefile",
            "go.mod",
        ]);
        for text in [
            // The manifests are copied first: the correct pattern.
            "FROM node:22\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm ci --omit=dev\n",
            "FROM python:3\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nRUN pip install -r requirements.txt\n",
            // The RUN needs the whole source.
            "FROM gcc\nCOPY . /src\nWORKDIR /src\nRUN make\n",
            "FROM node:22\nCOPY . .\nRUN npm ci && npm run build\n",
            "FROM node:22\nCOPY . .\nRUN npm run build\n",
            "FROM golang\nCOPY . .\nRUN go build ./...\n",
            "FROM python:3\nCOPY . .\nRUN pip install .\n",
            "FROM python:3\nCOPY . .\nRUN pip install -e .\n",
            "FROM python:3\nCOPY . .\nRUN pip install -r requirements.txt && python setup.py build\n",
            "FROM node:22\nCOPY . .\nRUN ./scripts/install.sh && npm ci\n",
            // A step in between that needs the source stops the search.
            "FROM node:22\nCOPY . .\nRUN npm run build\nRUN apt-get install -y curl\n",
            // Multi-stage: the COPY is in another stage.
            "FROM node:22 AS deps\nCOPY . .\nFROM node:22\nRUN npm ci\n",
            "FROM node:22 AS build\nCOPY . /src\nFROM node:22\nCOPY --from=build /src /app\nRUN npm ci\n",
            // A copy of one file is not a copy of everything.
            "FROM node:22\nCOPY src/index.js .\nRUN npm ci\n",
            // A context bind mount reads the context anyway.
            "FROM node:22\nCOPY . .\nRUN --mount=type=bind,target=/ctx npm ci\n",
            // An install in another folder than the copy's destination.
            "FROM node:22\nCOPY . /app\nWORKDIR /other\nRUN npm ci\n",
            // Writes into the copied tree.
            "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci && chown -R node /app\n",
            // Nothing to install at all.
            "FROM node:22\nCOPY . .\nRUN echo hello\n",
        ] {
            let d = run(text, Some(&bc));
            assert!(d.is_empty(), "{text}\n{d:#?}");
        }
    }
}
