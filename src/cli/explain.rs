//! `dflint explain CODE|NAME`: a rule's documentation, from its doc comment.

use clap::Args;
use dflint_rules::{FixKind, RuleMeta};

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// A rule code (`DF002`) or name (`from-first`).
    pub rule: String,
}

pub fn run(args: &ExplainArgs) -> i32 {
    let Some(meta) = dflint_rules::registry::lookup(&args.rule) else {
        let mut msg = format!("error: unknown rule `{}`", args.rule);
        if let Some(s) = suggest(&args.rule) {
            msg.push_str(&format!("; did you mean `{s}`?"));
        }
        eprintln!("{msg}\n(`dflint rules` lists every rule)");
        return 2;
    };
    print!("{}", explain(meta));
    0
}

/// The header line, the rule's facts, then its docs.
pub fn explain(m: &RuleMeta) -> String {
    let mut s = format!("# {} {}: {}\n\n", m.code, m.name, m.summary);
    s.push_str(&format!(
        "Severity: {}. Category: {}. {}\n",
        m.severity.as_str(),
        serde_json::to_value(m.category)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        if m.default_enabled {
            "On by default."
        } else {
            "Off by default (turn it on with --extend-select or `select` in dflint.toml)."
        }
    ));
    match m.fix {
        FixKind::None => {}
        FixKind::Safe => s.push_str("Fix: safe (applied by --fix).\n"),
        FixKind::Unsafe => s.push_str("Fix: unsafe (applied by --fix --unsafe-fixes).\n"),
    }
    if !m.hadolint.is_empty() {
        s.push_str(&format!("hadolint: {}\n", m.hadolint.join(", ")));
    }
    if !m.buildkit.is_empty() {
        s.push_str(&format!("BuildKit checks: {}\n", m.buildkit.join(", ")));
    }
    s.push('\n');
    s.push_str(m.docs.trim_end());
    s.push('\n');
    s
}

/// The closest code or name, when it is close enough to be a likely typo.
fn suggest(input: &str) -> Option<String> {
    let lower = input.to_ascii_lowercase();
    dflint_rules::registry::all()
        .iter()
        .map(|r| r.meta())
        .flat_map(|m| [m.code, m.name])
        .map(|cand| (distance(&lower, &cand.to_ascii_lowercase()), cand))
        .filter(|(d, cand)| *d <= (cand.len() / 3).max(2))
        .min()
        .map(|(_, c)| c.to_string())
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        assert_eq!(distance("from-frist", "from-first"), 2);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("df002", "df002"), 0);
    }
}
