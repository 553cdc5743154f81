//! The built-in PTB commands: transfers, coin splits and merges, vectors.

use serde::{Deserialize, Serialize};
use sui_sdk_types::{Address, Argument, Owner};

use super::{ExecError, ExecResult, Interpreter, Value};

/// `0x2::coin::Coin<T>`: an id and a balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoinContents {
    /// The coin's id.
    pub id: Address,
    /// Its balance.
    pub value: u64,
}

/// Whether a type is `0x2::coin::Coin<_>`.
pub fn is_coin(type_: &sui_sdk_types::StructTag) -> bool {
    type_.address() == &Address::TWO
        && type_.module().as_str() == "coin"
        && type_.name().as_str() == "Coin"
}

fn coin(
    interpreter: &mut Interpreter<'_, '_>,
    argument: &Argument,
    position: u16,
) -> ExecResult<(Address, sui_sdk_types::StructTag, CoinContents)> {
    let Value::Object(id) = interpreter.argument(argument, position)? else {
        return Err(ExecError::ArgumentType(position));
    };
    let object = interpreter.ctx.object(id)?;
    if !is_coin(&object.type_) {
        return Err(ExecError::ArgumentType(position));
    }
    let type_ = object.type_.clone();
    let contents =
        bcs::from_bytes(&object.contents).map_err(|_| ExecError::ArgumentType(position))?;
    Ok((id, type_, contents))
}

/// `TransferObjects(objects, address)`.
pub fn transfer_objects(
    interpreter: &mut Interpreter<'_, '_>,
    objects: &[Argument],
    address: &Argument,
) -> ExecResult<Vec<Value>> {
    let position = objects.len() as u16;
    let Value::Pure(recipient) = interpreter.argument(address, position)? else {
        return Err(ExecError::ArgumentType(position));
    };
    let recipient: Address =
        bcs::from_bytes(&recipient).map_err(|_| ExecError::ArgumentBcs(position))?;
    for (position, argument) in objects.iter().enumerate() {
        let Value::Object(id) = interpreter.argument(argument, position as u16)? else {
            return Err(ExecError::ArgumentType(position as u16));
        };
        let type_ = interpreter.ctx.object(id)?.type_.clone();
        if !crate::natives::has_store(&sui_sdk_types::TypeTag::Struct(Box::new(type_))) {
            return Err(ExecError::ArgumentType(position as u16));
        }
        interpreter.ctx.set_owner(id, Owner::Address(recipient))?;
        interpreter.place(id);
    }
    Ok(vec![])
}

/// `SplitCoins(coin, amounts)`: new coins of the same type, taken from `coin`.
pub fn split_coins(
    interpreter: &mut Interpreter<'_, '_>,
    coin_arg: &Argument,
    amounts: &[Argument],
) -> ExecResult<Vec<Value>> {
    let (id, type_, mut source) = coin(interpreter, coin_arg, 0)?;
    let mut results = Vec::new();
    for (position, argument) in amounts.iter().enumerate() {
        let position = position as u16 + 1;
        let Value::Pure(amount) = interpreter.argument(argument, position)? else {
            return Err(ExecError::ArgumentType(position));
        };
        let amount: u64 = bcs::from_bytes(&amount).map_err(|_| ExecError::ArgumentBcs(position))?;
        source.value = source
            .value
            .checked_sub(amount)
            .ok_or(ExecError::InsufficientCoinBalance)?;
        let new_id = interpreter.ctx.fresh_id();
        let contents = bcs::to_bytes(&CoinContents {
            id: new_id,
            value: amount,
        })
        .unwrap_or_default();
        let sender = interpreter.ctx.sender();
        interpreter
            .ctx
            .create(new_id, type_.clone(), contents, Owner::Address(sender));
        results.push(Value::Object(new_id));
    }
    interpreter
        .ctx
        .write(id, bcs::to_bytes(&source).unwrap_or_default())?;
    Ok(results)
}

/// `MergeCoins(coin, coins)`: the coins' balances move into `coin`; they are deleted.
pub fn merge_coins(
    interpreter: &mut Interpreter<'_, '_>,
    coin_arg: &Argument,
    sources: &[Argument],
) -> ExecResult<Vec<Value>> {
    let (id, type_, mut target) = coin(interpreter, coin_arg, 0)?;
    for (position, argument) in sources.iter().enumerate() {
        let (source_id, source_type, source) = coin(interpreter, argument, position as u16 + 1)?;
        if source_type != type_ || source_id == id {
            return Err(ExecError::ArgumentType(position as u16 + 1));
        }
        target.value = target
            .value
            .checked_add(source.value)
            .ok_or(ExecError::InsufficientCoinBalance)?;
        interpreter.ctx.delete(source_id)?;
        interpreter.place(source_id);
    }
    interpreter
        .ctx
        .write(id, bcs::to_bytes(&target).unwrap_or_default())?;
    Ok(vec![])
}

/// `MakeMoveVec(elements)` of pure values: the BCS vector of their encodings.
pub fn make_move_vec(
    interpreter: &mut Interpreter<'_, '_>,
    elements: &[Argument],
) -> ExecResult<Vec<Value>> {
    let mut bytes = Vec::new();
    let mut length = elements.len();
    loop {
        let byte = (length & 0x7f) as u8;
        length >>= 7;
        if length == 0 {
            bytes.push(byte);
            break;
        }
        bytes.push(byte | 0x80);
    }
    for (position, argument) in elements.iter().enumerate() {
        match interpreter.argument(argument, position as u16)? {
            Value::Pure(element) => bytes.extend(element),
            Value::Object(_) => return Err(ExecError::ArgumentType(position as u16)),
        }
    }
    Ok(vec![Value::Pure(bytes)])
}
