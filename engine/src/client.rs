//! The connection to a Docker engine, builds, image configs and cleanup.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bollard::errors::Error as BollardError;
use bollard::query_parameters::{
    BuildImageOptionsBuilder, ListContainersOptionsBuilder, ListImagesOptionsBuilder,
    RemoveContainerOptionsBuilder, RemoveImageOptionsBuilder,
};
use bollard::Docker;
use futures_util::StreamExt;
use serde::Serialize;

use crate::context::ContextTar;
use crate::error::{EngineError, Result};
use crate::steps::{count_steps, Step, StepCounts, StepParser};

/// The label key put on every image (as a build label) and container dflint creates.
pub const LABEL: &str = "dflint.verify";

/// The address used when `DOCKER_HOST` is unset or empty.
pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

/// How long connecting (ping + version negotiation) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

/// bollard's own per-request timeout. Builds have their own timeout ([`BuildOptions::timeout`]),
/// so this only needs to be larger than any build: it bounds the wait for response headers,
/// which the engine sends only after it has read the whole context.
const REQUEST_TIMEOUT_SECS: u64 = 24 * 60 * 60;

/// A connected Docker engine.
///
/// Cheap to clone; clones share the record of what builds created, which
/// [`Engine::cleanup`] uses to remove intermediate images that carry no label.
#[derive(Clone)]
pub struct Engine {
    docker: Docker,
    addr: String,
    api_version: String,
    server_version: String,
    created: Arc<Mutex<HashMap<String, Created>>>,
}

#[derive(Debug, Default, Clone)]
struct Created {
    images: Vec<String>,
    containers: Vec<String>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("addr", &self.addr)
            .field("api_version", &self.api_version)
            .field("server_version", &self.server_version)
            .finish_non_exhaustive()
    }
}

/// Options of one build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The run this build belongs to: the value of the [`LABEL`] on everything it creates.
    pub run_id: String,
    /// Network mode of the build's RUN steps: `none` unless asked otherwise.
    pub network: String,
    /// The build is abandoned (and counted as failed, `timed_out`) after this long.
    pub timeout: Duration,
    /// `--target` stage.
    pub target: Option<String>,
    /// Tag for the result (`name:tag`). None leaves it untagged (recommended: cleanup then
    /// never has to touch a name).
    pub tag: Option<String>,
    /// `--build-arg`s.
    pub build_args: BTreeMap<String, String>,
    /// Disable the build cache.
    pub no_cache: bool,
}

impl BuildOptions {
    /// Defaults for a run: network `none`, 10 minute timeout, no target, no tag.
    pub fn new(run_id: impl Into<String>) -> Self {
        BuildOptions {
            run_id: run_id.into(),
            network: "none".to_string(),
            timeout: Duration::from_secs(600),
            target: None,
            tag: None,
            build_args: BTreeMap::new(),
            no_cache: false,
        }
    }
}

/// What a build did.
#[derive(Debug, Clone, Serialize)]
pub struct BuildOutcome {
    /// The build finished and produced an image.
    pub ok: bool,
    /// The engine's error message when it did not (e.g. `COPY failed: file not found in build
    /// context or excluded by .dockerignore: stat missing.txt: file does not exist`).
    pub error: Option<String>,
    /// The build was abandoned after [`BuildOptions::timeout`].
    pub timed_out: bool,
    /// The builder's output as streamed, including RUN output.
    pub log: String,
    /// The resulting image (`sha256:...`).
    pub image_id: Option<String>,
    /// Its size in bytes.
    pub image_size: Option<i64>,
    /// The steps as reported by the classic builder.
    pub steps: Vec<Step>,
    /// Wall time of the build.
    pub seconds: f64,
}

impl BuildOutcome {
    /// Counts of cached / ran steps (without `FROM` and the injected label step).
    pub fn counts(&self) -> StepCounts {
        count_steps(&self.steps)
    }
}

