//! The forms a label's value can be required to have by `label-schema` (not a rule itself): one
//! check per form (URL, RFC 3339 time, SPDX expression, git hash, semantic version, e-mail
//! address), and the loop the rules `label-not-*` share. A check returns `Err(why)`, `why`
//! phrased to follow the value in a message: "`v1.2` has a leading `v`".

use crate::config::LabelType;
use crate::model::{expand, labels, unquote, Model};
use crate::prelude::*;

/// Reports each label that `label-schema` gives the form `ty` and whose value `valid` rejects.
/// `what` completes "label `x` is not ...". Empty values are left to `empty-label`; a value
/// built from variables is checked only when the file gives every variable's value.
pub(crate) fn check_labels(
    cx: &RuleContext<'_>,
    meta: &'static RuleMeta,
    ty: LabelType,
    what: &str,
    valid: fn(&str) -> Result<(), String>,
    out: &mut Vec<Diagnostic>,
) {
    let schema = &cx.settings.label_schema;
    if !schema.values().any(|t| *t == ty) {
        return;
    }
    let model = cx.model;
    for label in labels(cx) {
        if schema.get(&label.name) != Some(&ty) {
            continue;
        }
        let Some(word) = &label.value else { continue };
        let Some((value, from_vars)) = resolve(model, label.instr, &word.text) else {
            continue;
        };
        if value.trim().is_empty() {
            continue;
        }
        if let Err(why) = valid(&value) {
            let shown = if from_vars {
                format!("`{value}` (the value of `{}`)", word.text)
            } else {
                format!("`{value}`")
            };
            out.push(Diagnostic::new(
                meta,
                word.range,
                format!("label `{}` is not {what}: {shown} {why}", label.name),
            ));
        }
    }
}

/// A label's value with quotes removed and variables expanded, and whether it had variables;
/// `None` when a variable's value is not in the file (an ARG without a default, an undefined
/// name).
fn resolve(model: &Model, instr: usize, text: &str) -> Option<(String, bool)> {
    if dflint_syntax::vars::references(text, model.escape).is_empty() {
        return Some((unquote(text), false));
    }
    let unknown = std::cell::Cell::new(false);
    let value = expand(&unquote(text), &|name| {
        let v = model.value_at(instr, name);
        unknown.set(unknown.get() || v.is_none());
        v
    });
    (!unknown.get()).then_some((value, true))
}

/// The first character of `s` that `ok` rejects, described for a message.
fn bad_char(s: &str, ok: impl Fn(char) -> bool) -> Option<String> {
    s.chars().find(|&c| !ok(c)).map(|c| match c {
        ' ' => "contains a space".to_string(),
        c if c.is_control() || c.is_whitespace() => format!("contains {c:?}"),
        c => format!("contains `{c}`"),
    })
}

// -- URL (RFC 3986 URI, as hadolint's parseURI) --

/// Schemes whose URLs name a host: `https:` alone or `https:///x` is not a usable address.
const HOST_SCHEMES: &[&str] = &[
    "http",
    "https",
    "ftp",
    "ftps",
    "ws",
    "wss",
    "git",
    "ssh",
    "git+ssh",
    "git+https",
    "sftp",
];

/// An absolute URI (RFC 3986): a scheme, then only characters a URI may hold, with `%`
/// followed by two hex digits; for the schemes that name a host, `//` and a host.
pub(crate) fn url(s: &str) -> Result<(), String> {
    let scheme_ok = |sc: &str| {
        sc.starts_with(|c: char| c.is_ascii_alphabetic())
            && sc
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    };
    let (scheme, rest) = match s.split_once(':') {
        Some((sc, rest)) if scheme_ok(sc) => (sc, rest),
        _ => return Err("has no scheme (`https://...`)".into()),
    };
    let uri_char = |c: char| c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c);
    if let Some(why) = bad_char(rest, uri_char) {
        return Err(format!("{why}: write it percent-encoded"));
    }
    let bytes = rest.as_bytes();
    for (i, _) in rest.match_indices('%') {
        let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
        if !(hex(i + 1) && hex(i + 2)) {
            return Err("has a `%` not followed by two hex digits".into());
        }
    }
    if rest.matches('#').count() > 1 {
        return Err("has more than one `#`".into());
    }
    let names_host = HOST_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str());
    let Some(after) = rest.strip_prefix("//") else {
        return match names_host {
            true => Err(format!("has no host (`{scheme}://host/...`)")),
            false => Ok(()),
        };
    };
    let authority = after.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) if !p.contains(']') => (h, Some(p)),
        _ => (host_port, None),
    };
    if port.is_some_and(|p| !p.chars().all(|c| c.is_ascii_digit())) {
        return Err("has a port that is not a number".into());
    }
    if names_host && host.is_empty() {
        return Err("has no host".into());
    }
    if host.contains(['[', ']']) && !(host.starts_with('[') && host.ends_with(']')) {
        return Err("has `[` or `]` outside an IPv6 address".into());
    }
    Ok(())
}

