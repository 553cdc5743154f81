//! BLS12-381 as Seal uses it (§4): point and scalar encodings, hash-to-G1 with Seal's message
//! prefixes, the pairing checks anyone can run with public data, the ElGamal ciphertext type and
//! the IBE key-derivation function.
//!
//! Nothing here holds a secret. Operations that need the master key live in the keyvault.

mod elgamal;
mod ibe;
mod points;

pub use elgamal::{ElGamalCiphertext, elgamal_decrypt};
pub use ibe::{
    DST_DERIVE_KEY, DST_ID, DST_KDF, DST_POP, HASH_TO_G1_DST, PairingOutput, hash_full_id,
    hash_to_g1, kdf, pop_message, verify_derived_key, verify_pop,
};
pub use points::{G1Point, G2Point, scalar_from_be_bytes};
