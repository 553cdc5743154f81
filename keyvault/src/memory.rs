//! Keeping key memory out of swap and core dumps, and the process out of debuggers.
//!
//! This is the keyvault's only module with `unsafe` code: `mlock(2)` and `madvise(2)` take raw
//! addresses. Everything else here uses safe wrappers.

#![allow(unsafe_code)]

use std::ffi::c_void;
use std::ptr::NonNull;

use nix::sys::mman::{MmapAdvise, madvise, mlock};
use nix::sys::resource::{Resource, setrlimit};

use crate::Error;

/// Locks the pages of `value` in RAM and excludes them from core dumps.
///
/// `T` must be page-aligned and a whole number of pages (`#[repr(align(4096))]`), because
/// `madvise` works on whole pages and must not affect neighbouring data.
pub fn lock_and_hide<T>(value: &T) -> Result<(), Error> {
    let len = std::mem::size_of::<T>();
    let addr = NonNull::from(value).cast::<c_void>();
    if len == 0 || len % page_size() != 0 || addr.as_ptr() as usize % page_size() != 0 {
        return Err(Error::Config("key page is not page-aligned".into()));
    }
    // SAFETY: `addr .. addr + len` is exactly the memory of `*value`, which is borrowed for the
    // duration of the calls and therefore mapped. mlock and madvise(MADV_DONTDUMP) change only
    // paging and dump attributes, never contents, so no Rust invariant about `T` is affected.
    // The range is whole pages of `T` alone (checked above), so no other object is touched.
    unsafe {
        mlock(addr, len).map_err(|errno| Error::Hardening {
            what: "mlock of the key page",
            errno,
        })?;
        madvise(addr, len, MmapAdvise::MADV_DONTDUMP).map_err(|errno| Error::Hardening {
            what: "madvise(MADV_DONTDUMP)",
            errno,
        })?;
    }
    Ok(())
}

/// The page size assumed by [`lock_and_hide`]'s alignment check.
fn page_size() -> usize {
    nix::unistd::sysconf(nix::unistd::SysconfVar::PAGE_SIZE)
        .ok()
        .flatten()
        .and_then(|size| usize::try_from(size).ok())
        .unwrap_or(4096)
}

/// Makes the process non-dumpable (no ptrace attach by the same uid, no `/proc/<pid>/mem`, no
/// core file) and sets the core-file size limit to zero.
pub fn harden_process() -> Result<(), Error> {
    nix::sys::prctl::set_dumpable(false).map_err(|errno| Error::Hardening {
        what: "PR_SET_DUMPABLE=0",
        errno,
    })?;
    setrlimit(Resource::RLIMIT_CORE, 0, 0).map_err(|errno| Error::Hardening {
        what: "RLIMIT_CORE=0",
        errno,
    })?;
    Ok(())
}

/// Overwrites a stretch of the current thread's stack, where moves of key values during loading
/// may have left copies. Best effort: the compiler decides where temporaries live.
#[inline(never)]
pub fn scrub_stack() {
    let mut area = [0u8; 32 * 1024];
    std::hint::black_box(&mut area);
    area.fill(0);
    std::hint::black_box(&area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[repr(C, align(4096))]
    struct Page([u8; 4096]);

    #[repr(C)]
    struct Unaligned([u8; 100]);

    #[test]
    fn a_page_can_be_locked_and_hidden() {
        let page = Box::new(Page([7; 4096]));
        lock_and_hide(&*page).unwrap();
        assert_eq!(page.0[4095], 7);
    }

    #[test]
    fn unaligned_values_are_refused() {
        let value = Box::new(Unaligned([0; 100]));
        assert!(matches!(lock_and_hide(&*value), Err(Error::Config(_))));
    }
}
