//! Native packages: Rust implementations of Move packages, with the same struct layouts (BCS),
//! function names and abort codes as the Move sources under `move/`.
//!
//! A package is a table of modules, a module a table of functions. Each function declares its
//! parameters as a PTB sees them (the implicit `&TxContext` is not one of them), so the
//! interpreter can report arity and argument-kind errors as a fullnode would. To add a pattern,
//! write a module table and list it in its package: nothing else changes.

pub mod framework;
pub mod hmac_decryption;
pub mod key_request;
pub mod patterns;
pub mod private_data;
pub mod seal;
pub mod subscription;
pub mod voting;
pub mod whitelist;

use serde::Serialize;
use serde::de::DeserializeOwned;
use sui_sdk_types::{Address, Identifier, Owner, StructTag, TypeTag};

use crate::exec::{ExecError, ExecResult, TxContext, Value};

/// How a PTB argument is passed to a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// A pure value (BCS bytes).
    Pure,
    /// An object by immutable reference.
    Ref,
    /// An object by mutable reference.
    Mut,
    /// An object by value.
    Val,
}

/// A native function.
pub struct NativeFunction {
    /// Its name.
    pub name: &'static str,
    /// Its PTB-visible parameters.
    pub params: &'static [Param],
    /// Its body.
    pub run: fn(&mut Call<'_, '_>) -> ExecResult<Vec<Value>>,
}

/// A native module.
pub struct NativeModule {
    /// Its name.
    pub name: &'static str,
    /// The Move file it mirrors.
    pub source: &'static str,
    /// Its functions.
    pub functions: &'static [NativeFunction],
    /// Its structs (recorded in the package's type-origin table).
    pub structs: &'static [&'static str],
    /// Its structs that have only `key` (no `store`): no public transfer.
    pub key_only_structs: &'static [&'static str],
    /// What its `init` creates when the package is first published (not on upgrades).
    pub init_objects: &'static [InitObject],
}

/// An object a module's `init` creates at first publish.
pub struct InitObject {
    /// Its struct's name in the module.
    pub name: &'static str,
    /// Its contents (BCS, starting with the id) given its id.
    pub contents: fn(Address) -> Vec<u8>,
    /// Shared, or owned by the publisher.
    pub shared: bool,
}

/// A native package.
pub struct NativePackage {
    /// A name for logs and the admin surface.
    pub name: &'static str,
    /// Its modules.
    pub modules: &'static [&'static NativeModule],
}

impl NativePackage {
    /// Module names.
    pub fn module_names(&self) -> Vec<&'static str> {
        self.modules.iter().map(|m| m.name).collect()
    }

    /// `(module, struct)` of every struct.
    pub fn structs(&self) -> Vec<(&'static str, &'static str)> {
        self.modules
            .iter()
            .flat_map(|m| m.structs.iter().map(move |s| (m.name, *s)))
            .collect()
    }

    /// A function by module and name.
    pub fn function(
        &self,
        module: &str,
        function: &str,
    ) -> Option<(&'static NativeModule, &'static NativeFunction)> {
        let module = self.modules.iter().find(|m| m.name == module)?;
        module
            .functions
            .iter()
            .find(|f| f.name == function)
            .map(|f| (*module, f))
    }
}

/// Every native package the emulator knows, by name.
pub fn packages() -> [&'static NativePackage; 3] {
    [&framework::FRAMEWORK, &seal::SEAL, &patterns::PATTERNS]
}

/// Whether a type has `store` (objects of it can be transferred with `public_transfer`).
pub fn has_store(type_: &TypeTag) -> bool {
    let TypeTag::Struct(tag) = type_ else {
        return true;
    };
    !packages().iter().flat_map(|p| p.modules.iter()).any(|m| {
        m.name == tag.module().as_str() && m.key_only_structs.contains(&tag.name().as_str())
    })
}

