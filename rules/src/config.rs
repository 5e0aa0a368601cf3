//! `dflint.toml` / `.dflint.toml`: found upward from each linted file. Unknown keys and bad values
//! are errors naming the key and the file (hadolint silently ignores them; we do not).

use crate::registry::{self, lookup};
use crate::{RuleMeta, Severity};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

pub const CONFIG_NAMES: [&str; 2] = ["dflint.toml", ".dflint.toml"];

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// Rules to run (codes or names, or `all`); default: every rule that is on by default.
    pub select: Option<Vec<String>>,
    /// Rules not to run.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Severity per rule: `error`, `warning`, `info`, `style`, or `off`.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    pub failure_threshold: Option<String>,
    /// Registries images may come from (empty: any).
    #[serde(default)]
    pub trusted_registries: Vec<String>,
    /// Labels the image must have, each with the form of its value: `text`, `url`, `semver`,
    /// `hash`, `rfc3339`, `spdx` or `email` (hadolint's `label-schema`).
    #[serde(default)]
    pub label_schema: BTreeMap<String, String>,
    /// With `label-schema`: a label that is not in it is reported.
    #[serde(default)]
    pub strict_labels: bool,
    /// Settings for paths matching glob patterns (relative to the config file's folder).
    #[serde(default)]
    pub overrides: Vec<Override>,
}

/// The form a label's value must have (`label-schema`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelType {
    Text,
    Url,
    Semver,
    Hash,
    Rfc3339,
    Spdx,
    Email,
}

impl LabelType {
    pub const NAMES: &'static str = "text, url, semver, hash, rfc3339, spdx, email";

    pub fn parse(s: &str) -> Option<LabelType> {
        Some(match s {
            "text" => LabelType::Text,
            "url" => LabelType::Url,
            "semver" => LabelType::Semver,
            "hash" => LabelType::Hash,
            "rfc3339" => LabelType::Rfc3339,
            "spdx" => LabelType::Spdx,
            "email" => LabelType::Email,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Override {
    pub files: Vec<String>,
    pub select: Option<Vec<String>>,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

impl std::error::Error for ConfigError {}

/// A loaded, validated configuration file.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub file: ConfigFile,
}

/// What applies to one file: the resolved rule set and options.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    enabled: HashMap<&'static str, bool>,
    severity: HashMap<&'static str, Severity>,
    pub trusted_registries: Vec<String>,
    pub failure_threshold: Severity,
    /// Labels the image must have, and the form of their values.
    pub label_schema: BTreeMap<String, LabelType>,
    /// Report labels that are not in `label_schema`.
    pub strict_labels: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            enabled: HashMap::new(),
            severity: HashMap::new(),
            trusted_registries: Vec::new(),
            failure_threshold: Severity::Info,
            label_schema: BTreeMap::new(),
            strict_labels: false,
        }
    }
}

impl Settings {
    pub fn is_enabled(&self, meta: &RuleMeta) -> bool {
        self.enabled
            .get(meta.code)
            .copied()
            .unwrap_or(meta.default_enabled)
    }

    pub fn severity(&self, meta: &RuleMeta) -> Severity {
        self.severity
            .get(meta.code)
            .copied()
            .unwrap_or(meta.severity)
    }

    /// Turns a rule on (e.g. an off-by-default rule asked for on the command line).
    pub fn enable(&mut self, code: &'static str) {
        self.enabled.insert(code, true);
    }

    /// Applies `select` (replaces the default set), then `ignore`, then severities.
    pub fn apply(
        &mut self,
        select: Option<&[String]>,
        ignore: &[String],
        severity: &BTreeMap<String, String>,
    ) -> Result<(), String> {
        if let Some(select) = select {
            let chosen = resolve_all(select, "select")?;
            for rule in registry::all() {
                let m = rule.meta();
                self.enabled.insert(m.code, chosen.contains(&m.code));
            }
        }
        for code in resolve_all(ignore, "ignore")? {
            self.enabled.insert(code, false);
        }
        for (key, level) in severity {
            let meta = lookup(key).ok_or_else(|| format!("severity: unknown rule `{key}`"))?;
            if level == "off" {
                self.enabled.insert(meta.code, false);
                continue;
            }
            let sev = Severity::parse(level).ok_or_else(|| {
                format!("severity.{key}: `{level}` is not one of error, warning, info, style, off")
            })?;
            self.severity.insert(meta.code, sev);
            self.enabled.insert(meta.code, true);
        }
        Ok(())
    }
}

/// Resolves rule codes/names (or `all`) to codes; an unknown one is an error naming `key`.
pub fn resolve_all(names: &[String], key: &str) -> Result<Vec<&'static str>, String> {
    let mut out = Vec::new();
    for n in names {
        if n.eq_ignore_ascii_case("all") {
            out.extend(registry::all().iter().map(|r| r.meta().code));
            continue;
        }
        match lookup(n) {
            Some(m) => out.push(m.code),
            None => return Err(format!("{key}: unknown rule `{n}`")),
        }
    }
    Ok(out)
}

