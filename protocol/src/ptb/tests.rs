//! Rule-by-rule tests of the PTB checks, including the cases of the official `valid_ptb.rs`
//! tests (§7.8), and property tests that decoding never panics.

use proptest::prelude::*;
use sui_sdk_types::{Identifier, MoveCall, ObjectReference, TransferObjects};

use super::*;

const PKG: Address =
    Address::from_static("0xc457b42d48924087ea3f22d35fd2fe9afdf5bdfe38cc51c0f14f3282f6d5");
const OTHER_PKG: Address = Address::from_static("0x2");

fn call(package: Address, module: &str, function: &str, arguments: Vec<Argument>) -> Command {
    Command::MoveCall(MoveCall {
        package,
        module: Identifier::new(module).unwrap(),
        function: Identifier::new(function).unwrap(),
        type_arguments: vec![],
        arguments,
    })
}

fn pure_id(id: &[u8]) -> Input {
    Input::Pure(bcs::to_bytes(&id.to_vec()).unwrap())
}

fn ptb(inputs: Vec<Input>, commands: Vec<Command>) -> ProgrammableTransaction {
    ProgrammableTransaction { inputs, commands }
}

fn validate(ptb: &ProgrammableTransaction) -> Result<ValidPtb, PtbError> {
    ValidPtb::from_bcs(&bcs::to_bytes(ptb).unwrap())
}

fn an_object() -> Input {
    Input::ImmutableOrOwned(ObjectReference::new(
        OTHER_PKG,
        1,
        sui_sdk_types::Digest::ZERO,
    ))
}

#[test]
fn two_calls_sharing_one_input_give_two_ids() {
    // valid_ptb.rs: seal_approve_x / seal_approve_y in modules bla / bla2 of one package.
    let tx = ptb(
        vec![pure_id(&[1, 2, 3, 4])],
        vec![
            call(PKG, "bla", "seal_approve_x", vec![Argument::Input(0)]),
            call(PKG, "bla2", "seal_approve_y", vec![Argument::Input(0)]),
        ],
    );
    let valid = validate(&tx).unwrap();
    assert_eq!(valid.inner_ids(), [vec![1, 2, 3, 4], vec![1, 2, 3, 4]]);
    assert_eq!(valid.package(), PKG);
    assert_eq!(valid.bcs_bytes(), bcs::to_bytes(&tx).unwrap());
    let first = Address::from_static("0x1");
    let full = valid.full_ids(&first);
    assert_eq!(full[0][..32], *first.as_bytes());
    assert_eq!(full[0][32..], [1, 2, 3, 4]);
}

#[test]
fn objects_type_arguments_and_empty_ids_are_allowed() {
    let mut approve = call(
        PKG,
        "m",
        "seal_approve",
        vec![Argument::Input(0), Argument::Input(1)],
    );
    if let Command::MoveCall(c) = &mut approve {
        c.type_arguments.push(sui_sdk_types::TypeTag::U64);
    }
    let valid = validate(&ptb(vec![pure_id(&[]), an_object()], vec![approve])).unwrap();
    assert_eq!(valid.inner_ids(), [Vec::<u8>::new()]);
}