/// One call of a native function.
pub struct Call<'c, 'l> {
    /// The transaction.
    pub ctx: &'c mut TxContext<'l>,
    /// The package id the PTB named (maybe an upgraded version).
    pub package: Address,
    /// The package's original id: the address of its types.
    pub origin: Address,
    /// The module.
    pub module: &'static str,
    /// The function.
    pub function: &'static str,
    /// Type arguments.
    pub type_args: Vec<TypeTag>,
    /// Arguments, checked against the parameter kinds.
    pub args: Vec<Value>,
}

impl Call<'_, '_> {
    /// A Move abort at this function.
    pub fn abort(&self, code: u64) -> ExecError {
        ExecError::Abort {
            package: self.package,
            module: self.module,
            function: self.function,
            code,
        }
    }

    /// A Move abort raised inside another module (e.g. `0x1::bcs` when an id is too short).
    pub fn abort_in(
        &self,
        package: Address,
        module: &'static str,
        function: &'static str,
        code: u64,
    ) -> ExecError {
        ExecError::Abort {
            package,
            module,
            function,
            code,
        }
    }

    /// Decodes pure argument `i` as `T` (all bytes must be used).
    pub fn pure<T: DeserializeOwned>(&self, i: usize) -> ExecResult<T> {
        match self.args.get(i) {
            Some(Value::Pure(bytes)) => {
                bcs::from_bytes(bytes).map_err(|_| ExecError::ArgumentBcs(i as u16))
            }
            _ => Err(ExecError::ArgumentType(i as u16)),
        }
    }

    /// The id of object argument `i`.
    pub fn object_id(&self, i: usize) -> ExecResult<Address> {
        match self.args.get(i) {
            Some(Value::Object(id)) => Ok(*id),
            _ => Err(ExecError::ArgumentType(i as u16)),
        }
    }

    /// Reads object argument `i`, which must have type `expected`.
    pub fn read<T: DeserializeOwned>(
        &mut self,
        i: usize,
        expected: &StructTag,
    ) -> ExecResult<(Address, T)> {
        let id = self.object_id(i)?;
        let (type_, value) = self.read_object::<T>(id)?;
        if &type_ != expected {
            return Err(ExecError::ArgumentType(i as u16));
        }
        Ok((id, value))
    }

    /// Reads any visible object by id, with its type.
    pub fn read_object<T: DeserializeOwned>(&mut self, id: Address) -> ExecResult<(StructTag, T)> {
        let object = self.ctx.object(id)?;
        let value = bcs::from_bytes(&object.contents).map_err(|_| ExecError::ObjectNotFound(id))?;
        Ok((object.type_.clone(), value))
    }

    /// Writes a new value into an object.
    pub fn write<T: Serialize>(&mut self, id: Address, value: &T) -> ExecResult<()> {
        let contents = bcs::to_bytes(value).map_err(|_| ExecError::ObjectNotFound(id))?;
        self.ctx.write(id, contents)
    }

    /// Creates an object of a type of this package.
    pub fn create<T: Serialize>(
        &mut self,
        id: Address,
        type_: StructTag,
        value: &T,
        owner: Owner,
    ) -> ExecResult<()> {
        let contents = bcs::to_bytes(value).map_err(|_| ExecError::ObjectNotFound(id))?;
        self.ctx.create(id, type_, contents, owner);
        Ok(())
    }

    /// `<this package's original id>::module::name<type_params>`.
    pub fn type_(
        &self,
        module: &'static str,
        name: &'static str,
        type_params: Vec<TypeTag>,
    ) -> StructTag {
        struct_tag(self.origin, module, name, type_params)
    }

    /// The clock reading of argument `i`, which must be the clock object.
    pub fn clock_ms(&mut self, i: usize) -> ExecResult<u64> {
        let (_, clock) =
            self.read::<crate::clock::ClockContents>(i, &crate::clock::clock_type())?;
        Ok(clock.timestamp_ms)
    }
}

/// A struct tag from its parts.
pub fn struct_tag(
    address: Address,
    module: &'static str,
    name: &'static str,
    type_params: Vec<TypeTag>,
) -> StructTag {
    StructTag::new(
        address,
        Identifier::from_static(module),
        Identifier::from_static(name),
        type_params,
    )
}
