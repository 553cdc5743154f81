//! Reading and writing key material.
//!
//! Keys come from a file: a path, or a bare name resolved in `$CREDENTIALS_DIRECTORY`, where
//! systemd's `LoadCredential=`/`LoadCredentialEncrypted=` places them. An environment variable is
//! accepted only in dev mode, because environments leak (`/proc/<pid>/environ`, crash reports,
//! child processes).
//!
//! Formats are those of the official server's `MASTER_KEY` (§6.2): a master scalar is hex with an
//! optional `0x` (or, failing that, padded base64); a seed is hex. Every buffer that holds key
//! bytes is a `Zeroizing` one, and errors describe the problem, never the bytes.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::Error;

/// 32 secret bytes, wiped on drop.
pub type SecretBytes = Zeroizing<[u8; 32]>;

/// Where key material comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// A file.
    File(PathBuf),
    /// An environment variable (dev mode only).
    Env(String),
}

impl KeySource {
    /// Names the origin for error messages.
    fn origin(&self) -> String {
        match self {
            KeySource::File(path) => path.display().to_string(),
            KeySource::Env(name) => format!("environment variable {name}"),
        }
    }
}

/// Resolves `--key-file`: a bare name (no `/`) that exists in `$CREDENTIALS_DIRECTORY` is taken
/// from there; anything else is a path.
pub fn resolve_key_path(arg: &str, credentials_dir: Option<&Path>) -> PathBuf {
    if !arg.contains('/') {
        if let Some(dir) = credentials_dir {
            let candidate = dir.join(arg);
            if candidate.exists() {
                return candidate;
            }
        }
    }
    PathBuf::from(arg)
}

/// Reads the text of a key source, trimmed of surrounding whitespace.
pub fn read_key_text(source: &KeySource) -> Result<Zeroizing<String>, Error> {
    let text = match source {
        KeySource::File(path) => Zeroizing::new(std::fs::read_to_string(path).map_err(
            |source| Error::KeyFile {
                path: path.clone(),
                source,
            },
        )?),
        KeySource::Env(name) => {
            Zeroizing::new(std::env::var(name).map_err(|_| Error::KeyFormat {
                origin: source.origin(),
                problem: "is not set or not UTF-8",
            })?)
        }
    };
    Ok(Zeroizing::new(text.trim().to_owned()))
}

/// Parses 32 bytes of hex (optional lowercase `0x`, either case of digits).
fn parse_hex_32(text: &str) -> Option<SecretBytes> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    let mut out = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(digits, out.as_mut_slice()).ok()?;
    Some(out)
}

/// Parses a master scalar: hex, else padded base64; must be canonical and non-zero.
pub fn parse_master_scalar(text: &str, source: &KeySource) -> Result<SecretBytes, Error> {
    let bytes = parse_hex_32(text)
        .or_else(|| decode_base64_32(text))
        .ok_or_else(|| Error::KeyFormat {
            origin: source.origin(),
            problem: "expected 32 bytes as hex (optional 0x) or padded base64",
        })?;
    check_scalar(&bytes).map_err(|problem| Error::KeyFormat {
        origin: source.origin(),
        problem,
    })?;
    Ok(bytes)
}

/// Parses a permissioned-mode seed: 32 bytes of hex.
pub fn parse_seed(text: &str, source: &KeySource) -> Result<SecretBytes, Error> {
    parse_hex_32(text).ok_or_else(|| Error::KeyFormat {
        origin: source.origin(),
        problem: "expected a 32-byte seed as hex (optional 0x)",
    })
}

/// A master scalar must be below the group order and not zero (a zero key would make every
/// derived key the identity, that is, public).
pub fn check_scalar(bytes: &[u8; 32]) -> Result<(), &'static str> {
    match blst::min_sig::SecretKey::from_bytes(bytes) {
        Ok(_) => Ok(()),
        Err(_) if bytes.iter().all(|b| *b == 0) => Err("the scalar is zero"),
        Err(_) => Err("the scalar is not canonical (not below the group order)"),
    }
}