impl Config {
    /// Parses and validates a configuration file's text.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let err = |message: String| ConfigError {
            file: path.to_path_buf(),
            message,
        };
        let file: ConfigFile =
            toml::from_str(text).map_err(|e| err(e.to_string().trim_end().to_string()))?;
        let config = Config {
            path: Some(path.to_path_buf()),
            file,
        };
        // Validate everything now, so that a bad key is reported even if no file uses it.
        config.settings_for(Path::new("")).map_err(err)?;
        for o in &config.file.overrides {
            for pat in &o.files {
                dflint_context::glob::match_path(pat, "x")
                    .map_err(|_| err(format!("overrides.files: bad pattern `{pat}`")))?;
            }
            // Rule names and severities of an override, even if no file matches it.
            Settings::default()
                .apply(o.select.as_deref(), &o.ignore, &o.severity)
                .map_err(|e| err(format!("overrides: {e}")))?;
        }
        Ok(config)
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Config::parse(path, &text)
    }

    /// The nearest `dflint.toml`/`.dflint.toml` in `dir` or its ancestors.
    pub fn find(dir: &Path) -> Option<PathBuf> {
        let mut d = Some(dir);
        while let Some(cur) = d {
            for name in CONFIG_NAMES {
                let p = cur.join(name);
                if p.is_file() {
                    return Some(p);
                }
            }
            d = cur.parent();
        }
        None
    }

    /// Settings for a file (path relative to the config's folder, or as given).
    pub fn settings_for(&self, file: &Path) -> Result<Settings, String> {
        let mut s = Settings::default();
        let f = &self.file;
        if let Some(t) = &f.failure_threshold {
            s.failure_threshold = Severity::parse(t).ok_or_else(|| {
                format!("failure-threshold: `{t}` is not one of error, warning, info, style")
            })?;
        }
        s.trusted_registries = f.trusted_registries.clone();
        for (label, ty) in &f.label_schema {
            let t = LabelType::parse(ty).ok_or_else(|| {
                format!(
                    "label-schema.{label}: `{ty}` is not one of {}",
                    LabelType::NAMES
                )
            })?;
            s.label_schema.insert(label.clone(), t);
        }
        s.strict_labels = f.strict_labels;
        s.apply(f.select.as_deref(), &f.ignore, &f.severity)?;
        let rel = self
            .path
            .as_ref()
            .and_then(|p| p.parent())
            .and_then(|base| file.strip_prefix(base).ok())
            .unwrap_or(file);
        let rel = rel.to_string_lossy().replace('\\', "/");
        for o in &f.overrides {
            let hit = o.files.iter().any(|pat| glob_match_any_depth(pat, &rel));
            if hit {
                s.apply(o.select.as_deref(), &o.ignore, &o.severity)
                    .map_err(|e| format!("overrides: {e}"))?;
            }
        }
        Ok(s)
    }
}

/// `filepath.Match` against the path, or against its file name when the pattern has no `/`.
fn glob_match_any_depth(pattern: &str, rel: &str) -> bool {
    let m = |p: &str, s: &str| dflint_context::glob::match_path(p, s).unwrap_or(false);
    if pattern.contains('/') {
        m(pattern.trim_start_matches("**/"), rel) || m(pattern, rel)
    } else {
        m(pattern, rel.rsplit('/').next().unwrap_or(rel))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_and_values_are_errors_naming_them() {
        let p = Path::new("dflint.toml");
        let e = Config::parse(p, "selct = []").unwrap_err();
        assert!(e.message.contains("selct"), "{e}");
        let e = Config::parse(p, "ignore = [\"no-such-rule\"]").unwrap_err();
        assert!(e.message.contains("no-such-rule"), "{e}");
        let e = Config::parse(p, "[severity]\nfrom-first = \"loud\"").unwrap_err();
        assert!(e.message.contains("loud"), "{e}");
        let e =
            Config::parse(p, "[[overrides]]\nfiles = [\"a\"]\nignore = [\"nope\"]").unwrap_err();
        assert!(
            e.message.contains("overrides") && e.message.contains("nope"),
            "{e}"
        );
        let e = Config::parse(p, "failure-threshold = \"x\"").unwrap_err();
        assert!(e.message.contains("failure-threshold"), "{e}");
        let e = Config::parse(p, "[label-schema]\n\"org.example.v\" = \"semverr\"").unwrap_err();
        assert!(
            e.message.contains("label-schema.org.example.v") && e.message.contains("semverr"),
            "{e}"
        );
        let e = Config::parse(p, "strict-labels = \"yes\"").unwrap_err();
        assert!(e.message.contains("strict-labels"), "{e}");
    }

    #[test]
    fn select_ignore_severity_and_overrides() {
        let p = Path::new("/r/dflint.toml");
        let c = Config::parse(
            p,
            "ignore = [\"from-first\"]\n[severity]\nDF001 = \"warning\"\n[[overrides]]\nfiles = [\"*.dev\"]\nselect = [\"from-first\"]\n",
        )
        .unwrap();
        let from_first = lookup("from-first").unwrap();
        let syntax = lookup("DF001").unwrap();
        let s = c.settings_for(Path::new("/r/Dockerfile")).unwrap();
        assert!(!s.is_enabled(from_first));
        assert_eq!(s.severity(syntax), Severity::Warning);
        let s = c.settings_for(Path::new("/r/sub/Dockerfile.dev")).unwrap();
        assert!(s.is_enabled(from_first));
        assert!(!s.is_enabled(syntax), "select replaces the set");
    }

    #[test]
    fn label_schema_and_strict_labels() {
        let c = Config::parse(
            Path::new("dflint.toml"),
            "strict-labels = true\n[label-schema]\nauthor = \"email\"\n\"org.opencontainers.image.version\" = \"semver\"\n",
        )
        .unwrap();
        let s = c.settings_for(Path::new("Dockerfile")).unwrap();
        assert!(s.strict_labels);
        assert_eq!(s.label_schema["author"], LabelType::Email);
        assert_eq!(
            s.label_schema["org.opencontainers.image.version"],
            LabelType::Semver
        );
        assert!(!Settings::default().strict_labels);
    }
}