// -- RFC 3339 date and time --

/// An RFC 3339 `date-time`: `2024-05-01T12:30:00Z`, with optional fractions of a second and a
/// `Z` or `±hh:mm` offset; `T` and `Z` may be lower case. The date must exist.
pub(crate) fn rfc3339(s: &str) -> Result<(), String> {
    const FORM: &str = "is not `YYYY-MM-DDThh:mm:ssZ` (or with an offset: `+02:00`)";
    let b = s.as_bytes();
    let num = |at: usize, len: usize| -> Option<u32> {
        let d = b.get(at..at + len)?;
        d.iter()
            .all(u8::is_ascii_digit)
            .then(|| d.iter().fold(0, |n, c| n * 10 + u32::from(c - b'0')))
    };
    let sep = |at: usize, c: u8| b.get(at) == Some(&c);
    let (Some(year), Some(month), Some(day)) = (num(0, 4), num(5, 2), num(8, 2)) else {
        return Err(FORM.into());
    };
    if !(sep(4, b'-') && sep(7, b'-')) {
        return Err(FORM.into());
    }
    if b.len() == 10 {
        return Err("has no time (`T00:00:00Z`)".into());
    }
    match b.get(10) {
        Some(b'T' | b't') => {}
        Some(b' ') => return Err("separates the date and the time with a space, not `T`".into()),
        _ => return Err(FORM.into()),
    }
    let (Some(hour), Some(minute), Some(second)) = (num(11, 2), num(14, 2), num(17, 2)) else {
        return Err(FORM.into());
    };
    if !(sep(13, b':') && sep(16, b':')) {
        return Err(FORM.into());
    }
    let mut at = 19;
    if sep(at, b'.') {
        let digits = b[at + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits == 0 {
            return Err(FORM.into());
        }
        at += 1 + digits;
    }
    match b.get(at) {
        Some(b'Z' | b'z') if b.len() == at + 1 => {}
        Some(b'+' | b'-') if b.len() == at + 6 && sep(at + 3, b':') => {
            let (Some(h), Some(m)) = (num(at + 1, 2), num(at + 4, 2)) else {
                return Err(FORM.into());
            };
            if h > 23 || m > 59 {
                return Err(format!("has the offset `{}`, out of range", &s[at..]));
            }
        }
        None => return Err("has no time zone offset (`Z` or `+02:00`)".into()),
        _ => return Err(FORM.into()),
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(format!("has the month {month:02}, out of range")),
    };
    if day == 0 || day > days {
        return Err(format!(
            "has the day {day:02}, not a day of {year}-{month:02}"
        ));
    }
    // A leap second (`:60`) is allowed, as RFC 3339 allows it.
    if hour > 23 || minute > 59 || second > 60 {
        return Err(format!("has the time `{}`, out of range", &s[11..19]));
    }
    Ok(())
}

// -- SPDX license expression --

/// An SPDX license expression (SPDX spec, annex D): ids from the SPDX license list (the
/// [`spdx`] crate's copy; deprecated ids such as `GPL-2.0` are still ids), `LicenseRef-`s,
/// `+`, `WITH` an exception, `AND`, `OR` and parentheses. Ids are compared as the list writes
/// them: `mit` is reported, with `MIT` suggested.
pub(crate) fn spdx(s: &str) -> Result<(), String> {
    // Deprecated ids are still ids (`GPL-2.0`, and `GPL-2.0+`, which the list spells so).
    let mode = spdx::ParseMode {
        allow_deprecated: true,
        allow_postfix_plus_on_gpl: true,
        ..spdx::ParseMode::STRICT
    };
    // With `+` allowed on GNU ids, the crate no longer rejects `GPL-2.0-only+`.
    if let Some(t) = s
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .find(|t| t.ends_with("-only+") || t.ends_with("-or-later+"))
    {
        return Err(format!("has `{t}`: `-only` and `-or-later` take no `+`"));
    }
    let e = match spdx::Expression::parse_mode(s, mode) {
        Ok(_) => return Ok(()),
        Err(e) => e,
    };
    // What the crate's lenient reading makes of it (`mit/apache 2.0`), offered as a guess.
    let guess = spdx::Expression::canonicalize(s)
        .ok()
        .flatten()
        .filter(|c| spdx::Expression::parse_mode(c, mode).is_ok())
        .map(|c| format!(" (perhaps `{c}`?)"))
        .unwrap_or_default();
    let term = s.get(e.span.clone()).unwrap_or("");
    use spdx::error::Reason;
    let why = match e.reason {
        Reason::UnknownTerm | Reason::UnknownLicense | Reason::UnknownException => {
            let canonical = spdx::identifiers::LICENSES
                .iter()
                .map(|l| l.name)
                .chain(spdx::identifiers::EXCEPTIONS.iter().map(|x| x.name))
                .find(|n| n.eq_ignore_ascii_case(term.trim_end_matches('+')));
            match canonical {
                Some(n) => return Err(format!("has `{term}`: the SPDX list writes it `{n}`")),
                None => format!("has `{term}`, which is not an SPDX license id"),
            }
        }
        Reason::InvalidCharacters if term.starts_with('/') => {
            "has `/`: write ` OR ` between licenses".to_string()
        }
        Reason::UnclosedParens => "has an unclosed `(`".to_string(),
        Reason::UnopenedParens => "has a `)` without its `(`".to_string(),
        reason if term.is_empty() => format!("ends early: {reason}"),
        reason => format!("has `{term}`: {reason}"),
    };
    Err(why + &guess)
}

// -- git commit hash --

/// A full git object name: 40 (SHA-1) or 64 (SHA-256) lower-case hex digits, as
/// `git rev-parse HEAD` prints it.
pub(crate) fn git_hash(s: &str) -> Result<(), String> {
    if s.chars()
        .any(|c| c.is_ascii_hexdigit() && c.is_ascii_uppercase())
        && s.is_ascii()
    {
        return Err("has upper-case hex digits (git writes hashes in lower case)".into());
    }
    if let Some(why) = bad_char(s, |c| c.is_ascii_digit() || ('a'..='f').contains(&c)) {
        return Err(format!("{why}, not a hex digit"));
    }
    match s.len() {
        40 | 64 => Ok(()),
        n => Err(format!(
            "has {n} digits: a full hash has 40 (SHA-1) or 64 (SHA-256)"
        )),
    }
}

// -- semantic version --

/// A semantic version 2.0.0: `MAJOR.MINOR.PATCH`, then optionally `-pre.release` (numeric
/// parts without leading zeros) and `+build.metadata`; parts are ASCII letters, digits and `-`.
pub(crate) fn semver(s: &str) -> Result<(), String> {
    if let Some(rest) = s.strip_prefix(['v', 'V']) {
        if semver(rest).is_ok() {
            return Err("has a leading `v`, which is not part of a semantic version".into());
        }
    }
    let (rest, build) = match s.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (s, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    if numbers.len() != 3 {
        return Err("is not `MAJOR.MINOR.PATCH` (three numbers)".into());
    }
    for n in numbers {
        if n.is_empty() || !n.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("has `{n}` where a number belongs"));
        }
        if n.len() > 1 && n.starts_with('0') {
            return Err(format!("has `{n}`: numbers have no leading zeros"));
        }
    }
    let idents = |part: &str, what: &str, numeric_no_zero: bool| -> Result<(), String> {
        for id in part.split('.') {
            if id.is_empty() {
                return Err(format!("has an empty {what} identifier"));
            }
            if let Some(why) = bad_char(id, |c| c.is_ascii_alphanumeric() || c == '-') {
                return Err(format!("{why} in its {what}"));
            }
            let numeric = id.chars().all(|c| c.is_ascii_digit());
            if numeric_no_zero && numeric && id.len() > 1 && id.starts_with('0') {
                return Err(format!(
                    "has `{id}` in its {what}: numbers have no leading zeros"
                ));
            }
        }
        Ok(())
    };
    if let Some(pre) = pre {
        idents(pre, "pre-release", true)?;
    }
    if let Some(build) = build {
        idents(build, "build metadata", false)?;
    }
    Ok(())
}