/// Writes `0x` + hex of `secret` and a newline to a new file with mode 0600; never overwrites.
pub fn write_new_key_file(path: &Path, secret: &[u8; 32]) -> Result<(), Error> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::AlreadyExists => Error::KeyFileExists(path.to_owned()),
            _ => Error::KeyFile {
                path: path.to_owned(),
                source,
            },
        })?;
    let text = Zeroizing::new(format!("0x{}\n", hex::encode(secret)));
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|source| Error::KeyFile {
            path: path.to_owned(),
            source,
        })
}

/// Padded standard base64 of exactly 32 bytes, decoded straight into a wiped buffer.
fn decode_base64_32(text: &str) -> Option<SecretBytes> {
    use base64::Engine as _;
    let mut buffer = Zeroizing::new([0u8; 48]);
    let len = base64::engine::general_purpose::STANDARD
        .decode_slice(text, buffer.as_mut_slice())
        .ok()?;
    let mut out = Zeroizing::new([0u8; 32]);
    (len == 32).then(|| out.copy_from_slice(&buffer[..32]))?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src() -> KeySource {
        KeySource::Env("TEST".into())
    }

    #[test]
    fn master_scalar_formats_of_the_official_server() {
        let hex_key = "3c185eb32f1ab43a013c7d84659ec7b59791ca76764af4ee8d387bf05621f0c7";
        let expected = hex::decode(hex_key).unwrap();
        for text in [
            hex_key.to_owned(),
            format!("0x{hex_key}"),
            hex_key.to_uppercase(),
        ] {
            assert_eq!(
                parse_master_scalar(&text, &src()).unwrap().to_vec(),
                expected,
                "{text}"
            );
        }
        // Base64 fallback (§7.5 a: master keys given in base64).
        let b64 =
            parse_master_scalar("GpR7SBGd3si0yeCtH/Zf5SbMT8b7wwTi532/NPGNCZI=", &src()).unwrap();
        assert_eq!(
            hex::encode(*b64),
            "1a947b48119ddec8b4c9e0ad1ff65fe526cc4fc6fbc304e2e77dbf34f18d0992"
        );
    }

    #[test]
    fn bad_master_scalars_are_named_not_shown() {
        let cases = [
            ("0x1234", "expected 32 bytes"),
            (
                "0X3c185eb32f1ab43a013c7d84659ec7b59791ca76764af4ee8d387bf05621f0c7",
                "expected 32 bytes",
            ),
            (
                "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001",
                "not canonical",
            ),
            (
                "0000000000000000000000000000000000000000000000000000000000000000",
                "zero",
            ),
            (
                "GpR7SBGd3si0yeCtH/Zf5SbMT8b7wwTi532/NPGNCZJ=",
                "expected 32 bytes",
            ),
        ];
        for (text, problem) in cases {
            let message = parse_master_scalar(text, &src()).unwrap_err().to_string();
            assert!(message.contains(problem), "{text}: {message}");
            if text.len() > 10 {
                assert!(
                    !message.contains(&text[2..10]),
                    "the key must not be echoed: {message}"
                );
            }
        }
    }

    #[test]
    fn seeds_are_hex_only() {
        assert_eq!(*parse_seed(&"01".repeat(32), &src()).unwrap(), [1u8; 32]);
        assert!(parse_seed("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=", &src()).is_err());
    }

    #[test]
    fn key_files_are_new_and_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("master.key");
        write_new_key_file(&path, &[5u8; 32]).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert!(matches!(
            write_new_key_file(&path, &[6u8; 32]),
            Err(Error::KeyFileExists(_))
        ));
        let text = read_key_text(&KeySource::File(path.clone())).unwrap();
        assert_eq!(*parse_seed(&text, &src()).unwrap(), [5u8; 32]);
    }

    #[test]
    fn bare_names_resolve_in_the_credentials_directory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("seal-master-key"), "x").unwrap();
        assert_eq!(
            resolve_key_path("seal-master-key", Some(dir.path())),
            dir.path().join("seal-master-key")
        );
        assert_eq!(
            resolve_key_path("missing", Some(dir.path())),
            PathBuf::from("missing")
        );
        assert_eq!(
            resolve_key_path("/etc/k", Some(dir.path())),
            PathBuf::from("/etc/k")
        );
        assert_eq!(
            resolve_key_path("seal-master-key", None),
            PathBuf::from("seal-master-key")
        );
    }
}
