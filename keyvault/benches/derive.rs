//! Cost of derive-and-encrypt per id, next to the floor: the raw blst operations one id needs.
//!
//! Per id the keyvault computes `usk = H1(id)^msk` (hash-to-G1 and a G1 multiplication, done by
//! blst's signing), draws ρ, and computes `g1^ρ` and `enc_key^ρ + usk` (two G1 multiplications
//! and an addition). The floor benchmark does exactly these operations with blst and blstrs
//! directly, so `per-id cost / floor` shows what the key ring adds (validation, allocation,
//! conversions). Run: `cargo bench -p seal-keyvault --bench derive`.

use std::time::{Duration, Instant};

use blst::min_sig::SecretKey;
use blstrs::{G1Affine, G1Projective, Scalar};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use ff::Field;
use group::Group;
use rand::rngs::OsRng;
use seal_keyvault::keys::KeyRing;
use seal_protocol::crypto::{DST_ID, G1Point, HASH_TO_G1_DST};
use seal_protocol::vault::KeyRef;
use zeroize::Zeroizing;

const MSK: [u8; 32] = [0x11; 32];
const SIZES: [usize; 3] = [1, 10, 100];

fn ring() -> KeyRing {
    let mut ring = KeyRing::new().expect("key page (run as a user allowed to mlock)");
    ring.insert(KeyRef::Master, &Zeroizing::new(MSK)).unwrap();
    ring
}

fn enc_key() -> G1Point {
    G1Point::from(G1Affine::from(
        G1Projective::generator() * Scalar::random(OsRng),
    ))
}

fn ids(n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| [[0x5e; 32].as_slice(), &(i as u64).to_le_bytes()].concat())
        .collect()
}

/// The raw operations for one id.
fn floor_one(secret: &SecretKey, enc_key: &G1Projective, id: &[u8]) -> (G1Affine, G1Affine) {
    let message = [DST_ID, id].concat();
    let usk = secret.sign(&message, HASH_TO_G1_DST, &[]);
    let mut usk_point = G1Affine::default();
    *usk_point.as_mut() = blst::blst_p1_affine::from(usk);
    let rho = Scalar::random(OsRng);
    (
        G1Affine::from(G1Projective::generator() * rho),
        G1Affine::from(enc_key * rho + usk_point),
    )
}

fn benches(c: &mut Criterion) {
    let ring = ring();
    let enc_key = enc_key();
    let mut group = c.benchmark_group("derive_and_encrypt");
    for n in SIZES {
        let batch = ids(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &batch, |b, batch| {
            b.iter(|| {
                ring.derive_and_encrypt(KeyRef::Master, &enc_key, batch)
                    .unwrap()
            })
        });
    }
    group.finish();

    let secret = SecretKey::from_bytes(&MSK).unwrap();
    let enc_point = G1Projective::from(enc_key.as_affine());
    let id = ids(1).remove(0);
    c.bench_function("floor_per_id", |b| {
        b.iter(|| floor_one(&secret, &enc_point, &id))
    });
}

/// Median time of `runs` timed calls of `work`.
fn median(runs: usize, mut work: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// Prints per-id cost against the floor, as ratios.
fn ratios() {
    let ring = ring();
    let enc_key = enc_key();
    let secret = SecretKey::from_bytes(&MSK).unwrap();
    let enc_point = G1Projective::from(enc_key.as_affine());
    let id = ids(1).remove(0);
    let floor = median(200, || {
        let _ = std::hint::black_box(floor_one(&secret, &enc_point, &id));
    });
    println!("\nper-id cost of derive_and_encrypt against the floor ({floor:?} per id):");
    for n in SIZES {
        let batch = ids(n);
        let total = median(2000 / n + 10, || {
            drop(std::hint::black_box(ring.derive_and_encrypt(
                KeyRef::Master,
                &enc_key,
                &batch,
            )));
        });
        let per_id = total / n as u32;
        println!(
            "  {n:>3} ids: {per_id:>10.1?} per id, ratio to floor {:.3}",
            per_id.as_secs_f64() / floor.as_secs_f64()
        );
    }
}

criterion_group!(derive, benches);

fn main() {
    derive();
    Criterion::default().configure_from_args().final_summary();
    ratios();
}
