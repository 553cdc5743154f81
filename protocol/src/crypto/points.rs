//! Validated curve points and their ZCash-compressed encodings (§4.1).
//!
//! A [`G1Point`] or [`G2Point`] can only be built from bytes that decode to a point on the curve
//! *and* in the prime-order subgroup, so holding one is proof that both checks ran. The identity
//! is a valid point; callers that need a non-trivial key check [`G1Point::is_identity`].
//!
//! Serde: base64 text in human-readable formats (the JSON API), raw bytes in binary ones (BCS and
//! the keyvault RPC), validated on the way in either way.

use blstrs::{G1Affine, G2Affine, Scalar};
use group::prime::PrimeCurveAffine;

use crate::{Error, Group};

/// Parses a 32-byte big-endian scalar, refusing values that are not below the group order r.
pub fn scalar_from_be_bytes(bytes: &[u8; 32]) -> Result<Scalar, Error> {
    Option::from(Scalar::from_bytes_be(bytes)).ok_or(Error::NonCanonicalScalar)
}

macro_rules! point_type {
    ($name:ident, $affine:ty, $group:expr, $len:expr, $what:literal) => {
        #[doc = concat!("A ", $what, " point known to be on the curve and in the prime-order subgroup.")]
        #[derive(Clone, Copy, PartialEq, Eq)]
        pub struct $name($affine);

        impl $name {
            /// Length of the compressed encoding in bytes.
            pub const LEN: usize = $len;

            /// Decodes a compressed point, checking the encoding, the curve and the subgroup.
            pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
                let array: &[u8; $len] = bytes.try_into().map_err(|_| Error::Length {
                    what: concat!($what, " point"),
                    expected: $len,
                    actual: bytes.len(),
                })?;
                // Decode without the subgroup check first, so that the error says which check
                // failed; then run the subgroup check explicitly.
                let point: $affine = Option::from(<$affine>::from_compressed_unchecked(array))
                    .ok_or(Error::NotOnCurve($group))?;
                if !bool::from(point.is_torsion_free()) {
                    return Err(Error::NotInSubgroup($group));
                }
                Ok(Self(point))
            }

            /// Decodes base64 of the compressed point; `what` names the field in errors.
            pub fn from_base64(text: &str, what: &'static str) -> Result<Self, Error> {
                Self::from_bytes(&crate::encoding::from_base64(text, what)?)
            }

            /// The compressed encoding.
            pub fn to_bytes(&self) -> [u8; $len] {
                self.0.to_compressed()
            }

            /// Standard padded base64 of the compressed encoding.
            pub fn to_base64(&self) -> String {
                crate::encoding::to_base64(self.to_bytes())
            }

            /// The standard generator.
            pub fn generator() -> Self {
                Self(<$affine>::generator())
            }

            /// The identity element (point at infinity).
            pub fn identity() -> Self {
                Self(<$affine>::identity())
            }

            /// Whether this is the identity element.
            pub fn is_identity(&self) -> bool {
                bool::from(self.0.is_identity())
            }

            /// Returns an error if this is the identity, for keys that must not be trivial.
            pub fn require_non_identity(self) -> Result<Self, Error> {
                if self.is_identity() {
                    Err(Error::IdentityPoint($group))
                } else {
                    Ok(self)
                }
            }

            /// The underlying affine point, for arithmetic.
            pub fn as_affine(&self) -> &$affine {
                &self.0
            }
        }

        impl From<$affine> for $name {
            /// Any `blstrs` affine point is on the curve; points from arithmetic on subgroup
            /// points stay in the subgroup, so this conversion is for computed values.
            fn from(point: $affine) -> Self {
                Self(point)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), hex::encode(self.to_bytes()))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                crate::encoding::base64_bytes::serialize(&self.to_bytes(), serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let bytes = crate::encoding::base64_bytes::deserialize(deserializer)?;
                Self::from_bytes(&bytes).map_err(serde::de::Error::custom)
            }
        }
    };
}

point_type!(G1Point, G1Affine, Group::G1, 48, "G1");
point_type!(G2Point, G2Affine, Group::G2, 96, "G2");

#[cfg(test)]
mod tests {
    use super::*;

    // Generators in ZCash compressed form (§4.1).
    const G1_GEN: &str = "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb";
    const G2_GEN: &str = "93e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8";

    #[test]
    fn generators_match_the_documented_encodings() {
        assert_eq!(hex::encode(G1Point::generator().to_bytes()), G1_GEN);
        assert_eq!(hex::encode(G2Point::generator().to_bytes()), G2_GEN);
        let g1 = G1Point::from_bytes(&hex::decode(G1_GEN).unwrap()).unwrap();
        assert_eq!(g1, G1Point::generator());
    }

    #[test]
    fn wrong_length_is_reported() {
        assert_eq!(
            G1Point::from_bytes(&[0u8; 47]),
            Err(Error::Length {
                what: "G1 point",
                expected: 48,
                actual: 47
            })
        );
    }

    /// A compressed encoding with x = `x` (small), flag bits set.
    fn small_x(x: u8) -> [u8; 48] {
        let mut bytes = [0u8; 48];
        bytes[0] = 0x80;
        bytes[47] = x;
        bytes
    }

