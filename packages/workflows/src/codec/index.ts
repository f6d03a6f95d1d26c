// Encryption of what Jobdeck stores in Temporal. Kept out of the package's main entry: it needs
// node:crypto, which the workflow sandbox must never import.
export { ENCRYPTED_ENCODING, EncryptionCodec, isEncrypted, KEY_ID_METADATA } from './encryption-codec';
export {
  ENCRYPTION_KEYS_VARIABLE,
  encryptionKeysSetting,
  parseEncryptionKeys,
  type EncryptionKey,
  type EncryptionKeys,
} from './keys';
export { FAILURE_CONVERTER_PATH, jobdeckDataConverter } from './data-converter';
