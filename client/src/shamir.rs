//! Shamir secret sharing over GF(2^8), byte by byte (§4.7): a secret byte is the constant term
//! of a random polynomial of degree `threshold − 1`; share `i` holds its values at `x = i`.

use rand::RngCore;

use crate::Error;
use crate::gf256::{add, div, mul};

/// A share: its index (the evaluation point, never 0) and one value per secret byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    /// Evaluation point.
    pub index: u8,
    /// Polynomial values.
    pub value: Vec<u8>,
}

/// Splits `secret` into `count` shares with indices `1..=count`, any `threshold` of which
/// recover it.
pub fn split(
    secret: &[u8],
    threshold: usize,
    count: usize,
    rng: &mut impl RngCore,
) -> Result<Vec<Share>, Error> {
    if threshold == 0 || threshold > count || count > 254 {
        return Err(Error::InvalidThreshold {
            threshold,
            shares: count,
        });
    }
    let mut shares: Vec<Share> = (1..=count)
        .map(|i| Share {
            index: i as u8,
            value: Vec::with_capacity(secret.len()),
        })
        .collect();
    let mut coefficients = vec![0u8; threshold];
    for &byte in secret {
        coefficients[0] = byte;
        rng.fill_bytes(&mut coefficients[1..]);
        for share in &mut shares {
            share.value.push(evaluate(&coefficients, share.index));
        }
    }
    coefficients.fill(0);
    Ok(shares)
}

/// `p(x)` for coefficients lowest degree first (Horner's rule).
fn evaluate(coefficients: &[u8], x: u8) -> u8 {
    coefficients
        .iter()
        .rev()
        .fold(0, |acc, c| add(mul(acc, x), *c))
}

/// Checks that shares can be combined: non-zero, distinct indices; equal lengths.
fn check(shares: &[Share]) -> Result<usize, Error> {
    let length = shares
        .first()
        .map(|s| s.value.len())
        .ok_or(Error::InvalidShares("no shares"))?;
    let mut seen = [false; 256];
    for share in shares {
        if share.index == 0 || std::mem::replace(&mut seen[usize::from(share.index)], true) {
            return Err(Error::InvalidShares(
                "indices must be distinct and non-zero",
            ));
        }
        if share.value.len() != length {
            return Err(Error::InvalidShares("shares have different lengths"));
        }
    }
    Ok(length)
}

/// The value at `x` of the polynomial through `shares` (Lagrange interpolation), per byte.
pub fn interpolate_at(shares: &[Share], x: u8) -> Result<Vec<u8>, Error> {
    let length = check(shares)?;
    // Lagrange basis values at x: l_j(x) = Π_{i≠j} (x − x_i) / (x_j − x_i).
    let basis: Vec<u8> = shares
        .iter()
        .map(|j| {
            shares
                .iter()
                .filter(|i| i.index != j.index)
                .fold(1u8, |acc, i| {
                    mul(
                        acc,
                        div(add(x, i.index), add(j.index, i.index)).unwrap_or_default(),
                    )
                })
        })
        .collect();
    Ok((0..length)
        .map(|byte| {
            shares
                .iter()
                .zip(&basis)
                .fold(0u8, |acc, (share, l)| add(acc, mul(share.value[byte], *l)))
        })
        .collect())
}

/// Recovers the secret (the value at 0) from at least `threshold` shares.
pub fn combine(shares: &[Share]) -> Result<Vec<u8>, Error> {
    interpolate_at(shares, 0)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn combine_byte_vector() {
        // crates/crypto/src/tss.rs::test_combine_byte (§7.4): (1,2),(2,3),(3,4),(4,5) ⇒ 202.
        let shares: Vec<Share> = (1u8..=4)
            .map(|i| Share {
                index: i,
                value: vec![i + 1],
            })
            .collect();
        assert_eq!(combine(&shares).unwrap(), vec![202]);
    }

    #[test]
    fn typescript_vector() {
        // crates/crypto/src/tss.rs::typescript_test_vector (§7.4): 2 of 3; last byte = index.
        let decode = |b64: &str| {
            let bytes = seal_protocol::encoding::from_base64(b64, "share").unwrap();
            Share {
                index: *bytes.last().unwrap(),
                value: bytes[..bytes.len() - 1].to_vec(),
            }
        };
        let shares = [
            "C7rQzQ0iL+L+fBcIAZipXBhtZsUju7ot",
            "lO0Boejog7ARBVXjjLUMqAFP/Iut0ZpZ",
            "FsrVroJ5+eWfw7sFgXq8Y3AWDN2Ogvc9",
        ]
        .map(decode);
        let secret = b"My super secret message".to_vec();
        for pair in [[0, 1], [0, 2], [1, 2]] {
            assert_eq!(
                combine(&[shares[pair[0]].clone(), shares[pair[1]].clone()]).unwrap(),
                secret
            );
        }
        assert_eq!(combine(&shares).unwrap(), secret);
        assert_ne!(combine(&shares[..1]).unwrap(), secret);
    }

    #[test]
    fn bad_share_sets_are_refused() {
        let share = |index, value: Vec<u8>| Share { index, value };
        assert!(combine(&[]).is_err());
        assert!(combine(&[share(0, vec![1])]).is_err());
        assert!(combine(&[share(1, vec![1]), share(1, vec![2])]).is_err());
        assert!(combine(&[share(1, vec![1]), share(2, vec![2, 3])]).is_err());
        let mut rng = rand::thread_rng();
        assert!(split(&[1], 0, 3, &mut rng).is_err());
        assert!(split(&[1], 4, 3, &mut rng).is_err());
        assert!(split(&[1], 1, 255, &mut rng).is_err());
    }

    proptest! {
        #[test]
        fn any_threshold_subset_recovers_the_secret(secret in proptest::collection::vec(any::<u8>(), 1..40), threshold in 1usize..6, extra in 0usize..4, skip in 0usize..10) {
            let count = threshold + extra;
            let shares = split(&secret, threshold, count, &mut rand::thread_rng()).unwrap();
            let start = skip % (count - threshold + 1);
            prop_assert_eq!(combine(&shares[start..start + threshold]).unwrap(), secret.clone());
            if threshold > 1 {
                // Fewer shares give (almost surely) something else; at least they never panic.
                let _ = combine(&shares[..threshold - 1]);
            }
        }
    }
}