    fn on_curve(bytes: &[u8; 48]) -> bool {
        Option::<G1Affine>::from(G1Affine::from_compressed_unchecked(bytes)).is_some()
    }

    #[test]
    fn off_curve_encoding_is_refused() {
        // About half of all x have no point (x^3 + 4 is not a square); take the first.
        let bytes = (1u8..=255)
            .map(small_x)
            .find(|b| !on_curve(b))
            .expect("an x off the curve");
        assert_eq!(
            G1Point::from_bytes(&bytes),
            Err(Error::NotOnCurve(Group::G1))
        );
        // Missing compression flag.
        let mut gen_bytes = G1Point::generator().to_bytes();
        gen_bytes[0] &= 0x7f;
        assert_eq!(
            G1Point::from_bytes(&gen_bytes),
            Err(Error::NotOnCurve(Group::G1))
        );
        // x not below the field modulus.
        assert_eq!(
            G1Point::from_bytes(&[0x9f; 48]),
            Err(Error::NotOnCurve(Group::G1))
        );
    }

    #[test]
    fn point_outside_the_subgroup_is_refused() {
        // A curve point with small x; the G1 cofactor is large, so such points are almost never
        // in the subgroup (the assertion below would notice if this one were).
        let bytes = (1u8..=255)
            .map(small_x)
            .find(on_curve)
            .expect("a small-x curve point exists");
        assert_eq!(
            G1Point::from_bytes(&bytes),
            Err(Error::NotInSubgroup(Group::G1))
        );
    }

    #[test]
    fn identity_is_decoded_but_can_be_refused() {
        let mut bytes = [0u8; 48];
        bytes[0] = 0xc0;
        let id = G1Point::from_bytes(&bytes).unwrap();
        assert!(id.is_identity());
        assert_eq!(
            id.require_non_identity(),
            Err(Error::IdentityPoint(Group::G1))
        );
        assert!(G1Point::generator().require_non_identity().is_ok());
    }

    #[test]
    fn scalars_must_be_canonical() {
        // r - 1 is the largest canonical scalar; r and 2^256 - 1 are not (§7.4).
        let r_minus_1 =
            hex::decode("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000")
                .unwrap();
        let r = hex::decode("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001")
            .unwrap();
        assert!(scalar_from_be_bytes(&r_minus_1.try_into().unwrap()).is_ok());
        assert_eq!(
            scalar_from_be_bytes(&r.try_into().unwrap()),
            Err(Error::NonCanonicalScalar)
        );
        assert_eq!(
            scalar_from_be_bytes(&[0xff; 32]),
            Err(Error::NonCanonicalScalar)
        );
        let mut seven = [0u8; 32];
        seven[31] = 7;
        assert_eq!(scalar_from_be_bytes(&seven).unwrap(), Scalar::from(7u64));
    }

    proptest::proptest! {
        #[test]
        fn points_round_trip(seed in proptest::prelude::any::<u64>()) {
            use group::Group;
            let scalar = Scalar::from(seed) + Scalar::from(u64::MAX) * Scalar::from(seed.rotate_left(17));
            let p1 = G1Point::from(G1Affine::from(blstrs::G1Projective::generator() * scalar));
            let p2 = G2Point::from(G2Affine::from(blstrs::G2Projective::generator() * scalar));
            proptest::prop_assert_eq!(G1Point::from_bytes(&p1.to_bytes()).unwrap(), p1);
            proptest::prop_assert_eq!(G2Point::from_bytes(&p2.to_bytes()).unwrap(), p2);
            proptest::prop_assert_eq!(G1Point::from_base64(&p1.to_base64(), "p").unwrap(), p1);
            let scalar_bytes = scalar.to_bytes_be();
            proptest::prop_assert_eq!(scalar_from_be_bytes(&scalar_bytes).unwrap(), scalar);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..100)) {
            let _ = G1Point::from_bytes(&bytes);
            let _ = G2Point::from_bytes(&bytes);
            if bytes.len() >= 96 {
                let _ = G2Point::from_bytes(&bytes[..96]);
            }
            if bytes.len() >= 48 {
                let _ = G1Point::from_bytes(&bytes[..48]);
            }
            if let Ok(array) = <[u8; 32]>::try_from(&bytes[..bytes.len().min(32)]) {
                let _ = scalar_from_be_bytes(&array);
            }
        }
    }

    #[test]
    fn serde_is_base64_in_json_and_raw_in_bcs() {
        let g = G1Point::generator();
        let json = serde_json::to_string(&g).unwrap();
        assert_eq!(json, format!("\"{}\"", g.to_base64()));
        assert_eq!(serde_json::from_str::<G1Point>(&json).unwrap(), g);
        let bcs_bytes = bcs::to_bytes(&g).unwrap();
        assert_eq!(bcs_bytes[0], 48);
        assert_eq!(bcs::from_bytes::<G1Point>(&bcs_bytes).unwrap(), g);
        assert!(serde_json::from_str::<G1Point>("\"AAAA\"").is_err());
    }
}
