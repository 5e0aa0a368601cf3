//! Step accounting from the classic builder's output.
//!
//! The classic builder (API `/build` with `version=1`) reports progress as text lines:
//!
//! ```text
//! Step 2/4 : RUN echo hi > /x
//!  ---> Using cache
//!  ---> 6add689dcc21
//! Step 3/4 : CMD ["cat","/x"]
//!  ---> Running in 444cda98a28f
//! Removing intermediate container 444cda98a28f
//!  ---> 776d214defa4
//! Successfully built 776d214defa4
//! ```
//!
//! [`StepParser`] turns them into [`Step`]s so callers can count which steps came from the cache
//! and which ran again. Lines may arrive split across stream messages; the parser buffers
//! partial lines.
//!
//! Build labels (`labels=` on `/build`) are applied by the classic builder as one extra
//! `LABEL` instruction appended to the last stage, counted in the `Step N/M` total. That step
//! is marked [`Step::injected`] and left out of the counts.

use serde::Serialize;

/// What happened to one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepStatus {
    /// A `FROM` step: the base image was resolved (neither cached nor run).
    Base,
    /// The builder reused an image from its cache (`---> Using cache`).
    Cached,
    /// The builder executed the step and committed a new image.
    Ran,
    /// The build stopped with an error during this step.
    Failed,
    /// The step started but neither finished nor failed (timeout, dropped connection).
    Incomplete,
}

/// One `Step N/M : ...` of a classic build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// 1-based step number as printed (`N` in `Step N/M`).
    pub number: usize,
    /// Total steps as printed (`M`), including an injected label step.
    pub total: usize,
    /// The instruction as the builder printed it (`RUN echo hi > /x`).
    pub instruction: String,
    /// What happened.
    pub status: StepStatus,
    /// The image the step resulted in (short id as printed), if it finished.
    pub image_id: Option<String>,
    /// The intermediate container the step ran in, if it ran one.
    pub container_id: Option<String>,
    /// True for the `LABEL dflint.verify=...` step the builder appends for build labels.
    pub injected: bool,
}

impl Step {
    /// The instruction keyword in upper case (`RUN`, `COPY`, ...).
    pub fn keyword(&self) -> String {
        self.instruction
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase()
    }
}

/// Counts over the steps of a build, leaving out `FROM` and the injected label step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StepCounts {
    /// Steps of the Dockerfile that were reported (excludes the injected label step).
    pub total: usize,
    /// `FROM` steps.
    pub base: usize,
    /// Steps reused from the cache.
    pub cached: usize,
    /// Steps that ran (again).
    pub ran: usize,
    /// Steps that failed or did not finish.
    pub unfinished: usize,
}

/// Counts the statuses of `steps` (the injected label step is skipped).
pub fn count_steps(steps: &[Step]) -> StepCounts {
    let mut c = StepCounts::default();
    for s in steps.iter().filter(|s| !s.injected) {
        c.total += 1;
        match s.status {
            StepStatus::Base => c.base += 1,
            StepStatus::Cached => c.cached += 1,
            StepStatus::Ran => c.ran += 1,
            StepStatus::Failed | StepStatus::Incomplete => c.unfinished += 1,
        }
    }
    c
}

/// Incremental parser of the classic builder's text stream.
#[derive(Debug, Default)]
pub struct StepParser {
    partial: String,
    steps: Vec<Step>,
    cached: bool,
    built: Option<String>,
    injected_label: Option<String>,
}

impl StepParser {
    /// A parser; `injected_label` is the `key=value` of the build label, so its appended
    /// `LABEL` step can be recognised.
    pub fn new(injected_label: Option<String>) -> Self {
        StepParser {
            injected_label,
            ..Default::default()
        }
    }

    /// Feeds one chunk of the `stream` text.
    pub fn feed(&mut self, chunk: &str) {
        self.partial.push_str(chunk);
        while let Some(nl) = self.partial.find('\n') {
            let line: String = self.partial.drain(..=nl).collect();
            self.line(line.trim_end_matches(['\n', '\r']));
        }
    }

    fn line(&mut self, line: &str) {
        if let Some(rest) = line.strip_prefix("Step ") {
            if let Some(step) = parse_step_header(rest) {
                self.finish_open_step(StepStatus::Incomplete);
                let injected = self.injected_label.as_deref().is_some_and(|label| {
                    step.2
                        .strip_prefix("LABEL ")
                        .is_some_and(|l| l.trim() == label)
                        && step.0 == step.1
                });
                self.steps.push(Step {
                    number: step.0,
                    total: step.1,
                    instruction: step.2,
                    status: StepStatus::Incomplete,
                    image_id: None,
                    container_id: None,
                    injected,
                });
                self.cached = false;
                return;
            }
        }
        if let Some(rest) = line.strip_prefix(" ---> ") {
            let rest = rest.trim();
            if rest == "Using cache" {
                self.cached = true;
            } else if let Some(id) = rest.strip_prefix("Running in ") {
                if is_hex_id(id) {
                    if let Some(step) = self.open_step() {
                        step.container_id = Some(id.to_string());
                    }
                }
            } else if is_hex_id(rest) {
                let cached = self.cached;
                if let Some(step) = self.open_step() {
                    step.image_id = Some(rest.to_string());
                    step.status = if step.keyword() == "FROM" {
                        StepStatus::Base
                    } else if cached {
                        StepStatus::Cached
                    } else {
                        StepStatus::Ran
                    };
                }
            }
            return;
        }
        if let Some(id) = line.strip_prefix("Successfully built ") {
            let id = id.trim();
            if is_hex_id(id) {
                self.built = Some(id.to_string());
            }
        }
    }

