// The official TypeScript SDK reads key servers from seal-localnet the way @mysten/seal does:
// SuiGrpcClient with its default gRPC-web transport, getObject for the KeyServer object and
// getDynamicField for its V1/V2 record. The key servers are registered with the same SDK
// (build, sign, execute), so the emulator's transaction path is exercised from TypeScript too.
//
// The emulator binary: $SEAL_LOCALNET_BIN, else target/debug/seal-localnet of this workspace.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SuiGrpcClient } from '@mysten/sui/grpc';
import { Ed25519Keypair } from '@mysten/sui/keypairs/ed25519';
import { Transaction } from '@mysten/sui/transactions';
import { bcs } from '@mysten/sui/bcs';

const here = dirname(fileURLToPath(import.meta.url));
const binary = process.env.SEAL_LOCALNET_BIN ?? join(here, '../../../target/debug/seal-localnet');
// A valid compressed G2 point (a documented Seal public key).
const PK = Uint8Array.from(Buffer.from('a58bfa576a8efe2e2730bc664b3dbe70257d8e35106e4af7353d007dba092d722314a0aeb6bca5eed735466bbf471aef01e4da8d2efac13112c51d1411f6992b8604656ea2cf6a33ec10ce8468de20e1d7ecbfed8688a281d462f72a41602161', 'hex'));

// Layouts as @mysten/seal declares them.
const KeyServer = bcs.struct('KeyServer', { id: bcs.Address, firstVersion: bcs.u64(), lastVersion: bcs.u64() });
const KeyServerV1 = bcs.struct('KeyServerV1', { name: bcs.string(), url: bcs.string(), keyType: bcs.u8(), pk: bcs.vector(bcs.u8()) });
const ServerType = bcs.enum('ServerType', {
	Independent: bcs.struct('Independent', { url: bcs.string() }),
	Committee: bcs.struct('Committee', {
		version: bcs.u32(),
		threshold: bcs.u16(),
		partialKeyServers: bcs.vector(bcs.struct('PartialKeyServer', { name: bcs.string(), url: bcs.string(), partialPk: bcs.vector(bcs.u8()), partyId: bcs.u16() })),
	}),
});
const KeyServerV2 = bcs.struct('KeyServerV2', { name: bcs.string(), keyType: bcs.u8(), pk: bcs.vector(bcs.u8()), serverType: ServerType });

let localnet;
let client;
let info;

before(async () => {
	assert.ok(existsSync(binary), `build the emulator first: ${binary}`);
	const dir = mkdtempSync(join(tmpdir(), 'seal-localnet-'));
	localnet = spawn(binary, ['start', '--listen', '127.0.0.1:0', '--manual-clock', '--state-dir', dir], { stdio: 'ignore' });
	const state = join(dir, 'localnet.json');
	for (let i = 0; i < 400 && !existsSync(state); i++) await new Promise((r) => setTimeout(r, 25));
	info = JSON.parse(readFileSync(state, 'utf8'));
	client = new SuiGrpcClient({ network: 'localnet', baseUrl: info.grpc_url });
});

after(() => localnet?.kill('SIGTERM'));

async function admin(path, body) {
	const response = await fetch(info.grpc_url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	assert.equal(response.status, 200, await response.clone().text());
	return response.json();
}

async function register(keypair, fn) {
	const address = keypair.getPublicKey().toSuiAddress();
	const { coin_id } = await admin('/admin/fund', { address, amount: 1_000_000_000 });
	const { object: coin } = await client.core.getObject({ objectId: coin_id });
	const tx = new Transaction();
	tx.setSender(address);
	tx.setGasPrice(1000);
	tx.setGasBudget(10_000_000);
	tx.setGasPayment([{ objectId: coin_id, version: coin.version, digest: coin.digest }]);
	tx.moveCall({
		target: `${info.seal_package_id}::key_server::${fn}`,
		arguments: [tx.pure.string('node'), tx.pure.string('http://127.0.0.1:2024'), tx.pure.u8(0), tx.pure.vector('u8', PK)],
	});
	const bytes = await tx.build({ client });
	const { signature } = await keypair.signTransaction(bytes);
	const result = await client.core.executeTransaction({ transaction: bytes, signatures: [signature], include: { effects: true } });
	const executed = result.Transaction ?? result.FailedTransaction ?? result;
	assert.ok(executed.effects?.status?.success, JSON.stringify(executed.effects?.status));
	const { objects } = await client.core.listOwnedObjects({ owner: address, type: `${info.seal_package_id}::key_server::KeyServer` });
	assert.equal(objects.length, 1);
	return objects[0].objectId;
}

// What @mysten/seal's retrieveKeyServers does.
async function readKeyServer(objectId) {
	const { object } = await client.core.getObject({ objectId, include: { content: true } });
	const server = KeyServer.parse(object.content);
	const version = [2, 1].find((v) => v >= Number(server.firstVersion) && v <= Number(server.lastVersion));
	const { dynamicField } = await client.core.getDynamicField({ parentId: objectId, name: { type: 'u64', bcs: bcs.u64().serialize(version).toBytes() } });
	const record = (version === 2 ? KeyServerV2 : KeyServerV1).parse(dynamicField.value.bcs);
	return { server, version, record };
}

test('a V1 key server is read as the Seal SDK reads it', async () => {
	const id = await register(new Ed25519Keypair(), 'create_and_transfer_v1');
	const { server, version, record } = await readKeyServer(id);
	assert.equal(server.id, id);
	assert.equal(version, 1);
	assert.equal(record.url, 'http://127.0.0.1:2024');
	assert.equal(record.keyType, 0);
	assert.deepEqual(Uint8Array.from(record.pk), PK);
});

test('a V2 independent key server is read as the Seal SDK reads it', async () => {
	const id = await register(new Ed25519Keypair(), 'create_and_transfer_v2_independent_server');
	const { version, record } = await readKeyServer(id);
	assert.equal(version, 2);
	assert.equal(record.serverType.$kind, 'Independent');
	assert.equal(record.serverType.Independent.url, 'http://127.0.0.1:2024');
	assert.deepEqual(Uint8Array.from(record.pk), PK);
});

test('a missing object is reported as missing', async () => {
	await assert.rejects(client.core.getObject({ objectId: '0x' + 'ab'.repeat(32) }));
});
