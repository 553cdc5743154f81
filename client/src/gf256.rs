//! GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1, by log and exp tables over the
//! generator 0x03, as the official implementations do. Addition and subtraction are XOR.

/// `exp[i] = 3^i` for i in 0..255 (and repeated, so that `exp[a + b]` needs no reduction).
const EXP: [u8; 510] = {
    let mut table = [0u8; 510];
    let mut value: u8 = 1;
    let mut i = 0;
    while i < 255 {
        table[i] = value;
        table[i + 255] = value;
        // value *= 3, i.e. value ^ (value * 2), with the AES reduction.
        let doubled = (value << 1) ^ if value & 0x80 != 0 { 0x1b } else { 0 };
        value ^= doubled;
        i += 1;
    }
    table
};

/// `log[3^i] = i`; `log[0]` is unused.
const LOG: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 255 {
        table[EXP[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// `a + b` (and `a - b`).
pub fn add(a: u8, b: u8) -> u8 {
    a ^ b
}

/// `a · b`.
pub fn mul(a: u8, b: u8) -> u8 {
    if a == 0 || b == 0 {
        return 0;
    }
    EXP[LOG[a as usize] as usize + LOG[b as usize] as usize]
}

/// `a / b`, or `None` when `b` is 0.
pub fn div(a: u8, b: u8) -> Option<u8> {
    if b == 0 {
        return None;
    }
    if a == 0 {
        return Some(0);
    }
    Some(EXP[LOG[a as usize] as usize + 255 - LOG[b as usize] as usize])
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn field_ops_vector() {
        // crates/crypto/src/gf256.rs::test_field_ops (= Move gf256::test_field_ops), §7.4.
        assert_eq!(add(0x53, 0xca), 0x99);
        assert_eq!(add(0x53, 0xca), 0x99);
        assert_eq!(mul(0x53, 0xca), 0x01);
        assert_eq!(div(0x53, 0xca), Some(0xb5));
        assert_eq!(div(1, 0), None);
    }

    proptest! {
        #[test]
        fn division_inverts_multiplication(a in any::<u8>(), b in 1u8..) {
            prop_assert_eq!(div(mul(a, b), b), Some(a));
            prop_assert_eq!(mul(a, b), mul(b, a));
        }
    }
}