// -- e-mail address --

/// An RFC 5322 `addr-spec`, pragmatically: `local@domain`, the local part a dot-atom or a
/// quoted string, the domain a host name (labels of letters, digits and `-`) or an address
/// literal in brackets; ASCII only, no comments, at most 64 characters before the `@` and 255
/// after it. `Jane <jane@example.org>` is a name and an address, not an address.
pub(crate) fn email(s: &str) -> Result<(), String> {
    if s.contains('<') && s.ends_with('>') {
        return Err("is a name with an address: give only the address (`name@example.org`)".into());
    }
    let Some(at) = s.rfind('@') else {
        return Err("has no `@`".into());
    };
    let (local, domain) = (&s[..at], &s[at + 1..]);
    if local.is_empty() {
        return Err("has nothing before the `@`".into());
    }
    if domain.is_empty() {
        return Err("has nothing after the `@`".into());
    }
    if local.len() > 64 {
        return Err("has more than 64 characters before the `@`".into());
    }
    if domain.len() > 255 {
        return Err("has more than 255 characters after the `@`".into());
    }
    let printable = |c: char| c.is_ascii_graphic() || c == ' ';
    if let Some(q) = local.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
        // quoted-string: printable ASCII, `"` and `\` only escaped.
        let mut chars = q.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' if chars.next().is_some_and(printable) => {}
                '"' | '\\' => return Err(format!("has an unescaped `{c}` in its quoted part")),
                c if !printable(c) => return Err(format!("contains {c:?}")),
                _ => {}
            }
        }
    } else {
        let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
        if local.split('.').any(str::is_empty) {
            return Err("has an empty part (`..`, or a `.` at an end) before the `@`".into());
        }
        if let Some(why) = bad_char(local, |c| atext(c) || c == '.') {
            return Err(format!("{why} before the `@`"));
        }
    }
    if let Some(lit) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        // domain-literal: printable ASCII but `[`, `]` and `\`.
        if let Some(why) = bad_char(lit, |c| c.is_ascii_graphic() && !"[]\\".contains(c)) {
            return Err(format!("{why} in its address literal"));
        }
        return Ok(());
    }
    for label in domain.split('.') {
        if label.is_empty() {
            return Err("has an empty part in its domain".into());
        }
        if let Some(why) = bad_char(label, |c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(format!("{why} in its domain"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("has `{label}` in its domain: a `-` at an end"));
        }
        if label.len() > 63 {
            return Err("has a domain part longer than 63 characters".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(f: fn(&str) -> Result<(), String>, good: &[&str], bad: &[&str]) {
        for g in good {
            assert_eq!(f(g), Ok(()), "{g} should pass");
        }
        for b in bad {
            assert!(f(b).is_err(), "{b} should fail");
        }
    }

    #[test]
    fn urls() {
        check(
            url,
            &[
                "https://example.org",
                "https://example.org/app?x=1#top",
                "HTTP://user:pw@example.org:8080/a%20b",
                "http://[::1]:80/",
                "mailto:team@example.org",
                "urn:isbn:0451450523",
                "file:///etc/hosts",
                "git+ssh://git@github.com/org/repo.git",
            ],
            &[
                "",
                "example.org/app",
                "git@github.com:org/repo.git",
                "https://exa mple.org",
                "https://example.org/é",
                "https://example.org/%zz",
                "https://example.org/%2",
                "https://example.org/#a#b",
                "https://example.org:http/",
                "https:",
                "https:example.org",
                "https:///path",
                "1http://example.org",
                "C:\\path",
            ],
        );
        assert_eq!(
            url("example.org").unwrap_err(),
            "has no scheme (`https://...`)"
        );
    }

    #[test]
    fn rfc3339_times() {
        check(
            rfc3339,
            &[
                "2024-05-01T12:30:00Z",
                "2024-05-01t12:30:00z",
                "2024-05-01T12:30:00.123456+02:00",
                "2024-02-29T00:00:00-05:30",
                "2000-02-29T23:59:60Z",
                "1999-12-31T23:59:59+00:00",
            ],
            &[
                "2024-05-01",
                "2024-05-01 12:30:00Z",
                "2024-05-01T12:30:00",
                "2024-05-01T12:30Z",
                "2024-05-01T12:30:00.Z",
                "2024-13-01T00:00:00Z",
                "2024-00-01T00:00:00Z",
                "2023-02-29T00:00:00Z",
                "1900-02-29T00:00:00Z",
                "2024-04-31T00:00:00Z",
                "2024-05-01T24:00:00Z",
                "2024-05-01T12:60:00Z",
                "2024-05-01T12:30:00+24:00",
                "2024-05-01T12:30:00+0200",
                "2024-05-01T12:30:00ZZ",
                "24-05-01T12:30:00Z",
                "yesterday",
                "1714566600",
            ],
        );
    }

    #[test]
    fn spdx_expressions() {
        check(
            spdx,
            &[
                "MIT",
                "Apache-2.0",
                "MIT OR Apache-2.0",
                "(MIT OR Apache-2.0) AND BSD-3-Clause",
                "GPL-2.0-or-later WITH Classpath-exception-2.0",
                "GPL-2.0",
                "LicenseRef-Proprietary",
                "Apache-2.0+",
                "LGPL-2.1+",
                "MIT and Apache-2.0",
            ],
            &[
                "",
                "mit",
                "Apache 2.0",
                "MIT/Apache-2.0",
                "MIT OR",
                "(MIT OR Apache-2.0",
                "MIT OR Apache-2.0)",
                "GPL-2.0-only WITH MIT",
                "Proprietary",
                "MIT AND AND Apache-2.0",
                "GPL-2.0-only+",
            ],
        );
        assert_eq!(
            spdx("mit").unwrap_err(),
            "has `mit`: the SPDX list writes it `MIT`"
        );
    }

    #[test]
    fn git_hashes() {
        let sha1 = "0123456789abcdef0123456789abcdef01234567";
        let sha256 = format!("{sha1}{}", "0123456789abcdef01234567");
        check(
            git_hash,
            &[sha1, &sha256],
            &[
                "",
                "0123456",
                &sha1[..39],
                &format!("{sha1}8"),
                &sha1.to_uppercase(),
                &format!("{}g", &sha1[..39]),
                "main",
                "v1.2.3",
            ],
        );
    }

    #[test]
    fn semantic_versions() {
        check(
            semver,
            &[
                "0.0.0",
                "1.2.3",
                "10.20.30",
                "1.0.0-alpha",
                "1.0.0-alpha.1",
                "1.0.0-0.3.7",
                "1.0.0-x.7.z.92",
                "1.0.0-x-y-z.--",
                "1.0.0+20130313144700",
                "1.0.0-beta+exp.sha.5114f85",
                "1.0.0+21AF26D3----117B344092BD",
                "1.0.0+001",
            ],
            &[
                "",
                "1",
                "1.2",
                "1.2.3.4",
                "v1.2.3",
                "01.2.3",
                "1.02.3",
                "1.2.03",
                "1.2.3-",
                "1.2.3-01",
                "1.2.3-alpha..1",
                "1.2.3-alpha_1",
                "1.2.3+",
                "1.2.3+a+b",
                "1.2.x",
                "latest",
                " 1.2.3",
            ],
        );
        assert!(semver("v1.2.3").unwrap_err().contains("leading `v`"));
    }

    #[test]
    fn emails() {
        check(
            email,
            &[
                "jane@example.org",
                "jane.doe+docker@mail.example.co.uk",
                "user@localhost",
                "\"jane doe\"@example.org",
                "\"a\\\"b\"@example.org",
                "x@[192.0.2.1]",
                "o'brien@example.org",
            ],
            &[
                "",
                "jane",
                "@example.org",
                "jane@",
                "Jane Doe <jane@example.org>",
                "jane doe@example.org",
                "jane..doe@example.org",
                ".jane@example.org",
                "jane@example..org",
                "jane@-example.org",
                "jane@exa_mple.org",
                "jane@example.org.",
                "\"a\"b\"@example.org",
                "jäne@example.org",
                &format!("{}@example.org", "a".repeat(65)),
            ],
        );
    }
}