    fn open_step(&mut self) -> Option<&mut Step> {
        self.steps
            .last_mut()
            .filter(|s| s.status == StepStatus::Incomplete)
    }

    fn finish_open_step(&mut self, status: StepStatus) {
        if let Some(step) = self.open_step() {
            step.status = status;
        }
    }

    /// Marks the step that was running as failed (call when the stream reports an error).
    pub fn fail(&mut self) {
        self.flush();
        self.finish_open_step(StepStatus::Failed);
    }

    /// Processes a trailing line without a newline.
    pub fn flush(&mut self) {
        if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.line(line.trim_end_matches('\r'));
        }
    }

    /// The steps seen so far.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The id from `Successfully built <id>`, if seen.
    pub fn built(&self) -> Option<&str> {
        self.built.as_deref()
    }

    /// Finishes and returns the steps.
    pub fn finish(mut self) -> (Vec<Step>, Option<String>) {
        self.flush();
        (self.steps, self.built)
    }
}

fn parse_step_header(rest: &str) -> Option<(usize, usize, String)> {
    let (nums, instruction) = rest.split_once(" : ")?;
    let (n, m) = nums.split_once('/')?;
    Some((
        n.trim().parse().ok()?,
        m.trim().parse().ok()?,
        instruction.to_string(),
    ))
}

fn is_hex_id(s: &str) -> bool {
    let s = s.strip_prefix("sha256:").unwrap_or(s);
    s.len() >= 12 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, label: Option<&str>) -> (Vec<Step>, Option<String>) {
        let mut p = StepParser::new(label.map(str::to_string));
        // Feed in awkward pieces to exercise line buffering.
        for piece in text.as_bytes().chunks(7) {
            p.feed(std::str::from_utf8(piece).unwrap());
        }
        p.finish()
    }

    #[test]
    fn fresh_and_cached_steps() {
        let log = "Step 1/4 : FROM busybox:1.36\n ---> 2ffffcada137\nStep 2/4 : RUN echo hi > /x\n ---> Using cache\n ---> 6add689dcc21\nStep 3/4 : CMD [\"cat\",\"/x\"]\n ---> Running in 444cda98a28f\nRemoving intermediate container 444cda98a28f\n ---> 776d214defa4\nStep 4/4 : LABEL dflint.verify=r1\n ---> Running in 03c4ff7e8b50\nRemoving intermediate container 03c4ff7e8b50\n ---> 2b4758876973\nSuccessfully built 2b4758876973\n";
        let (steps, built) = parse(log, Some("dflint.verify=r1"));
        assert_eq!(built.as_deref(), Some("2b4758876973"));
        let statuses: Vec<_> = steps.iter().map(|s| s.status).collect();
        assert_eq!(
            statuses,
            [
                StepStatus::Base,
                StepStatus::Cached,
                StepStatus::Ran,
                StepStatus::Ran
            ]
        );
        assert_eq!(steps[2].container_id.as_deref(), Some("444cda98a28f"));
        assert_eq!(steps[1].image_id.as_deref(), Some("6add689dcc21"));
        assert!(steps[3].injected && !steps[2].injected);
        let c = count_steps(&steps);
        assert_eq!(
            c,
            StepCounts {
                total: 3,
                base: 1,
                cached: 1,
                ran: 1,
                unfinished: 0
            }
        );
    }

    #[test]
    fn failed_step_and_run_output_lines() {
        let log = "Step 1/3 : FROM busybox:1.36\n ---> 2ffffcada137\nStep 2/3 : RUN echo ' ---> Using cache'; false\n ---> Running in c595ed0137e5\n ---> not an id\n";
        let mut p = StepParser::new(None);
        p.feed(log);
        p.fail();
        let (steps, built) = p.finish();
        assert_eq!(built, None);
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[1].status, StepStatus::Failed);
        assert_eq!(steps[1].instruction, "RUN echo ' ---> Using cache'; false");
        assert_eq!(count_steps(&steps).unfinished, 1);
    }

    #[test]
    fn a_user_label_step_is_not_the_injected_one() {
        let log = "Step 1/3 : FROM busybox\n ---> 2ffffcada137\nStep 2/3 : LABEL dflint.verify=r1\n ---> Running in c595ed0137e5\n ---> 6add689dcc21\nStep 3/3 : LABEL dflint.verify=r1\n ---> Running in c595ed0137e6\n ---> 6add689dcc22\n";
        let (steps, _) = parse(log, Some("dflint.verify=r1"));
        assert!(!steps[1].injected);
        assert!(steps[2].injected);
    }

    #[test]
    fn unterminated_step_is_incomplete() {
        let (steps, _) = parse(
            "Step 1/2 : FROM busybox\n ---> 2ffffcada137\nStep 2/2 : RUN sleep 100\n ---> Running in c595ed0137e5",
            None,
        );
        assert_eq!(steps[1].status, StepStatus::Incomplete);
        assert_eq!(steps[1].container_id.as_deref(), Some("c595ed0137e5"));
    }
}
