// Spill encryption: the Java AES-GCM layout (ciphertext || 16-byte tag, split nonce, no AAD),
// checked against node:crypto directly and a published GCM test vector; key factories, KMS on moto.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../src/errors.js';
import type { EncryptionKey } from '../../src/protocol/types.js';
import {
  SpillCryptoError,
  createKmsKeyFactory,
  createLocalKeyFactory,
  decryptBlock,
  encryptBlock,
} from '../../src/spill/spill-crypto.js';

/** Independent reference decryption: plain node:crypto, the JCE `ciphertext || tag` split. */
function referenceDecrypt(object: Uint8Array, key: EncryptionKey): Buffer {
  const decipher = createDecipheriv(key.key.byteLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key.key, key.nonce);
  decipher.setAuthTag(object.subarray(object.byteLength - 16));
  return Buffer.concat([decipher.update(object.subarray(0, object.byteLength - 16)), decipher.final()]);
}

function referenceEncrypt(plain: Uint8Array, key: EncryptionKey): Buffer {
  const cipher = createCipheriv(key.key.byteLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key.key, key.nonce);
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

const key16: EncryptionKey = { key: randomBytes(16), nonce: randomBytes(12) };
const key32: EncryptionKey = { key: randomBytes(32), nonce: randomBytes(12) };
const plain = randomBytes(1000);

describe('encryptBlock / decryptBlock', () => {
  it('matches the GCM reference vector (AES-128, zero key and nonce): ciphertext then tag', () => {
    // McGrew & Viega, "The Galois/Counter Mode of Operation", test case 2.
    const object = encryptBlock(new Uint8Array(16), { key: new Uint8Array(16), nonce: new Uint8Array(12) });
    expect(Buffer.from(object).toString('hex')).toBe(
      '0388dace60b6a392f328c2b971b2fe78' + 'ab6e47d42cec13bdf53a67b21257bddf',
    );
  });

  for (const [name, key] of [
    ['16-byte key (AES-128)', key16],
    ['32-byte key (AES-256)', key32],
  ] as const) {
    it(`round-trips with a ${name}, interoperating with plain node:crypto both ways`, () => {
      const object = encryptBlock(plain, key);
      expect(object.byteLength).toBe(plain.byteLength + 16);
      expect(referenceDecrypt(object, key).equals(plain)).toBe(true);
      expect(Buffer.from(decryptBlock(referenceEncrypt(plain, key), key)).equals(plain)).toBe(true);
    });
  }

  it('encrypts message pieces exactly as the joined message', () => {
    const pieces = [plain.subarray(0, 7), plain.subarray(7, 500), plain.subarray(500)];
    expect(Buffer.from(encryptBlock(pieces, key32)).equals(Buffer.from(encryptBlock(plain, key32)))).toBe(true);
    expect(Buffer.from(encryptBlock(pieces, null)).equals(plain)).toBe(true);
  });

  it('copies plaintext through when encryption is disabled (null key), never sharing its memory', () => {
    const source = Buffer.from(plain);
    const copied = encryptBlock(source, null);
    expect(copied).not.toBe(source);
    expect(Buffer.from(copied).equals(plain)).toBe(true);
    // The caller may overwrite its buffers once encryptBlock returns (the block writer reuses them).
    source.fill(0);
    expect(Buffer.from(copied).equals(plain)).toBe(true);
    expect(decryptBlock(plain, null)).toBe(plain);
  });

  it('rejects a modified ciphertext or tag with an authentication error', () => {
    const object = Buffer.from(encryptBlock(plain, key16));
    for (const at of [0, 500, object.byteLength - 1]) {
      const tampered = Buffer.from(object);
      tampered[at] = (tampered[at] ?? 0) ^ 0x01;
      expect(() => decryptBlock(tampered, key16)).toThrow(SpillCryptoError);
      expect(() => decryptBlock(tampered, key16)).toThrow(/failed AES-GCM authentication/);
    }
  });

  it('rejects a truncated object', () => {
    const object = encryptBlock(plain, key16);
    expect(() => decryptBlock(object.subarray(0, object.byteLength - 1), key16)).toThrow(
      /failed AES-GCM authentication/,
    );
    expect(() => decryptBlock(object.subarray(0, 10), key16)).toThrow(/too short/);
    expect(() => decryptBlock(new Uint8Array(0), key16)).toThrow(SpillCryptoError);
  });

  it('rejects the wrong key or nonce', () => {
    const object = encryptBlock(plain, key16);
    expect(() => decryptBlock(object, { key: randomBytes(16), nonce: key16.nonce })).toThrow(/authentication/);
    expect(() => decryptBlock(object, { key: key16.key, nonce: randomBytes(12) })).toThrow(/authentication/);
  });

  it('refuses key material of the wrong size', () => {
    expect(() => encryptBlock(plain, { key: randomBytes(24), nonce: randomBytes(12) })).toThrow(
      /16 or 32 bytes, got 24/,
    );
    expect(() => encryptBlock(plain, { key: randomBytes(16), nonce: randomBytes(16) })).toThrow(
      /nonce must be 12 bytes, got 16/,
    );
    expect(() => decryptBlock(plain, { key: randomBytes(16), nonce: randomBytes(8) })).toThrow(SpillCryptoError);
  });
});

describe('createLocalKeyFactory', () => {
  it('makes fresh 16-byte keys (as Java LocalKeyFactory) and 12-byte nonces (32-byte keys on request)', async () => {
    const factory = createLocalKeyFactory();
    const [a, b] = await Promise.all([factory.create(), factory.create()]);
    expect(a.key.byteLength).toBe(16);
    expect(a.nonce.byteLength).toBe(12);
    expect(Buffer.from(a.key).equals(Buffer.from(b.key))).toBe(false);
    expect(Buffer.from(a.nonce).equals(Buffer.from(b.nonce))).toBe(false);
    expect((await createLocalKeyFactory({ keyBytes: 32 }).create()).key.byteLength).toBe(32);
    expect(referenceDecrypt(encryptBlock(plain, a), a).equals(plain)).toBe(true);
  });
});

describe('createKmsKeyFactory (KMS on moto)', () => {
  const kms = new KMSClient({});
  afterAll(() => kms.destroy());

  it('makes 16-byte data keys and 12-byte nonces that encrypt and decrypt', async () => {
    const created = await kms.send(new CreateKeyCommand({ Description: 'spill-crypto test' }));
    const keyId = created.KeyMetadata?.KeyId;
    expect(keyId).toBeDefined();
    const factory = createKmsKeyFactory(kms, keyId ?? '');
    const [a, b] = await Promise.all([factory.create(), factory.create()]);
    expect(a.key.byteLength).toBe(16);
    expect(a.nonce.byteLength).toBe(12);
    expect(Buffer.from(a.key).equals(Buffer.from(b.key))).toBe(false);
    const object = encryptBlock(plain, a);
    expect(referenceDecrypt(object, a).equals(plain)).toBe(true);
    expect(Buffer.from(decryptBlock(object, a)).equals(plain)).toBe(true);
  });

  it('fails for an unknown key as invalid input naming kms_key_id and the KMS error', async () => {
    const failure = await createKmsKeyFactory(kms, '00000000-0000-0000-0000-000000000000')
      .create()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(ConnectorError);
    expect((failure as ConnectorError).reason).toBe('InvalidInput');
    expect((failure as ConnectorError).message).toMatch(
      /kms_key_id "00000000-0000-0000-0000-000000000000".*NotFoundException/,
    );
  });
});
