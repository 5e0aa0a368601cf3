//! Which configuration applies to a file: `--config FILE`, or the nearest `dflint.toml` /
//! `.dflint.toml` upward from the file's folder. Lookups and loaded files are cached per folder,
//! so a tree of a thousand Dockerfiles reads each configuration file once.

use dflint_rules::{Config, ConfigError, Settings};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Settings the command line lays over every file's configuration.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--select`: replaces the configured rule set.
    pub select: Option<Vec<String>>,
    /// `--extend-select`: adds to it (turns on off-by-default rules).
    pub extend_select: Vec<String>,
    /// `--ignore`: removes from it; wins over `--select` and `--extend-select`.
    pub ignore: Vec<String>,
    /// `--failure-threshold`: wins over the configuration's.
    pub failure_threshold: Option<dflint_rules::Severity>,
}

impl Overrides {
    /// Checks the rule names once, before any file is read.
    pub fn validate(&self) -> Result<(), String> {
        let mut s = Settings::default();
        self.apply(&mut s)
    }

    fn apply(&self, s: &mut Settings) -> Result<(), String> {
        s.apply(self.select.as_deref(), &[], &Default::default())
            .map_err(|e| format!("--{e}"))?;
        for code in dflint_rules::config::resolve_all(&self.extend_select, "extend-select")
            .map_err(|e| format!("--{e}"))?
        {
            s.enable(code);
        }
        s.apply(None, &self.ignore, &Default::default())
            .map_err(|e| format!("--{e}"))?;
        if let Some(t) = self.failure_threshold {
            s.failure_threshold = t;
        }
        Ok(())
    }
}

/// Finds, loads and caches configuration files.
pub struct Resolver {
    /// `--config FILE`, loaded once; wins over discovery.
    explicit: Option<Result<Arc<Config>, ConfigError>>,
    /// Folder → nearest config file (absolute), or none.
    nearest: HashMap<PathBuf, Option<PathBuf>>,
    /// Config file → loaded config or its error.
    loaded: HashMap<PathBuf, Result<Arc<Config>, ConfigError>>,
    overrides: Overrides,
}

impl Resolver {
    pub fn new(explicit: Option<&Path>, overrides: Overrides) -> Resolver {
        Resolver {
            explicit: explicit.map(|p| Config::load(p).map(Arc::new)),
            nearest: HashMap::new(),
            loaded: HashMap::new(),
            overrides,
        }
    }

    /// The settings for a file (`file` need not exist: stdin's `--stdin-filename`).
    pub fn settings_for(&mut self, file: &Path) -> Result<Settings, ConfigError> {
        let abs = absolute(file);
        let config = match &self.explicit {
            Some(c) => Some(c.clone()?),
            None => {
                let dir = abs.parent().unwrap_or(Path::new("/")).to_path_buf();
                match self.nearest_config(&dir) {
                    Some(path) => Some(
                        self.loaded
                            .entry(path.clone())
                            .or_insert_with(|| Config::load(&path).map(Arc::new))
                            .clone()?,
                    ),
                    None => None,
                }
            }
        };
        let mut settings = match &config {
            Some(c) => c.settings_for(&abs).map_err(|message| ConfigError {
                file: c.path.clone().unwrap_or_default(),
                message,
            })?,
            None => Settings::default(),
        };
        self.overrides
            .apply(&mut settings)
            .map_err(|message| ConfigError {
                file: PathBuf::from("command line"),
                message,
            })?;
        Ok(settings)
    }

    /// The nearest configuration file in `dir` or above, remembering the answer for every folder
    /// on the way.
    fn nearest_config(&mut self, dir: &Path) -> Option<PathBuf> {
        let mut visited = Vec::new();
        let mut cur = Some(dir);
        let found = loop {
            let Some(d) = cur else { break None };
            if let Some(hit) = self.nearest.get(d) {
                break hit.clone();
            }
            visited.push(d.to_path_buf());
            if let Some(p) = dflint_rules::config::CONFIG_NAMES
                .iter()
                .map(|n| d.join(n))
                .find(|p| p.is_file())
            {
                break Some(p);
            }
            cur = d.parent();
        };
        for d in visited {
            self.nearest.insert(d, found.clone());
        }
        found
    }
}

/// The absolute form of a path, without touching the file system beyond the working directory.
pub fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}
