//! Publishing and upgrading native packages, with the `UpgradeCap` Sui gives a publisher.
//!
//! Publishing creates the package (version 1, its own original id) and an
//! `0x2::package::UpgradeCap` owned by the publisher. Upgrading goes through that cap: the new
//! package gets a new id, the same original id and the next version, and the cap moves on to it.

use serde::{Deserialize, Serialize};
use sui_sdk_types::{Address, ObjectData, Owner, StructTag};

use crate::exec::ObjectValue;
use crate::ledger::{Ledger, digest_of};
use crate::natives::{NativePackage, struct_tag};

/// `0x2::package::UpgradeCap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeCap {
    /// The cap's id.
    pub id: Address,
    /// The latest version of the package it upgrades.
    pub package: Address,
    /// That package's version.
    pub version: u64,
    /// The upgrade policy (0: compatible).
    pub policy: u8,
}

/// The cap's type.
pub fn upgrade_cap_type() -> StructTag {
    struct_tag(Address::TWO, "package", "UpgradeCap", vec![])
}

/// What publishing returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    /// The new package.
    pub package_id: Address,
    /// Its upgrade capability.
    pub upgrade_cap_id: Address,
    /// What the modules' `init` created, as a publish transaction's effects would list it.
    pub created: Vec<CreatedByInit>,
}

/// An object a module's `init` created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedByInit {
    /// Its id.
    pub object_id: Address,
    /// Its type, e.g. `0x…::subscription::PackageVersion`.
    pub object_type: String,
}

impl Ledger {
    fn admin_id(&mut self, tag: &str, name: &str) -> Address {
        let seed = [name.as_bytes(), &self.next_admin_count().to_le_bytes()].concat();
        Address::new(digest_of(tag, &seed).into_inner())
    }

    fn write_cap(&mut self, cap: UpgradeCap, owner: Address, version: u64) {
        let value = ObjectValue {
            type_: upgrade_cap_type(),
            contents: bcs::to_bytes(&cap).unwrap_or_default(),
            owner: Owner::Address(owner),
        };
        let digest = digest_of("seal-localnet publish transaction", cap.package.as_bytes());
        if let Some(object) = crate::exec::build_object(value, version, digest) {
            self.put_object(object);
        }
    }

    /// Creates what the package's modules' `init` functions create: shared objects, or objects
    /// owned by `publisher`. Runs at first publish only, as Move's `init` does.
    pub(crate) fn run_inits(
        &mut self,
        native: &'static NativePackage,
        package_id: Address,
        publisher: Address,
    ) -> Vec<CreatedByInit> {
        let mut created = Vec::new();
        let digest = digest_of("seal-localnet publish transaction", package_id.as_bytes());
        for module in native.modules {
            for init in module.init_objects {
                let id = self.admin_id("seal-localnet init", init.name);
                let value = ObjectValue {
                    type_: struct_tag(package_id, module.name, init.name, vec![]),
                    contents: (init.contents)(id),
                    owner: if init.shared {
                        Owner::Shared(1)
                    } else {
                        Owner::Address(publisher)
                    },
                };
                let object_type = value.type_.to_string();
                if let Some(object) = crate::exec::build_object(value, 1, digest) {
                    self.put_object(object);
                    created.push(CreatedByInit {
                        object_id: id,
                        object_type,
                    });
                }
            }
        }
        created
    }

    /// Publishes a copy of a native package at a fresh id; the cap goes to `owner`.
    pub fn publish(&mut self, native: &'static NativePackage, owner: Address) -> Published {
        let package_id = self.admin_id("seal-localnet publish", native.name);
        self.register_package(native, package_id, 1, package_id);
        let created = self.run_inits(native, package_id, owner);
        let upgrade_cap_id = self.admin_id("seal-localnet upgrade cap", native.name);
        self.write_cap(
            UpgradeCap {
                id: upgrade_cap_id,
                package: package_id,
                version: 1,
                policy: 0,
            },
            owner,
            1,
        );
        self.set_clock(self.timestamp_ms());
        Published {
            package_id,
            upgrade_cap_id,
            created,
        }
    }

    /// Upgrades the package `cap` controls to `native`; returns the new package id.
    pub fn upgrade(
        &mut self,
        cap_id: Address,
        native: &'static NativePackage,
    ) -> Result<Address, String> {
        let object = self
            .object(&cap_id)
            .ok_or_else(|| format!("{cap_id} does not exist"))?;
        let (owner, cap_version) = match object.owner() {
            Owner::Address(owner) => (*owner, object.version()),
            _ => return Err(format!("{cap_id} is not an owned UpgradeCap")),
        };
        let cap: UpgradeCap = match object.data() {
            ObjectData::Struct(s) if s.object_type() == &upgrade_cap_type() => {
                bcs::from_bytes(s.contents()).map_err(|e| e.to_string())?
            }
            _ => return Err(format!("{cap_id} is not an UpgradeCap")),
        };
        let (_, origin) = self
            .native_package(&cap.package)
            .ok_or_else(|| format!("{} is not a package", cap.package))?;
        let package_id = self.admin_id("seal-localnet upgrade", native.name);
        let version = cap.version + 1;
        self.register_package(native, package_id, version, origin);
        self.write_cap(
            UpgradeCap {
                package: package_id,
                version,
                ..cap
            },
            owner,
            cap_version + 1,
        );
        self.set_clock(self.timestamp_ms());
        Ok(package_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::LedgerConfig;
    use crate::natives::patterns::PATTERNS;

    #[test]
    fn upgrades_go_through_the_cap_and_keep_the_original_id() {
        let mut ledger = Ledger::new(LedgerConfig {
            start_time_ms: Some(0),
            ..LedgerConfig::default()
        });
        let publisher = Address::from_static("0xb0b");
        let published = ledger.publish(&PATTERNS, publisher);
        let v2 = ledger.upgrade(published.upgrade_cap_id, &PATTERNS).unwrap();
        let v3 = ledger.upgrade(published.upgrade_cap_id, &PATTERNS).unwrap();
        assert_eq!(ledger.native_package(&v3).unwrap().1, published.package_id);
        let versions: Vec<u64> = ledger
            .package_versions(&published.package_id)
            .iter()
            .map(|(_, v)| *v)
            .collect();
        assert_eq!(versions, vec![1, 2, 3]);
        assert_ne!(v2, v3);
        let cap = ledger.object(&published.upgrade_cap_id).unwrap();
        assert_eq!(cap.owner(), &Owner::Address(publisher));
        // Only a cap upgrades.
        assert!(ledger.upgrade(v3, &PATTERNS).is_err());
        assert!(
            ledger
                .upgrade(Address::from_static("0x999"), &PATTERNS)
                .is_err()
        );
    }
}
