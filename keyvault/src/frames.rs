//! Framing on the keyvault socket, with one repair of tarpc's wire format.
//!
//! Frames are length-delimited and bounded (`seal_protocol::vault::frame_codec`). On top of
//! that, every request's deadline is capped before tarpc sees it: tarpc turns the relative
//! deadline it receives into `Instant::now() + deadline`, which panics on overflow, so a peer
//! sending a deadline of `u64::MAX` seconds would abort the keyvault (panics abort in release
//! builds). The cap is applied on the bytes, using bincode's own decoder for the two fields
//! involved; everything after them is passed through untouched.

use std::io::Cursor;
use std::time::Duration;

use bincode::Options;
use seal_protocol::vault::frame_codec;
use tarpc::tokio_util::bytes::{Bytes, BytesMut};
use tarpc::tokio_util::codec::{Decoder, Encoder, LengthDelimitedCodec};

/// The longest deadline a request may carry; longer ones are shortened to this.
pub const MAX_DEADLINE: Duration = Duration::from_secs(60);

/// `ClientMessage::Request` is variant 0 of tarpc's client message enum.
const REQUEST_VARIANT: u32 = 0;

/// The socket codec: bounded length-delimited frames whose request deadlines are capped.
pub struct VaultFrames(LengthDelimitedCodec);

impl Default for VaultFrames {
    fn default() -> Self {
        Self(frame_codec())
    }
}

/// The bincode options tarpc's transport uses (tokio-serde's default).
fn options() -> impl Options {
    bincode::DefaultOptions::new().allow_trailing_bytes()
}

/// Rewrites the deadline of a request frame if it exceeds [`MAX_DEADLINE`]. Frames that do not
/// start like a request are returned as they are; tarpc's decoder will judge them.
pub fn cap_deadline(frame: BytesMut) -> BytesMut {
    let mut cursor = Cursor::new(&frame[..]);
    let Ok(variant) = options().deserialize_from::<_, u32>(&mut cursor) else {
        return frame;
    };
    if variant != REQUEST_VARIANT {
        return frame;
    }
    let Ok(deadline) = options().deserialize_from::<_, Duration>(&mut cursor) else {
        return frame;
    };
    if deadline <= MAX_DEADLINE {
        return frame;
    }
    let rest = &frame[cursor.position() as usize..];
    match options().serialize(&(REQUEST_VARIANT, MAX_DEADLINE)) {
        Ok(mut prefix) => {
            prefix.extend_from_slice(rest);
            BytesMut::from(&prefix[..])
        }
        Err(_) => frame,
    }
}

impl Decoder for VaultFrames {
    type Item = BytesMut;
    type Error = std::io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<BytesMut>, Self::Error> {
        Ok(self.0.decode(src)?.map(cap_deadline))
    }
}

impl Encoder<Bytes> for VaultFrames {
    type Error = std::io::Error;

    fn encode(&mut self, item: Bytes, dst: &mut BytesMut) -> Result<(), Self::Error> {
        self.0.encode(item, dst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(parts: &impl serde::Serialize) -> BytesMut {
        BytesMut::from(&options().serialize(parts).unwrap()[..])
    }

    #[test]
    fn long_deadlines_are_capped_and_the_rest_kept() {
        let original = frame(&(0u32, Duration::from_secs(u64::MAX), 77u64, "tail"));
        let capped = cap_deadline(original);
        let (variant, deadline, id, tail): (u32, Duration, u64, String) =
            options().deserialize(&capped).unwrap();
        assert_eq!(
            (variant, deadline, id, tail.as_str()),
            (0, MAX_DEADLINE, 77, "tail")
        );
    }

    #[test]
    fn other_frames_pass_untouched() {
        for original in [
            frame(&(0u32, Duration::from_secs(10), 1u64)),
            frame(&(1u32, u64::MAX, 1u64)),
            BytesMut::from(&[0xff, 0xff][..]),
            BytesMut::new(),
        ] {
            assert_eq!(cap_deadline(original.clone()), original);
        }
    }
}
