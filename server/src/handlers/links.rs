//! Document links: FROM images to their registry page, and URLs anywhere in the file.

use crate::{convert, document::Snapshot};
use dflint_rules::Model;
use dflint_syntax::{TextRange, TextSize};
use std::str::FromStr;
use tower_lsp_server::ls_types::{DocumentLink, Uri};

/// The web page of an image reference (`alpine:3.19`, `ghcr.io/o/n@sha256:...`).
pub fn image_page(image: &str) -> Option<String> {
    if image.is_empty() || image.contains('$') || image.eq_ignore_ascii_case("scratch") {
        return None;
    }
    let no_digest = image.split('@').next()?;
    let last_slash = no_digest.rfind('/').map_or(0, |p| p + 1);
    let name = match no_digest[last_slash..].find(':') {
        Some(c) => &no_digest[..last_slash + c],
        None => no_digest,
    };
    let (first, rest) = name.split_once('/').unwrap_or(("", name));
    let is_registry = first.contains('.') || first.contains(':') || first == "localhost";
    Some(if !is_registry {
        if name.contains('/') {
            format!("https://hub.docker.com/r/{name}")
        } else {
            format!("https://hub.docker.com/_/{name}")
        }
    } else {
        match first {
            "docker.io" | "index.docker.io" | "registry-1.docker.io" => {
                match rest.strip_prefix("library/") {
                    Some(n) => format!("https://hub.docker.com/_/{n}"),
                    None if !rest.contains('/') => format!("https://hub.docker.com/_/{rest}"),
                    None => format!("https://hub.docker.com/r/{rest}"),
                }
            }
            "quay.io" => format!("https://quay.io/repository/{rest}"),
            "mcr.microsoft.com" => format!("https://mcr.microsoft.com/en-us/artifact/mar/{rest}"),
            _ => format!("https://{name}"),
        }
    })
}

pub fn document_links(snap: &Snapshot, model: &Model) -> Option<Vec<DocumentLink>> {
    let mut out = Vec::new();
    for st in model.stages.iter().filter(|s| s.base_stage.is_none()) {
        let (Some(word), Some(image)) = (&st.image, &st.image_resolved) else {
            continue;
        };
        if let Some(target) = image_page(image).and_then(|u| Uri::from_str(&u).ok()) {
            out.push(DocumentLink {
                range: convert::range(snap, word.range),
                target: Some(target),
                tooltip: Some(format!("Open the page of {image}")),
                data: None,
            });
        }
    }
    let text = snap.text.as_str();
    let mut from = 0;
    while let Some(p) = text[from..].find("http").map(|p| p + from) {
        from = p + 4;
        let rest = &text[p..];
        if !(rest.starts_with("http://") || rest.starts_with("https://")) {
            continue;
        }
        let len = rest
            .find(|c: char| c.is_whitespace() || "\"'<>`|\\".contains(c))
            .unwrap_or(rest.len());
        let url = rest[..len].trim_end_matches(['.', ',', ';', ':', ')', ']', '}']);
        if url.contains('$') || url.len() <= "https://".len() {
            continue;
        }
        if let Ok(target) = Uri::from_str(url) {
            let range = TextRange::at(TextSize::from(p as u32), TextSize::of(url));
            out.push(DocumentLink {
                range: convert::range(snap, range),
                target: Some(target),
                tooltip: None,
                data: None,
            });
        }
        from = p + url.len();
    }
    Some(out)
}
