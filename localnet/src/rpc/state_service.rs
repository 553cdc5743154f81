//! `sui.rpc.v2.StateService`: owned objects, dynamic fields, balances.
//!
//! Listings are ordered by object id; a page token is the last id returned.

use sui_rpc::field::FieldMaskTree;
use sui_rpc::proto::sui::rpc::v2 as proto;
use sui_rpc::proto::sui::rpc::v2::state_service_server::StateService;
use sui_sdk_types::{Address, Object, ObjectData, Owner, StructTag, TypeTag};
use tonic::{Request, Response, Status};

use super::{parse_address, read_mask, render_object};
use crate::exec::commands::{CoinContents, is_coin};
use crate::ledger::SharedLedger;

/// The state service.
#[derive(Debug, Clone)]
pub struct StateApi {
    ledger: SharedLedger,
}

impl StateApi {
    /// Serves `ledger`.
    pub fn new(ledger: SharedLedger) -> Self {
        Self { ledger }
    }
}

const DEFAULT_PAGE: u32 = 50;
const MAX_PAGE: u32 = 1000;

/// Where a page starts and how long it is.
fn page(size: Option<u32>, token: Option<&[u8]>) -> Result<(usize, Option<Address>), Status> {
    let size = size.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE) as usize;
    let after = token
        .map(|t| Address::from_bytes(t).map_err(|_| Status::invalid_argument("invalid page_token")))
        .transpose()?;
    Ok((size, after))
}

/// Takes one page of `items` (sorted by id) after `after`, and the next token.
fn paginate<T>(
    items: Vec<(Address, T)>,
    size: usize,
    after: Option<Address>,
) -> (Vec<T>, Option<bytes::Bytes>) {
    let mut rest = items
        .into_iter()
        .filter(|(id, _)| after.is_none_or(|a| *id > a))
        .peekable();
    let mut page = Vec::new();
    let mut last = None;
    while page.len() < size {
        match rest.next() {
            Some((id, item)) => {
                last = Some(id);
                page.push(item);
            }
            None => break,
        }
    }
    let next = rest
        .peek()
        .and(last)
        .map(|id| bytes::Bytes::copy_from_slice(id.as_bytes()));
    (page, next)
}

/// Whether an object's type matches a filter: a full type, or a type without its parameters.
fn type_matches(object: &Object, filter: &str) -> bool {
    let ObjectData::Struct(s) = object.data() else {
        return false;
    };
    let tag = s.object_type();
    let Ok(wanted) = filter.parse::<TypeTag>() else {
        return false;
    };
    let TypeTag::Struct(wanted) = wanted else {
        return false;
    };
    if wanted.type_params().is_empty() {
        tag.address() == wanted.address()
            && tag.module() == wanted.module()
            && tag.name() == wanted.name()
    } else {
        tag == wanted.as_ref()
    }
}

/// Byte length of a BCS value of a type whose layout is known without Move metadata.
fn bcs_len(type_: &TypeTag, bytes: &[u8]) -> Option<usize> {
    fn uleb(bytes: &[u8]) -> Option<(usize, usize)> {
        let (mut value, mut shift) = (0usize, 0);
        for (i, byte) in bytes.iter().enumerate().take(5) {
            value |= usize::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some((value, i + 1));
            }
            shift += 7;
        }
        None
    }
    match type_ {
        TypeTag::Bool | TypeTag::U8 => Some(1),
        TypeTag::U16 => Some(2),
        TypeTag::U32 => Some(4),
        TypeTag::U64 => Some(8),
        TypeTag::U128 => Some(16),
        TypeTag::U256 | TypeTag::Address | TypeTag::Signer => Some(32),
        TypeTag::Vector(inner) => {
            let (count, mut at) = uleb(bytes)?;
            for _ in 0..count {
                at += bcs_len(inner, bytes.get(at..)?)?;
            }
            Some(at)
        }
        TypeTag::Struct(tag) => {
            let named = |a: &str, m: &str, n: &str| {
                tag.address() == &a.parse::<Address>().ok().unwrap_or(Address::ZERO)
                    && tag.module().as_str() == m
                    && tag.name().as_str() == n
            };
            if named("0x1", "string", "String") || named("0x1", "ascii", "String") {
                bcs_len(&TypeTag::Vector(Box::new(TypeTag::U8)), bytes)
            } else if named("0x2", "object", "ID") {
                Some(32)
            } else {
                None
            }
        }
    }
}

