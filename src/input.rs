//! Reading Dockerfiles from disk or stdin, refusing what is not text.

use std::fmt;
use std::io::Read;
use std::path::Path;

/// Why a file could not be read as a Dockerfile. Each maps to exit status 2.
#[derive(Debug)]
pub enum InputError {
    Io(std::io::Error),
    /// Bytes that are not UTF-8, at this byte offset.
    InvalidUtf8 {
        offset: usize,
    },
    /// A NUL byte: a binary file, not a Dockerfile.
    Binary {
        offset: usize,
    },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Io(e) => write!(f, "{e}"),
            InputError::InvalidUtf8 { offset } => {
                write!(f, "invalid UTF-8 at byte offset {offset}")
            }
            InputError::Binary { offset } => write!(
                f,
                "binary file (NUL byte at offset {offset}), not a Dockerfile"
            ),
        }
    }
}

/// Checks that `bytes` is text a Dockerfile can be: no NUL byte, valid UTF-8.
pub fn decode(bytes: Vec<u8>) -> Result<String, InputError> {
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(InputError::Binary { offset });
    }
    String::from_utf8(bytes).map_err(|e| InputError::InvalidUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Reads a file, or stdin for `-`.
pub fn read_source(path: &Path) -> Result<String, InputError> {
    let bytes = if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(InputError::Io)?;
        buf
    } else {
        std::fs::read(path).map_err(InputError::Io)?
    };
    decode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_binary_and_names_bad_utf8_offset() {
        assert!(matches!(
            decode(b"FROM a\0".to_vec()),
            Err(InputError::Binary { offset: 6 })
        ));
        assert!(matches!(
            decode(b"FROM \xff".to_vec()),
            Err(InputError::InvalidUtf8 { offset: 5 })
        ));
        assert_eq!(decode(b"FROM a".to_vec()).unwrap(), "FROM a");
    }
}
