//! ElGamal over G1, the envelope a derived key travels in from the key server to the user (§4.5).
//!
//! The user sends `enc_key = g1^esk`; the server answers `(c0, c1) = (g1^ρ, enc_key^ρ + usk)`;
//! the user recovers `usk = c1 − esk·c0`. Encryption needs the derived key and happens in the
//! keyvault; decryption is client-side math and lives here so both ends share one definition.

use blstrs::{G1Affine, G1Projective, Scalar};
use serde::{Deserialize, Serialize};

use super::points::G1Point;

/// An ElGamal ciphertext `(c0, c1)`; in JSON the array `["<base64 c0>", "<base64 c1>"]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElGamalCiphertext(pub G1Point, pub G1Point);

/// Decrypts with the ephemeral secret `esk`: `c1 − esk·c0`.
pub fn elgamal_decrypt(esk: &Scalar, ciphertext: &ElGamalCiphertext) -> G1Point {
    let ElGamalCiphertext(c0, c1) = ciphertext;
    let shared = G1Projective::from(c0.as_affine()) * esk;
    G1Affine::from(G1Projective::from(c1.as_affine()) - shared).into()
}

#[cfg(test)]
mod tests {
    use ff::Field;
    use group::Group;

    use super::*;

    #[test]
    fn decrypt_inverts_the_encryption_equation() {
        let mut rng = rand::thread_rng();
        let esk = Scalar::random(&mut rng);
        let rho = Scalar::random(&mut rng);
        let message = G1Affine::from(G1Projective::generator() * Scalar::random(&mut rng));
        let enc_key = G1Projective::generator() * esk;
        let ciphertext = ElGamalCiphertext(
            G1Affine::from(G1Projective::generator() * rho).into(),
            G1Affine::from(enc_key * rho + message).into(),
        );
        assert_eq!(elgamal_decrypt(&esk, &ciphertext), G1Point::from(message));
        assert_ne!(
            elgamal_decrypt(&(esk + Scalar::ONE), &ciphertext),
            G1Point::from(message)
        );
        let json = serde_json::to_string(&ciphertext).unwrap();
        assert!(json.starts_with("[\"") && json.ends_with("\"]"));
        assert_eq!(
            serde_json::from_str::<ElGamalCiphertext>(&json).unwrap(),
            ciphertext
        );
    }
}