/// A dynamic field as the state service lists it.
fn dynamic_field(
    parent: Address,
    object: &Object,
    mask: &FieldMaskTree,
) -> Option<proto::DynamicField> {
    let ObjectData::Struct(s) = object.data() else {
        return None;
    };
    let tag: &StructTag = s.object_type();
    if tag.address() != &Address::TWO
        || tag.module().as_str() != "dynamic_field"
        || tag.name().as_str() != "Field"
    {
        return None;
    }
    let [name_type, value_type] = tag.type_params() else {
        return None;
    };
    let mut field = proto::DynamicField::default();
    field.kind = Some(proto::dynamic_field::DynamicFieldKind::Field as i32);
    if mask.contains("parent") {
        field.parent = Some(parent.to_string());
    }
    if mask.contains("field_id") {
        field.field_id = Some(object.object_id().to_string());
    }
    if mask.contains("field_object") {
        field.field_object = Some(render_object(
            object,
            &mask
                .subtree("field_object")
                .unwrap_or_else(FieldMaskTree::new_wildcard),
        ));
    }
    let contents = s.contents().get(32..)?;
    if let Some(name_len) = bcs_len(name_type, contents) {
        let bcs = |type_: &TypeTag, value: &[u8]| {
            let mut bcs = proto::Bcs::default();
            bcs.name = Some(type_.to_string());
            bcs.value = Some(value.to_vec().into());
            bcs
        };
        if mask.contains("name") {
            field.name = Some(bcs(name_type, &contents[..name_len]));
        }
        if mask.contains("value") {
            field.value = Some(bcs(value_type, &contents[name_len..]));
        }
    }
    if mask.contains("value_type") {
        field.value_type = Some(value_type.to_string());
    }
    Some(field)
}

#[tonic::async_trait]
impl StateService for StateApi {
    async fn list_owned_objects(
        &self,
        request: Request<proto::ListOwnedObjectsRequest>,
    ) -> Result<Response<proto::ListOwnedObjectsResponse>, Status> {
        let request = request.into_inner();
        let owner = parse_address("owner", request.owner.as_deref())?;
        let mask =
            read_mask::<proto::Object>(request.read_mask.clone(), "object_id,version,object_type")?;
        let (size, after) = page(request.page_size, request.page_token.as_deref())?;
        let ledger = self.ledger.lock();
        let owned = ledger
            .objects()
            .filter(|o| matches!(o.owner(), Owner::Address(a) | Owner::ConsensusAddress { owner: a, .. } if *a == owner))
            .filter(|o| request.object_type.as_deref().is_none_or(|t| type_matches(o, t)))
            .map(|o| (o.object_id(), render_object(o, &mask)))
            .collect();
        let (objects, next_page_token) = paginate(owned, size, after);
        let mut response = proto::ListOwnedObjectsResponse::default();
        response.objects = objects;
        response.next_page_token = next_page_token;
        Ok(Response::new(response))
    }

    async fn list_dynamic_fields(
        &self,
        request: Request<proto::ListDynamicFieldsRequest>,
    ) -> Result<Response<proto::ListDynamicFieldsResponse>, Status> {
        let request = request.into_inner();
        let parent = parse_address("parent", request.parent.as_deref())?;
        let mask = read_mask::<proto::DynamicField>(request.read_mask.clone(), "parent,field_id")?;
        let (size, after) = page(request.page_size, request.page_token.as_deref())?;
        let ledger = self.ledger.lock();
        let fields = ledger
            .objects()
            .filter(|o| o.owner() == &Owner::Object(parent))
            .filter_map(|o| Some((o.object_id(), dynamic_field(parent, o, &mask)?)))
            .collect();
        let (dynamic_fields, next_page_token) = paginate(fields, size, after);
        let mut response = proto::ListDynamicFieldsResponse::default();
        response.dynamic_fields = dynamic_fields;
        response.next_page_token = next_page_token;
        Ok(Response::new(response))
    }

    async fn get_balance(
        &self,
        request: Request<proto::GetBalanceRequest>,
    ) -> Result<Response<proto::GetBalanceResponse>, Status> {
        let request = request.into_inner();
        let owner = parse_address("owner", request.owner.as_deref())?;
        let coin_type: TypeTag = request
            .coin_type
            .as_deref()
            .ok_or_else(|| Status::invalid_argument("missing coin_type"))?
            .parse()
            .map_err(|_| Status::invalid_argument("invalid coin_type"))?;
        let ledger = self.ledger.lock();
        let total: u64 = ledger
            .objects()
            .filter(|o| o.owner() == &Owner::Address(owner))
            .filter_map(|o| match o.data() {
                ObjectData::Struct(s)
                    if is_coin(s.object_type())
                        && s.object_type().type_params() == std::slice::from_ref(&coin_type) =>
                {
                    bcs::from_bytes::<CoinContents>(s.contents())
                        .ok()
                        .map(|c| c.value)
                }
                _ => None,
            })
            .fold(0u64, u64::saturating_add);
        let mut balance = proto::Balance::default();
        balance.coin_type = Some(coin_type.to_string());
        balance.balance = Some(total);
        balance.coin_balance = Some(total);
        balance.address_balance = Some(0);
        let mut response = proto::GetBalanceResponse::default();
        response.balance = Some(balance);
        Ok(Response::new(response))
    }
}