#[test]
fn each_rule_gives_its_official_error() {
    let ok_call = || call(PKG, "m", "seal_approve", vec![Argument::Input(0)]);
    let id = || vec![pure_id(&[7])];
    let cases: Vec<(ProgrammableTransaction, PtbError)> = vec![
        (ptb(vec![], vec![]), PtbError::Empty),
        (ptb(vec![], vec![ok_call()]), PtbError::Empty),
        (ptb(id(), vec![]), PtbError::Empty),
        (ptb(id(), vec![ok_call(); 101]), PtbError::TooManyCommands),
        (
            ptb(
                id(),
                vec![Command::TransferObjects(TransferObjects {
                    objects: vec![],
                    address: Argument::Input(0),
                })],
            ),
            PtbError::InvalidFirstCommand,
        ),
        (
            ptb(
                id(),
                vec![
                    ok_call(),
                    Command::TransferObjects(TransferObjects {
                        objects: vec![],
                        address: Argument::Input(0),
                    }),
                ],
            ),
            PtbError::NonMoveCall,
        ),
        (
            ptb(
                id(),
                vec![call(PKG, "m", "seal_approve", vec![Argument::Gas])],
            ),
            PtbError::NonInputArgument,
        ),
        (
            ptb(
                id(),
                vec![call(
                    PKG,
                    "m",
                    "seal_approve",
                    vec![Argument::Input(0), Argument::Result(0)],
                )],
            ),
            PtbError::NonInputArgument,
        ),
        (
            ptb(
                id(),
                vec![call(
                    PKG,
                    "m",
                    "seal_approve",
                    vec![Argument::NestedResult(0, 0)],
                )],
            ),
            PtbError::NonInputArgument,
        ),
        (
            ptb(id(), vec![call(PKG, "m", "seal_approve", vec![])]),
            PtbError::EmptyArgs,
        ),
        (
            ptb(
                id(),
                vec![call(PKG, "m", "seal_approve", vec![Argument::Input(1)])],
            ),
            PtbError::InvalidFirstParameter,
        ),
        (
            ptb(
                vec![an_object()],
                vec![call(PKG, "m", "seal_approve", vec![Argument::Input(0)])],
            ),
            PtbError::InvalidFirstParameter,
        ),
        // A u64 is not a vector<u8>: the length prefix claims more bytes than there are.
        (
            ptb(
                vec![Input::Pure(vec![9, 0, 0, 0, 0, 0, 0, 0])],
                vec![ok_call()],
            ),
            PtbError::InvalidFirstParameterBcs,
        ),
        // Trailing bytes after the vector.
        (
            ptb(vec![Input::Pure(vec![1, 7, 0])], vec![ok_call()]),
            PtbError::InvalidFirstParameterBcs,
        ),
        (
            ptb(
                id(),
                vec![call(PKG, "m", "approve", vec![Argument::Input(0)])],
            ),
            PtbError::InvalidFunctionOrPackage,
        ),
        (
            ptb(
                id(),
                vec![
                    ok_call(),
                    call(OTHER_PKG, "m", "seal_approve", vec![Argument::Input(0)]),
                ],
            ),
            PtbError::InvalidFunctionOrPackage,
        ),
        (
            ptb(vec![pure_id(&[0; MAX_INNER_ID_LEN + 1])], vec![ok_call()]),
            PtbError::InnerIdTooLong(MAX_INNER_ID_LEN + 1),
        ),
    ];
    for (tx, expected) in cases {
        assert_eq!(validate(&tx), Err(expected.clone()), "{expected}");
    }
    // The longest allowed id passes.
    assert!(validate(&ptb(vec![pure_id(&[0; MAX_INNER_ID_LEN])], vec![ok_call()])).is_ok());
}

#[test]
fn encoding_errors() {
    assert_eq!(
        ValidPtb::from_base64("not base64!"),
        Err(PtbError::InvalidBase64)
    );
    assert_eq!(ValidPtb::from_base64("AQID"), Err(PtbError::InvalidBcs));
    let tx = ptb(
        vec![pure_id(&[1])],
        vec![call(PKG, "m", "seal_approve", vec![Argument::Input(0)])],
    );
    let mut bytes = bcs::to_bytes(&tx).unwrap();
    let text = crate::encoding::to_base64(&bytes);
    assert!(ValidPtb::from_base64(&text).is_ok());
    bytes.push(0);
    assert_eq!(ValidPtb::from_bcs(&bytes), Err(PtbError::InvalidBcs));
}

#[test]
fn messages_are_the_official_ones() {
    assert_eq!(
        PtbError::TooManyCommands.to_string(),
        "Too many commands in PTB (more than 100)"
    );
    assert_eq!(
        PtbError::InvalidFirstParameterBcs.to_string(),
        "Invalid BCS for first parameter for seal_approve"
    );
    assert_eq!(
        PtbError::InnerIdTooLong(2000).to_string(),
        "Inner id too long (2000 bytes, at most 1024)"
    );
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = ValidPtb::from_bcs(&bytes);
        let _ = ValidPtb::from_base64(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn valid_ptbs_round_trip(
        ids in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 1..8),
        suffixes in proptest::collection::vec("[a-z_]{0,8}", 1..8),
    ) {
        let inputs: Vec<Input> = ids.iter().map(|id| pure_id(id)).collect();
        let commands: Vec<Command> = suffixes
            .iter()
            .enumerate()
            .map(|(i, suffix)| call(PKG, "m", &format!("seal_approve{suffix}"), vec![Argument::Input((i % ids.len()) as u16)]))
            .collect();
        let tx = ptb(inputs, commands);
        let bytes = bcs::to_bytes(&tx).unwrap();
        let valid = ValidPtb::from_bcs(&bytes).unwrap();
        prop_assert_eq!(valid.bcs_bytes(), &bytes[..]);
        prop_assert_eq!(valid.ptb(), &tx);
        let expected: Vec<Vec<u8>> = (0..suffixes.len()).map(|i| ids[i % ids.len()].clone()).collect();
        prop_assert_eq!(valid.inner_ids(), &expected[..]);
    }
}
