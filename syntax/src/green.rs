//! A green-tree builder without rowan's global token interning: hashing every token cost a
//! fifth of the parse time. Short tokens (whitespace, newlines, `=`, `[`, keywords) are still
//! shared through a small cache keyed by their packed bytes; longer ones are created directly.

use crate::SyntaxKind;
use rowan::{GreenNode, GreenToken, NodeOrToken};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A multiplicative hasher for the cache's small integer keys.
#[derive(Default)]
struct PackedHasher(u64);

impl Hasher for PackedHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u16(&mut self, n: u16) {
        self.write_u64(n as u64);
    }
}

type Element = NodeOrToken<GreenNode, GreenToken>;

#[derive(Default)]
pub(crate) struct GreenBuilder {
    parents: Vec<(SyntaxKind, usize)>,
    children: Vec<Element>,
    cache: HashMap<(u16, u64), GreenToken, BuildHasherDefault<PackedHasher>>,
}

/// Packs up to 7 bytes and the length into a u64 key.
fn pack(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.len() > 7 {
        return None;
    }
    let mut key = (b.len() as u64) << 56;
    for (i, &byte) in b.iter().enumerate() {
        key |= (byte as u64) << (8 * i);
    }
    Some(key)
}

impl GreenBuilder {
    pub fn token(&mut self, kind: SyntaxKind, text: &str) {
        let token = match pack(text) {
            Some(key) => self
                .cache
                .entry((kind as u16, key))
                .or_insert_with(|| GreenToken::new(kind.into(), text))
                .clone(),
            None => GreenToken::new(kind.into(), text),
        };
        self.children.push(NodeOrToken::Token(token));
    }

    pub fn start_node(&mut self, kind: SyntaxKind) {
        self.parents.push((kind, self.children.len()));
    }

    pub fn finish_node(&mut self) {
        let (kind, first) = self.parents.pop().expect("finish_node without start_node");
        let node = GreenNode::new(kind.into(), self.children.drain(first..));
        self.children.push(NodeOrToken::Node(node));
    }

    pub fn finish(mut self) -> GreenNode {
        assert!(
            self.parents.is_empty() && self.children.len() == 1,
            "unbalanced tree"
        );
        match self.children.pop() {
            Some(NodeOrToken::Node(n)) => n,
            _ => unreachable!("the root is a node"),
        }
    }
}
