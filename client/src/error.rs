//! The errors of encryption and decryption.

/// Why encryption or decryption failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A threshold of 0, more than the number of shares, or more than 254 shares.
    #[error("invalid threshold {threshold} for {shares} shares")]
    InvalidThreshold {
        /// The threshold.
        threshold: usize,
        /// The number of shares.
        shares: usize,
    },
    /// Shares with index 0, repeated indices, or different lengths.
    #[error("invalid shares: {0}")]
    InvalidShares(&'static str),
    /// Fewer usable shares than the threshold.
    #[error("{available} keys for a threshold of {threshold}")]
    NotEnoughKeys {
        /// Keys available.
        available: usize,
        /// Threshold.
        threshold: usize,
    },
    /// The DEM refused the ciphertext (wrong key, tampered data or AAD).
    #[error("the ciphertext does not authenticate")]
    Authentication,
    /// The recovered randomness is not the one behind the nonce: a wrong key or a malformed
    /// object.
    #[error("invalid ciphertext: {0}")]
    InvalidCiphertext(&'static str),
    /// The object is not one this version can decrypt.
    #[error("unsupported encrypted object: {0}")]
    Unsupported(&'static str),
}
