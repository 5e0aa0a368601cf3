//! Settings: the editor's (`initializationOptions`, `workspace/configuration` section `dflint`)
//! and the project's `dflint.toml`, found upward from each document and cached until a watched
//! file says it changed.
//!
//! Precedence: `configPath` when the editor names a file; otherwise the nearest `dflint.toml`;
//! the editor's `select`/`ignore`/`severity` apply only when there is no configuration file, so
//! that the project's file gives the same answers in the editor as `dflint check` in CI.

use dflint_context::BuildContext;
use dflint_rules::{Config, Settings};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What the editor may set.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct ClientSettings {
    /// A configuration file to use instead of the nearest `dflint.toml`.
    pub config_path: Option<String>,
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub severity: BTreeMap<String, String>,
    /// Publish diagnostics (default true); clients that pull may turn it off.
    pub push_diagnostics: Option<bool>,
}

impl ClientSettings {
    /// Reads settings from a JSON value: the object itself or its `dflint` member; `null` and
    /// anything unreadable give `None`.
    pub fn from_json(v: &serde_json::Value) -> Option<ClientSettings> {
        let v = v.get("dflint").unwrap_or(v);
        if !v.is_object() {
            return None;
        }
        serde_json::from_value(v.clone()).ok()
    }
}

/// The settings and build context for one document, and any problem found on the way.
pub struct Environment {
    pub settings: Arc<Settings>,
    pub context: Option<Arc<BuildContext>>,
    pub config_error: Option<String>,
}

#[derive(Default)]
pub struct Cache {
    configs: Mutex<HashMap<PathBuf, Result<Arc<Config>, String>>>,
    found: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    contexts: Mutex<HashMap<PathBuf, Arc<BuildContext>>>,
}

impl Cache {
    /// Forgets configuration files (a `dflint.toml` was created, changed or deleted).
    pub fn clear_configs(&self) {
        lock(&self.configs).clear();
        lock(&self.found).clear();
    }

    /// Forgets build contexts (a `.dockerignore` changed).
    pub fn clear_contexts(&self) {
        lock(&self.contexts).clear();
    }

    fn config(&self, path: &Path) -> Result<Arc<Config>, String> {
        lock(&self.configs)
            .entry(path.to_path_buf())
            .or_insert_with(|| Config::load(path).map(Arc::new).map_err(|e| e.to_string()))
            .clone()
    }

    fn find(&self, dir: &Path) -> Option<PathBuf> {
        lock(&self.found)
            .entry(dir.to_path_buf())
            .or_insert_with(|| Config::find(dir))
            .clone()
    }

    /// The settings and build context for a document at `path` (none for unsaved buffers).
    pub fn environment(&self, client: &ClientSettings, path: Option<&Path>) -> Environment {
        let dir = path.and_then(Path::parent);
        let config_path = match &client.config_path {
            Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
            _ => dir.and_then(|d| self.find(d)),
        };
        let mut config_error = None;
        let settings = match config_path {
            Some(cp) => match self
                .config(&cp)
                .and_then(|c| c.settings_for(path.unwrap_or(Path::new(""))))
            {
                Ok(s) => s,
                Err(e) => {
                    config_error = Some(e);
                    Settings::default()
                }
            },
            None => {
                let mut s = Settings::default();
                if let Err(e) = s.apply(client.select.as_deref(), &client.ignore, &client.severity)
                {
                    config_error = Some(format!("editor settings: {e}"));
                    s = Settings::default();
                }
                s
            }
        };
        let context = match (dir, path) {
            (Some(dir), Some(file)) => Some(
                lock(&self.contexts)
                    .entry(file.to_path_buf())
                    .or_insert_with(|| Arc::new(BuildContext::open(dir, file)))
                    .clone(),
            ),
            _ => None,
        };
        Environment {
            settings: Arc::new(settings),
            context,
            config_error,
        }
    }
}

/// Locks a mutex, recovering it if a panicking handler poisoned it.
pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
