/**
 * Spill-object encryption and the keys splits carry. Athena decrypts what we spill with the key and
 * nonce from the split, so the format must match the Java SDK bit for bit: AES-GCM, the split's
 * 12-byte nonce, a 128-bit tag appended to the ciphertext, no associated data.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type {
  GenerateDataKeyCommand,
  GenerateDataKeyCommandOutput,
  GenerateRandomCommand,
  GenerateRandomCommandOutput,
} from '@aws-sdk/client-kms';
import { ConnectorError, type ErrorReason } from '../errors.js';
import type { EncryptionKey } from '../protocol/types.js';
import { loadKmsSdk } from './spill-sdk.js';

/** GCM nonce length every split key uses (Java `AesGcmBlockCrypto.NONCE_BYTES`). */
export const NONCE_BYTES = 12;
/** GCM tag length appended to each encrypted object (128 bits, the JCE default). */
export const TAG_BYTES = 16;

/** A spill object could not be encrypted or decrypted: bad key material, or a damaged object. */
export class SpillCryptoError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SpillCryptoError';
  }
}

type GcmCipher = 'aes-128-gcm' | 'aes-256-gcm';

function cipherFor(key: EncryptionKey): GcmCipher {
  // The nonce is reused for every object of a split (as in Java), so at least insist on its size.
  if (key.nonce.byteLength !== NONCE_BYTES)
    throw new SpillCryptoError(`The spill encryption nonce must be ${NONCE_BYTES} bytes, got ${key.nonce.byteLength}`);
  if (key.key.byteLength === 16) return 'aes-128-gcm';
  if (key.key.byteLength === 32) return 'aes-256-gcm';
  throw new SpillCryptoError(`The spill encryption key must be 16 or 32 bytes, got ${key.key.byteLength}`);
}

/**
 * Bytes handed to the cipher at a time. Node's cipher returns a new buffer per call, so feeding it
 * a whole 16 MB block would hold a second full-size copy until it is joined; small pieces keep the
 * transient garbage to one piece.
 */
const CIPHER_PIECE_BYTES = 1 << 20;

/**
 * Encrypts one spill object: `ciphertext || tag` (AES-GCM, split key and nonce, no AAD), or a copy
 * of the plaintext when `key` is null (spill encryption disabled). `plain` may be given as the
 * pieces of the message, which are then encrypted without first being joined. The result never
 * shares memory with `plain`, so the caller may reuse the plaintext buffers as soon as this returns.
 * It is written into `into` when that buffer is large enough (a view of its first bytes is returned).
 */
export function encryptBlock(
  plain: Uint8Array | readonly Uint8Array[],
  key: EncryptionKey | null,
  into?: Buffer,
): Uint8Array {
  const parts = plain instanceof Uint8Array ? [plain] : plain;
  const plainBytes = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const objectBytes = key === null ? plainBytes : plainBytes + TAG_BYTES;
  // `into` (a spare object buffer) when it is large enough; else unpooled, as the object outlives this call by a whole upload.
  const out =
    into !== undefined && into.byteLength >= objectBytes
      ? into.subarray(0, objectBytes)
      : Buffer.allocUnsafeSlow(objectBytes);
  if (key === null) {
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.byteLength;
    }
    return out;
  }
  const cipher = createCipheriv(cipherFor(key), key.key, key.nonce, { authTagLength: TAG_BYTES });
  let at = 0;
  for (const part of parts) {
    for (let start = 0; start < part.byteLength; start += CIPHER_PIECE_BYTES) {
      at += cipher.update(part.subarray(start, start + CIPHER_PIECE_BYTES)).copy(out, at);
    }
  }
  at += cipher.final().copy(out, at);
  // GCM is a stream mode: the ciphertext is exactly as long as the plaintext.
  if (at !== plainBytes)
    throw new SpillCryptoError(`AES-GCM produced ${at} bytes for ${plainBytes} bytes of plaintext`);
  cipher.getAuthTag().copy(out, at);
  return out;
}

/**
 * Decrypts one spill object written by {@link encryptBlock} (or by a Java connector). With a null
 * key the object is returned as is. A modified, truncated or foreign object fails GCM
 * authentication and throws {@link SpillCryptoError} — never returns garbage.
 */
