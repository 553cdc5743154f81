// The official TypeScript SDK (@mysten/seal 1.4.12 with @mysten/sui's SuiGrpcClient) against
// the whole stack started by `seal dev --servers 3`: encrypt, fetch keys with a threshold,
// decrypt, verify the key servers, and see policy refusals as the SDK's own error classes.
//
// The `seal` binary: $SEAL_BIN, else target/debug/seal of this workspace (its siblings
// seal-localnet, seal-keyvault and seal-frontend must be built next to it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SealClient, SessionKey, NoAccessError, InvalidPTBError } from '@mysten/seal';
import { SuiGrpcClient } from '@mysten/sui/grpc';
import { Ed25519Keypair } from '@mysten/sui/keypairs/ed25519';
import { Transaction } from '@mysten/sui/transactions';
import { bcs } from '@mysten/sui/bcs';

const here = dirname(fileURLToPath(import.meta.url));
const sealBin = process.env.SEAL_BIN ?? join(here, '../../target/debug/seal');

let dev;
let info;
let suiClient;

before(async () => {
	assert.ok(existsSync(sealBin), `build the workspace first: ${sealBin}`);
	const infoFile = join(mkdtempSync(join(tmpdir(), 'seal-interop-')), 'info.json');
	dev = spawn(sealBin, ['dev', '--servers', '3', '--info-file', infoFile], { stdio: 'ignore' });
	for (let i = 0; i < 1200 && !existsSync(infoFile); i++) await new Promise((r) => setTimeout(r, 50));
	info = JSON.parse(readFileSync(infoFile, 'utf8'));
	suiClient = new SuiGrpcClient({ network: 'localnet', baseUrl: info.sui_grpc_url });
});

after(() => dev?.kill('SIGTERM'));

function sealClient(options = {}) {
	return new SealClient({
		suiClient,
		serverConfigs: info.key_servers.map((server) => ({ objectId: server.object_id, weight: 1 })),
		verifyKeyServers: false,
		...options,
	});
}

function timeId(ms) {
	return bcs.u64().serialize(ms).toBytes();
}

async function tleTransaction(idBytes) {
	const tx = new Transaction();
	tx.moveCall({
		target: `${info.patterns_package_id}::tle::seal_approve`,
		arguments: [tx.pure.vector('u8', idBytes), tx.object('0x6')],
	});
	return tx.build({ client: suiClient, onlyTransactionKind: true });
}

async function session(keypair) {
	return SessionKey.create({
		address: keypair.getPublicKey().toSuiAddress(),
		packageId: info.patterns_package_id,
		ttlMin: 10,
		signer: keypair,
		suiClient,
	});
}

const hex = (bytes) => Buffer.from(bytes).toString('hex');

test('SDK encrypt, then SDK fetch and decrypt with 2 of 3 key servers', async () => {
	const client = sealClient({ verifyKeyServers: true });
	const idBytes = timeId(Date.now() - 60_000);
	const data = new TextEncoder().encode('sealed by the official SDK');
	const { encryptedObject } = await client.encrypt({ threshold: 2, packageId: info.patterns_package_id, id: hex(idBytes), data });
	const txBytes = await tleTransaction(idBytes);
	const decrypted = await client.decrypt({ data: encryptedObject, sessionKey: await session(new Ed25519Keypair()), txBytes, checkShareConsistency: true });
	assert.equal(new TextDecoder().decode(decrypted), 'sealed by the official SDK');
});

test('a time-lock in the future is refused with NoAccessError', async () => {
	const client = sealClient();
	const idBytes = timeId(Date.now() + 3_600_000);
	const { encryptedObject } = await client.encrypt({ threshold: 2, packageId: info.patterns_package_id, id: hex(idBytes), data: new Uint8Array([1, 2, 3]) });
	const txBytes = await tleTransaction(idBytes);
	await assert.rejects(
		client.decrypt({ data: encryptedObject, sessionKey: await session(new Ed25519Keypair()), txBytes }),
		(error) => error instanceof NoAccessError,
	);
});

test('a call to a missing seal_approve function is InvalidPTBError', async () => {
	const client = sealClient();
	const idBytes = timeId(Date.now() - 60_000);
	const { encryptedObject } = await client.encrypt({ threshold: 2, packageId: info.patterns_package_id, id: hex(idBytes), data: new Uint8Array([7]) });
	const tx = new Transaction();
	tx.moveCall({ target: `${info.patterns_package_id}::tle::seal_approve_missing`, arguments: [tx.pure.vector('u8', idBytes), tx.object('0x6')] });
	const txBytes = await tx.build({ client: suiClient, onlyTransactionKind: true });
	await assert.rejects(
		client.decrypt({ data: encryptedObject, sessionKey: await session(new Ed25519Keypair()), txBytes }),
		(error) => error instanceof InvalidPTBError,
	);
});

const seal = (args, input) => execFileSync(sealBin, args, { input, stdio: ['pipe', 'pipe', 'pipe'] });

test('Rust `seal encrypt`, then SDK decrypt', async () => {
	const id = seal(['id', 'tle', '--in-secs', '-60']).toString().trim();
	const servers = info.key_servers.flatMap((server) => ['--key-server', server.object_id]);
	const object = seal(['encrypt', '--node', info.sui_grpc_url, '--package', info.patterns_package_id, '--id', id, '--threshold', '2', ...servers], 'sealed by the Rust CLI');
	const idBytes = Uint8Array.from(Buffer.from(id, 'hex'));
	const decrypted = await sealClient().decrypt({
		data: new Uint8Array(object),
		sessionKey: await session(new Ed25519Keypair()),
		txBytes: await tleTransaction(idBytes),
		checkShareConsistency: true,
	});
	assert.equal(new TextDecoder().decode(decrypted), 'sealed by the Rust CLI');
});

test('SDK encrypt (both DEMs), then Rust `seal decrypt`', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'seal-interop-'));
	const key = join(dir, 'user.key');
	seal(['keygen', '--out', key]);
	const idBytes = timeId(Date.now() - 60_000);
	for (const demType of [0, 1]) {
		const data = new TextEncoder().encode(`sealed by the SDK with DEM ${demType}`);
		const { encryptedObject } = await sealClient().encrypt({ threshold: 2, packageId: info.patterns_package_id, id: hex(idBytes), data, demType });
		const file = join(dir, `object-${demType}.bin`);
		writeFileSync(file, encryptedObject);
		const plaintext = seal(['decrypt', '--node', info.sui_grpc_url, '--key', key, '--module', 'tle', '--object', '0x6', '--in', file]);
		assert.equal(plaintext.toString(), `sealed by the SDK with DEM ${demType}`);
	}
});

test('threshold 2 of 3 still decrypts with one key server stopped', async () => {
	process.kill(info.key_servers[2].frontend_pid, 'SIGKILL');
	const client = sealClient();
	const idBytes = timeId(Date.now() - 60_000);
	const { encryptedObject } = await client.encrypt({ threshold: 2, packageId: info.patterns_package_id, id: hex(idBytes), data: new Uint8Array([4, 2]) });
	const decrypted = await client.decrypt({ data: encryptedObject, sessionKey: await session(new Ed25519Keypair()), txBytes: await tleTransaction(idBytes) });
	assert.deepEqual(Array.from(decrypted), [4, 2]);
});
