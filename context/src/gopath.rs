//! Small ports of Go's `path` helpers (slash-separated paths only), so that
//! cleaning and splitting behave byte-for-byte like the Go code we mirror.

/// Go's `path.Clean` (identical to `filepath.Clean` on Unix).
pub(crate) fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".to_string();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for comp in p.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                if matches!(parts.last(), Some(last) if *last != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            c => parts.push(c),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Go's `path.Dir`: everything up to the last `/`, cleaned.
pub(crate) fn dir(p: &str) -> String {
    match p.rfind('/') {
        Some(i) => clean(&p[..=i]),
        None => clean(""),
    }
}

/// Go's `utf8.DecodeRune`: returns (rune, width). Invalid input yields
/// (U+FFFD, 1); empty input yields (U+FFFD, 0).
pub(crate) fn decode_rune(b: &[u8]) -> (char, usize) {
    if b.is_empty() {
        return (char::REPLACEMENT_CHARACTER, 0);
    }
    let want = match b[0] {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return (char::REPLACEMENT_CHARACTER, 1),
    };
    if b.len() >= want {
        if let Ok(s) = std::str::from_utf8(&b[..want]) {
            if let Some(c) = s.chars().next() {
                return (c, want);
            }
        }
    }
    (char::REPLACEMENT_CHARACTER, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_like_go() {
        for (i, o) in [
            ("", "."),
            ("/", "/"),
            ("//a//b//", "/a/b"),
            ("./foo", "foo"),
            ("../foo", "../foo"),
            ("/../foo", "/foo"),
            ("foo/../bar", "bar"),
            ("a/b/../../..", ".."),
            ("!foo/../bar", "bar"),
        ] {
            assert_eq!(clean(i), o, "clean({i:?})");
        }
        assert_eq!(dir("a/b"), "a");
        assert_eq!(dir("a"), ".");
        assert_eq!(dir("/"), "/");
        assert_eq!(dir("dir/file/"), "dir/file");
    }
}