/// The parts of an image's configuration that a fix must not change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImageConfig {
    /// `Cmd`.
    pub cmd: Option<Vec<String>>,
    /// `Entrypoint`.
    pub entrypoint: Option<Vec<String>>,
    /// `Env`, in the image's order.
    pub env: Vec<String>,
    /// `User` (empty when unset).
    pub user: String,
    /// `WorkingDir` (empty when unset).
    pub working_dir: String,
    /// `ExposedPorts` (`80/tcp`), sorted.
    pub exposed_ports: Vec<String>,
    /// `Labels`, without dflint's own [`LABEL`].
    pub labels: BTreeMap<String, String>,
}

/// What [`Engine::cleanup`] removed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CleanupReport {
    /// Containers removed.
    pub containers: Vec<String>,
    /// Images removed (ids or tags as passed to the engine).
    pub images: Vec<String>,
    /// Objects that could not be removed, with the reason (e.g. an intermediate image that
    /// someone else's image now builds on: left alone on purpose).
    pub kept: Vec<String>,
}

/// Objects carrying dflint's label.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Labelled {
    /// Image ids.
    pub images: Vec<String>,
    /// Container ids.
    pub containers: Vec<String>,
}

impl Labelled {
    /// True when nothing carries the label.
    pub fn is_empty(&self) -> bool {
        self.images.is_empty() && self.containers.is_empty()
    }
}

/// A fresh run id: `dflint-<pid>-<time in ns, base 36>`; unique on one machine.
pub fn new_run_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("dflint-{}-{}", std::process::id(), base36(nanos))
}

fn base36(mut n: u128) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The engine address from `DOCKER_HOST`, or [`DEFAULT_HOST`].
pub fn docker_host() -> String {
    std::env::var("DOCKER_HOST")
        .ok()
        .filter(|h| !h.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_HOST.to_string())
}

impl Engine {
    /// Connects to the engine named by `DOCKER_HOST` (default `unix:///var/run/docker.sock`).
    pub async fn connect() -> Result<Engine> {
        Self::connect_to(&docker_host()).await
    }

    /// Connects to `addr`: `unix:///path`, a bare `/path` to a socket, `tcp://host:port`,
    /// `http://host:port` or `ssh://[user@]host[:port]` (through the system's ssh client).
    /// Pings the engine and negotiates the API version down to what it supports.
    pub async fn connect_to(addr: &str) -> Result<Engine> {
        let addr = addr.trim().to_string();
        let docker = open(&addr)?;
        let no_engine = |cause: String| EngineError::NoEngine {
            addr: addr.clone(),
            cause,
        };
        let docker = match tokio::time::timeout(CONNECT_TIMEOUT, async {
            docker.ping().await?;
            docker.negotiate_version().await
        })
        .await
        {
            Err(_) => {
                return Err(no_engine(format!(
                    "no answer within {}s",
                    CONNECT_TIMEOUT.as_secs()
                )))
            }
            Ok(Err(e)) => return Err(no_engine(describe(&e))),
            Ok(Ok(d)) => d,
        };
        let version = docker
            .version()
            .await
            .map_err(|e| no_engine(describe(&e)))?;
        let v = docker.client_version();
        Ok(Engine {
            docker,
            addr,
            api_version: format!("{}.{}", v.major_version, v.minor_version),
            server_version: version.version.unwrap_or_default(),
            created: Arc::default(),
        })
    }

    /// The address connected to.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// The negotiated API version (`1.41`).
    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// The engine's version (`20.10.24+dfsg1`).
    pub fn server_version(&self) -> &str {
        &self.server_version
    }

    /// The underlying bollard client, for calls this crate does not wrap.
    pub fn docker(&self) -> &Docker {
        &self.docker
    }

