//! The Unix socket: binding, who may connect, and serving connections until shutdown.
//!
//! Defence in depth around the socket: it is created 0660 (the directory's owner decides who
//! can reach it), and every accepted connection's peer uid is checked with `SO_PEERCRED` against
//! the allowlist before a single byte is read. Frames are length-prefixed and bounded
//! (`seal_protocol::vault::MAX_FRAME_LEN`); connections and in-flight calls per connection are
//! bounded too.

use std::future::Future;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::StreamExt;
use seal_protocol::vault::Vault;
use tarpc::server::{BaseChannel, Channel};
use tarpc::tokio_serde::formats::Bincode;
use tarpc::tokio_util::codec::Framed;
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::Semaphore;

use crate::Error;
use crate::frames::VaultFrames;
use crate::service::{Peer, Shared, VaultServer};

/// Calls one connection may have in flight.
pub const MAX_IN_FLIGHT_PER_CONNECTION: usize = 32;

/// Who may connect and how many at once.
#[derive(Debug, Clone)]
pub struct AccessPolicy {
    /// Peer uids allowed.
    pub allow_uids: Vec<u32>,
    /// Connections served at once; more are closed on accept.
    pub max_connections: usize,
}

/// Binds the socket with mode 0660. A stale socket left by a crash is replaced; any other file
/// at that path is an error.
pub fn bind(path: &Path) -> Result<UnixListener, Error> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_socket() => std::fs::remove_file(path)
            .map_err(|e| Error::io(format!("removing stale socket {}", path.display()), e))?,
        Ok(_) => {
            return Err(Error::Config(format!(
                "{} exists and is not a socket",
                path.display()
            )));
        }
        Err(_) => {}
    }
    // Bind under a restrictive umask so the socket never exists with wider permissions.
    let previous = nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o117));
    let listener = UnixListener::bind(path);
    nix::sys::stat::umask(previous);
    let listener = listener.map_err(|e| Error::io(format!("binding {}", path.display()), e))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o660))
        .map_err(|e| Error::io(format!("chmod {}", path.display()), e))?;
    Ok(listener)
}

/// Removes the socket file when dropped.
pub struct SocketGuard(pub PathBuf);

impl Drop for SocketGuard {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Serves connections until `shutdown` completes.
pub async fn run(
    listener: UnixListener,
    shared: Arc<Shared>,
    policy: AccessPolicy,
    shutdown: impl Future,
) {
    let slots = Arc::new(Semaphore::new(policy.max_connections));
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    tracing::warn!(%err, "accept failed");
                    continue;
                }
            },
        };
        let Some(peer) = admit(&stream, &policy) else {
            continue;
        };
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            tracing::warn!(uid = peer.uid, pid = ?peer.pid, "connection limit reached; closing");
            continue;
        };
        let server = VaultServer::new(Arc::clone(&shared), peer);
        tokio::spawn(async move {
            serve_connection(stream, server).await;
            drop(slot);
        });
    }
}

/// The peer of an accepted connection, if its uid is allowed.
fn admit(stream: &UnixStream, policy: &AccessPolicy) -> Option<Peer> {
    let credentials = match stream.peer_cred() {
        Ok(credentials) => credentials,
        Err(err) => {
            tracing::warn!(%err, "no peer credentials; closing");
            return None;
        }
    };
    let peer = Peer {
        uid: credentials.uid(),
        pid: credentials.pid(),
    };
    if policy.allow_uids.contains(&peer.uid) {
        tracing::debug!(uid = peer.uid, pid = ?peer.pid, "connection accepted");
        Some(peer)
    } else {
        tracing::warn!(uid = peer.uid, pid = ?peer.pid, "peer uid not allowed; closing");
        None
    }
}

/// Serves one connection until the peer closes it or sends a frame that does not decode.
async fn serve_connection(stream: UnixStream, server: VaultServer) {
    let framed = Framed::new(stream, VaultFrames::default());
    let transport = tarpc::tokio_serde::Framed::new(framed, Bincode::default());
    BaseChannel::with_defaults(transport)
        .max_concurrent_requests(MAX_IN_FLIGHT_PER_CONNECTION)
        .execute(server.serve())
        .for_each_concurrent(MAX_IN_FLIGHT_PER_CONNECTION, |response| response)
        .await;
}
