//! A fixed pool of threads for the pairing-group arithmetic.
//!
//! A 100-id derive call costs tens of milliseconds of CPU; run on the async reactor it would
//! stall every other call. The threads are created before the sandbox is entered (the seccomp
//! filter forbids creating more), and jobs wait in a bounded queue: when it is full, callers wait
//! instead of piling up work without limit.

use std::sync::{Arc, Mutex};

use seal_protocol::vault::VaultError;
use tokio::sync::{mpsc, oneshot};

use crate::keys::KeyRing;

type Job = Box<dyn FnOnce(&KeyRing) + Send>;

/// Handle to the pool; cheap to clone.
#[derive(Clone)]
pub struct CryptoPool {
    jobs: mpsc::Sender<Job>,
}

impl CryptoPool {
    /// Starts `threads` workers sharing `ring`, with a queue of `queue` jobs, and returns once
    /// every worker is running. That matters for the sandbox: a thread still starting when the
    /// filter is installed would make its start-up system calls (`rseq`, ...) under it and die.
    pub fn start(ring: Arc<KeyRing>, threads: usize, queue: usize) -> std::io::Result<Self> {
        let (jobs, receiver) = mpsc::channel::<Job>(queue.max(1));
        let receiver = Arc::new(Mutex::new(receiver));
        let threads = threads.max(1);
        let (ready, all_ready) = std::sync::mpsc::channel::<()>();
        for n in 0..threads {
            let receiver = Arc::clone(&receiver);
            let ring = Arc::clone(&ring);
            let ready = ready.clone();
            std::thread::Builder::new()
                .name(format!("keyvault-crypto-{n}"))
                .spawn(move || {
                    let _ = ready.send(());
                    drop(ready);
                    worker(&ring, &receiver)
                })?;
        }
        for _ in 0..threads {
            all_ready.recv().map_err(std::io::Error::other)?;
        }
        Ok(Self { jobs })
    }

    /// Runs `work` on a worker and returns its result.
    pub async fn run<T, F>(&self, work: F) -> Result<T, VaultError>
    where
        T: Send + 'static,
        F: FnOnce(&KeyRing) -> Result<T, VaultError> + Send + 'static,
    {
        let (reply, result) = oneshot::channel();
        let job: Job = Box::new(move |ring| {
            // The caller may have gone away (deadline passed); nothing to do then.
            let _ = reply.send(work(ring));
        });
        self.jobs
            .send(job)
            .await
            .map_err(|_| VaultError::Internal)?;
        result.await.map_err(|_| VaultError::Internal)?
    }
}

fn worker(ring: &KeyRing, receiver: &Mutex<mpsc::Receiver<Job>>) {
    loop {
        // One worker at a time waits on the queue; the others wait for the lock.
        let job = match receiver.lock() {
            Ok(mut queue) => queue.blocking_recv(),
            Err(_) => None,
        };
        match job {
            Some(job) => job(ring),
            None => return,
        }
    }
}