    /// Builds `dockerfile` (a path inside the context) with the classic builder.
    ///
    /// A build the engine rejects or that fails is `Ok` with `ok: false`; `Err` means the
    /// engine could not be used (connection lost) or the context could not be read.
    pub async fn build(
        &self,
        context: ContextTar,
        dockerfile: &str,
        options: &BuildOptions,
    ) -> Result<BuildOutcome> {
        let started = Instant::now();
        let labels = HashMap::from([(LABEL.to_string(), options.run_id.clone())]);
        let mut query = BuildImageOptionsBuilder::new()
            .dockerfile(dockerfile)
            .rm(true)
            .forcerm(true)
            .nocache(options.no_cache)
            .networkmode(&options.network)
            .labels(&labels);
        if let Some(target) = &options.target {
            query = query.target(target);
        }
        if let Some(tag) = &options.tag {
            query = query.t(tag);
        }
        if !options.build_args.is_empty() {
            let args: HashMap<String, String> = options.build_args.clone().into_iter().collect();
            query = query.buildargs(&args);
        }
        let (body, writer) = context.stream().into_parts();
        let mut parser = StepParser::new(Some(format!("{LABEL}={}", options.run_id)));
        let mut log = String::new();
        let mut error: Option<String> = None;
        let mut aux_id: Option<String> = None;
        let mut transport_error: Option<BollardError> = None;

        let run = async {
            let mut stream =
                self.docker
                    .build_image(query.build(), None, Some(bollard::body_try_stream(body)));
            while let Some(item) = stream.next().await {
                match item {
                    Ok(info) => {
                        if let Some(text) = &info.stream {
                            log.push_str(text);
                            parser.feed(text);
                            // Recorded as they appear, so that a run interrupted mid-build
                            // (Ctrl-C drops this future) still knows what to remove.
                            self.record(&options.run_id, parser.steps());
                        }
                        if let Some(status) = &info.status {
                            log.push_str(status);
                            log.push('\n');
                        }
                        if let Some(aux) = info.aux.as_ref().and_then(|a| a.id.clone()) {
                            aux_id = Some(aux);
                        }
                    }
                    Err(BollardError::DockerStreamError { error: message }) => {
                        log.push_str(&message);
                        log.push('\n');
                        error = Some(message);
                        parser.fail();
                        break;
                    }
                    Err(BollardError::DockerResponseServerError { message, .. }) => {
                        // The engine refused the request: unparsable Dockerfile, unknown
                        // target, missing Dockerfile... A verdict on the input, not a
                        // broken engine.
                        log.push_str(&message);
                        log.push('\n');
                        error = Some(message);
                        parser.fail();
                        break;
                    }
                    Err(e) => {
                        transport_error = Some(e);
                        break;
                    }
                }
            }
        };
        let timed_out = tokio::time::timeout(options.timeout, run).await.is_err();
        // The request (and so the context stream) is dropped by now; collect the writer.
        let context_result = writer.result().await;
        let (steps, built) = parser.finish();
        self.record(&options.run_id, &steps);

        if let Err(e) = context_result {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                return Err(EngineError::Context(e));
            }
        }
        if let Some(e) = transport_error {
            return Err(EngineError::api("build", describe(&e)));
        }
        let mut outcome = BuildOutcome {
            ok: false,
            error,
            timed_out,
            log,
            image_id: None,
            image_size: None,
            steps,
            seconds: 0.0,
        };
        if timed_out {
            outcome.error = Some(format!(
                "the build did not finish within {}s",
                options.timeout.as_secs()
            ));
        } else if outcome.error.is_none() {
            let id = aux_id.or(built);
            match id {
                Some(id) => {
                    let inspect = self
                        .docker
                        .inspect_image(&id)
                        .await
                        .map_err(|e| EngineError::api(format!("inspect image {id}"), e))?;
                    let full = inspect.id.unwrap_or(id);
                    self.record_image(&options.run_id, &full);
                    outcome.image_size = inspect.size;
                    outcome.image_id = Some(full);
                    outcome.ok = true;
                }
                None => {
                    outcome.error = Some("the build ended without producing an image".into());
                }
            }
        }
        outcome.seconds = started.elapsed().as_secs_f64();
        Ok(outcome)
    }

    fn record(&self, run_id: &str, steps: &[Step]) {
        let mut created = self.created.lock().unwrap_or_else(|e| e.into_inner());
        let entry = created.entry(run_id.to_string()).or_default();
        for step in steps {
            if let Some(c) = &step.container_id {
                if !entry.containers.contains(c) {
                    entry.containers.push(c.clone());
                }
            }
            // Only images this build committed; a cached step's image may be someone else's.
            if step.status == crate::steps::StepStatus::Ran {
                if let Some(i) = &step.image_id {
                    if !entry.images.contains(i) {
                        entry.images.push(i.clone());
                    }
                }
            }
        }
    }

    fn record_image(&self, run_id: &str, id: &str) {
        let mut created = self.created.lock().unwrap_or_else(|e| e.into_inner());
        created
            .entry(run_id.to_string())
            .or_default()
            .images
            .push(id.to_string());
    }

    /// The configuration of `image` (an id or a name).
    pub async fn inspect_config(&self, image: &str) -> Result<ImageConfig> {
        let inspect = self
            .docker
            .inspect_image(image)
            .await
            .map_err(|e| EngineError::api(format!("inspect image {image}"), describe(&e)))?;
        let c = inspect.config.unwrap_or_default();
        let mut exposed_ports = c.exposed_ports.unwrap_or_default();
        exposed_ports.sort();
        let labels = c
            .labels
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| k != LABEL)
            .collect();
        Ok(ImageConfig {
            cmd: c.cmd,
            entrypoint: c.entrypoint,
            env: c.env.unwrap_or_default(),
            user: c.user.unwrap_or_default(),
            working_dir: c.working_dir.unwrap_or_default(),
            exposed_ports,
            labels,
        })
    }

    /// Images and containers carrying dflint's label: of `run_id`, or of any run when None.
    pub async fn labelled(&self, run_id: Option<&str>) -> Result<Labelled> {
        let filter = match run_id {
            Some(id) => format!("{LABEL}={id}"),
            None => LABEL.to_string(),
        };
        let filters = HashMap::from([("label".to_string(), vec![filter])]);
        let images = self
            .docker
            .list_images(Some(
                ListImagesOptionsBuilder::new()
                    .all(true)
                    .filters(&filters)
                    .build(),
            ))
            .await
            .map_err(|e| EngineError::api("list images", describe(&e)))?;
        let containers = self
            .docker
            .list_containers(Some(
                ListContainersOptionsBuilder::new()
                    .all(true)
                    .filters(&filters)
                    .build(),
            ))
            .await
            .map_err(|e| EngineError::api("list containers", describe(&e)))?;
        Ok(Labelled {
            images: images.into_iter().map(|i| i.id).collect(),
            containers: containers.into_iter().filter_map(|c| c.id).collect(),
        })
    }

    /// The ids of every image on the engine, intermediate ones included (`docker images -aq`);
    /// lets tests check that a run left nothing behind, labelled or not.
    pub async fn all_image_ids(&self) -> Result<Vec<String>> {
        let images = self
            .docker
            .list_images(Some(ListImagesOptionsBuilder::new().all(true).build()))
            .await
            .map_err(|e| EngineError::api("list images", describe(&e)))?;
        Ok(images.into_iter().map(|i| i.id).collect())
    }

    /// Removes one image (never forced). With `prune`, the engine also removes its untagged
    /// parents that nothing else uses, as `docker image rm` does: how a user clears what
    /// `dflint verify --keep` kept (`docker image rm $(docker images -q -f label=dflint.verify)`).
    pub async fn remove_image(&self, id: &str, prune: bool) -> Result<()> {
        let opts = RemoveImageOptionsBuilder::new().noprune(!prune).build();
        self.docker
            .remove_image(id, Some(opts), None)
            .await
            .map_err(|e| EngineError::api(format!("remove image {id}"), describe(&e)))?;
        Ok(())
    }

    /// Removes every container and image carrying `dflint.verify=<run_id>`, and the
    /// intermediate images and containers this engine's builds of that run created.
    ///
    /// Never forces the removal of an image: an image that a user's image builds on, or that
    /// a user tagged, stays (and is listed in [`CleanupReport::kept`]). Cached steps' images
    /// were not created by the run and are never touched.
    pub async fn cleanup(&self, run_id: &str) -> Result<CleanupReport> {
        let mut report = CleanupReport::default();
        let labelled = self.labelled(Some(run_id)).await?;
        let created = {
            let mut map = self.created.lock().unwrap_or_else(|e| e.into_inner());
            map.remove(run_id).unwrap_or_default()
        };

        let mut containers = labelled.containers.clone();
        containers.extend(created.containers.iter().cloned());
        dedup(&mut containers);
        for id in containers {
            let opts = RemoveContainerOptionsBuilder::new()
                .force(true)
                .v(true)
                .build();
            match self.docker.remove_container(&id, Some(opts)).await {
                Ok(()) => report.containers.push(id),
                Err(e) if is_not_found(&e) => {}
                Err(e) => report
                    .kept
                    .push(format!("container {id}: {}", describe(&e))),
            }
        }

        // Labelled (final) images first, then the intermediates this run committed, newest
        // first so children go before parents. `noprune`: the engine would otherwise also
        // delete untagged parents, which include cache images the run reused but did not
        // make (someone's earlier build).
        let mut images = labelled.images.clone();
        images.extend(created.images.iter().rev().cloned());
        dedup(&mut images);
        for id in images {
            // Tags given through BuildOptions::tag point at our labelled image; drop them.
            if labelled.images.contains(&id) {
                if let Ok(inspect) = self.docker.inspect_image(&id).await {
                    for tag in inspect.repo_tags.unwrap_or_default() {
                        let opts = RemoveImageOptionsBuilder::new().noprune(true).build();
                        let _ = self.docker.remove_image(&tag, Some(opts), None).await;
                    }
                }
            }
            let opts = RemoveImageOptionsBuilder::new()
                .force(false)
                .noprune(true)
                .build();
            match self.docker.remove_image(&id, Some(opts), None).await {
                Ok(_) => report.images.push(id),
                Err(e) if is_not_found(&e) => {}
                Err(e) => report.kept.push(format!("image {id}: {}", describe(&e))),
            }
        }
        Ok(report)
    }

    /// A guard that runs [`Engine::cleanup`] for `run_id` when dropped (unless disarmed).
    pub fn cleanup_guard(&self, run_id: impl Into<String>) -> crate::guard::CleanupGuard {
        crate::guard::CleanupGuard::new(self.clone(), run_id.into())
    }

    /// Spawns a task that, on Ctrl-C, cleans up `run_id` and exits the process with status
    /// 130. Abort the returned handle when the run is over.
    pub fn cleanup_on_ctrl_c(&self, run_id: impl Into<String>) -> tokio::task::JoinHandle<()> {
        let engine = self.clone();
        let run_id = run_id.into();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("dflint: interrupted; removing the images of run {run_id}");
                if let Err(e) = engine.cleanup(&run_id).await {
                    eprintln!("dflint: cleanup failed: {e}");
                }
                std::process::exit(130);
            }
        })
    }

    /// A new connection to the same address that shares this one's record of created objects
    /// (for use from another runtime, e.g. in a drop guard).
    pub(crate) async fn reconnect(&self) -> Result<Engine> {
        let mut fresh = Engine::connect_to(&self.addr).await?;
        fresh.created = self.created.clone();
        Ok(fresh)
    }
}