export function decryptBlock(object: Uint8Array, key: EncryptionKey | null): Uint8Array {
  if (key === null) return object;
  const algorithm = cipherFor(key);
  if (object.byteLength < TAG_BYTES) {
    throw new SpillCryptoError(
      `The spill object is ${object.byteLength} bytes, too short to hold its ${TAG_BYTES}-byte authentication tag; it was truncated or is not encrypted`,
    );
  }
  const tagAt = object.byteLength - TAG_BYTES;
  const decipher = createDecipheriv(algorithm, key.key, key.nonce, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(object.subarray(tagAt));
  const body = decipher.update(object.subarray(0, tagAt));
  try {
    const rest = decipher.final();
    return rest.byteLength === 0 ? body : Buffer.concat([body, rest]);
  } catch (cause) {
    throw new SpillCryptoError(
      'The spill object failed AES-GCM authentication: it was modified or truncated, or was encrypted with another key or nonce',
      { cause },
    );
  }
}

/** Makes the key (and nonce) for a new split; called once per split in GetSplits. */
export interface EncryptionKeyFactory {
  create(): Promise<EncryptionKey>;
}

/** Options of {@link createLocalKeyFactory}. */
export interface LocalKeyFactoryOptions {
  /**
   * AES key size in bytes; 16 (AES-128) unless set. Java's LocalKeyFactory makes 128-bit keys and
   * its AesGcmBlockCrypto refuses any other size, so a reader built like it needs 16.
   */
  readonly keyBytes?: 16 | 32;
}

/**
 * Keys from node's CSPRNG: a random AES key (16 bytes by default, as Java) and a random 12-byte nonce.
 * Used when no `kms_key_id` is configured.
 */
export function createLocalKeyFactory(options: LocalKeyFactoryOptions = {}): EncryptionKeyFactory {
  const keyBytes = options.keyBytes ?? 16;
  return {
    create: () => Promise.resolve({ key: randomBytes(keyBytes), nonce: randomBytes(NONCE_BYTES) }),
  };
}

/** The part of a KMS client {@link createKmsKeyFactory} uses; the SDK's `KMSClient` fits. */
export interface SpillKmsClient {
  send(command: GenerateDataKeyCommand): Promise<GenerateDataKeyCommandOutput>;
  send(command: GenerateRandomCommand): Promise<GenerateRandomCommandOutput>;
}

/** KMS errors whose cause is the configuration (a key that does not exist, is disabled or is not ours). */
const KMS_CONFIGURATION_ERRORS = new Set([
  'NotFoundException',
  'DisabledException',
  'KMSInvalidStateException',
  'InvalidKeyUsageException',
  'ValidationException',
]);
const KMS_THROTTLING_ERRORS = new Set(['ThrottlingException', 'LimitExceededException']);

/**
 * Turns a KMS failure into an error that says which call and setting failed, so an unknown or
 * unusable `kms_key_id` reads as a configuration problem instead of an unexpected failure.
 */
function rethrowKmsError(error: unknown, call: string): never {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  let reason: ErrorReason = 'Internal';
  if (KMS_CONFIGURATION_ERRORS.has(name)) reason = 'InvalidInput';
  else if (name === 'AccessDeniedException') reason = 'AccessDenied';
  else if (KMS_THROTTLING_ERRORS.has(name)) reason = 'Throttled';
  const hint =
    reason === 'InvalidInput' || reason === 'AccessDenied'
      ? ": check that kms_key_id names an enabled symmetric key this connector's role may use"
      : '';
  throw new ConnectorError(reason, `KMS ${call} failed (${name}: ${message})${hint}`, { cause: error });
}

/**
 * Keys from KMS, as the Java `KmsKeyFactory`: a 16-byte data key (`GenerateDataKey`, `AES_128`)
 * under `keyId`, and the nonce from `GenerateRandom` (12 bytes). Only the plaintext key is kept;
 * it travels to Athena inside the split.
 */
export function createKmsKeyFactory(kms: SpillKmsClient, keyId: string): EncryptionKeyFactory {
  return {
    async create() {
      const { GenerateDataKeyCommand, GenerateRandomCommand } = await loadKmsSdk();
      const dataKey = await kms
        .send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_128' }))
        .catch((error: unknown) => rethrowKmsError(error, `GenerateDataKey with kms_key_id ${JSON.stringify(keyId)}`));
      const random = await kms
        .send(new GenerateRandomCommand({ NumberOfBytes: NONCE_BYTES }))
        .catch((error: unknown) => rethrowKmsError(error, 'GenerateRandom'));
      const key = dataKey.Plaintext;
      const nonce = random.Plaintext;
      // A response without plaintext would otherwise surface much later as a confusing crypto error.
      if (key?.byteLength !== 16)
        throw new SpillCryptoError(
          `KMS GenerateDataKey for ${keyId} returned ${key === undefined ? 'no plaintext key' : `a ${key.byteLength}-byte key`}, expected 16 bytes`,
        );
      if (nonce?.byteLength !== NONCE_BYTES)
        throw new SpillCryptoError(
          `KMS GenerateRandom returned ${nonce === undefined ? 'no bytes' : `${nonce.byteLength} bytes`}, expected ${NONCE_BYTES}`,
        );
      return { key, nonce };
    },
  };
}