fn dedup(v: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|x| seen.insert(x.clone()));
}

fn is_not_found(e: &BollardError) -> bool {
    matches!(
        e,
        BollardError::DockerResponseServerError {
            status_code: 404,
            ..
        }
    )
}

/// A readable message for a bollard error (its Display can be terse or nested).
fn describe(e: &BollardError) -> String {
    match e {
        BollardError::DockerResponseServerError {
            status_code,
            message,
        } => format!("{message} (HTTP {status_code})"),
        other => {
            let mut msg = other.to_string();
            let mut source = std::error::Error::source(other);
            while let Some(s) = source {
                let text = s.to_string();
                if !msg.contains(&text) {
                    msg.push_str(": ");
                    msg.push_str(&text);
                }
                source = s.source();
            }
            msg
        }
    }
}

fn open(addr: &str) -> Result<Docker> {
    let unsupported = |reason: &str| EngineError::UnsupportedHost {
        addr: addr.to_string(),
        reason: reason.to_string(),
    };
    let version = bollard::API_DEFAULT_VERSION;
    let result = if let Some(path) = addr.strip_prefix("unix://") {
        if path.is_empty() {
            return Err(unsupported("no socket path after unix://"));
        }
        Docker::connect_with_unix(addr, REQUEST_TIMEOUT_SECS, version)
    } else if addr.starts_with('/') {
        Docker::connect_with_unix(addr, REQUEST_TIMEOUT_SECS, version)
    } else if addr.starts_with("tcp://") || addr.starts_with("http://") {
        if std::env::var("DOCKER_TLS_VERIFY").is_ok_and(|v| !v.is_empty()) {
            return Err(unsupported(
                "TLS (DOCKER_TLS_VERIFY) is not supported yet; use ssh:// or an unencrypted tcp:// engine on a trusted network",
            ));
        }
        Docker::connect_with_http(addr, REQUEST_TIMEOUT_SECS, version)
    } else if addr.starts_with("ssh://") {
        Docker::connect_with_ssh(addr, REQUEST_TIMEOUT_SECS, version, None)
    } else if addr.starts_with("https://") {
        return Err(unsupported("TLS (https://) is not supported yet"));
    } else if addr.starts_with("npipe://") {
        return Err(unsupported("named pipes exist on Windows only"));
    } else {
        return Err(unsupported(
            "expected unix://, tcp://, http:// or ssh:// (e.g. unix:///var/run/docker.sock)",
        ));
    };
    result.map_err(|e| EngineError::NoEngine {
        addr: addr.to_string(),
        cause: describe(&e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_ids_are_distinct_and_label_safe() {
        let a = new_run_id();
        std::thread::sleep(Duration::from_millis(2));
        let b = new_run_id();
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'));
    }

    #[tokio::test]
    async fn unsupported_hosts_are_named() {
        for addr in [
            "npipe:////./pipe/docker_engine",
            "https://x:2376",
            "ftp://x",
        ] {
            let err = Engine::connect_to(addr).await.unwrap_err();
            assert!(
                matches!(err, EngineError::UnsupportedHost { .. }),
                "{addr}: {err}"
            );
            assert!(err.to_string().contains(addr), "{err}");
            assert_eq!(err.exit_status(), 2);
        }
    }

    #[tokio::test]
    async fn closed_tcp_port_is_no_engine() {
        // Loopback only; port 1 (tcpmux) is closed here, so the connection is refused.
        let err = Engine::connect_to("tcp://127.0.0.1:1").await.unwrap_err();
        assert!(err.is_no_engine(), "{err}");
        assert!(err
            .to_string()
            .starts_with("no Docker engine at tcp://127.0.0.1:1; start one or set DOCKER_HOST"));
    }

    #[tokio::test]
    async fn missing_socket_is_no_engine() {
        let dir = tempfile::tempdir().unwrap();
        let addr = format!("unix://{}/docker.sock", dir.path().display());
        let err = Engine::connect_to(&addr).await.unwrap_err();
        assert!(err.is_no_engine(), "{err}");
        let msg = err.to_string();
        assert!(
            msg.starts_with(&format!(
                "no Docker engine at {addr}; start one or set DOCKER_HOST"
            )),
            "{msg}"
        );
    }
}
