/**
 * The API-key store port. Only a hash of each key is stored, under a short public prefix that is used for
 * lookup, listing and revocation. Three adapters (file, SQLite, PostgreSQL) run one contract suite
 * (`key-store.contract.ts`).
 */
export interface ApiKeyRecord {
  /** The public prefix (also in the key itself): lookup id, shown in listings and logs. */
  readonly prefix: string;
  readonly consumer: string;
  /** Hex SHA-256 of the whole key (see api-key.ts). Never the key. */
  readonly hash: string;
  /** ms since the epoch. */
  readonly createdAt: number;
  readonly expiresAt?: number;
  readonly revokedAt?: number;
}

export interface KeyStore {
  readonly kind: 'file' | 'sqlite' | 'postgres';
  /** Add a record; rejects with KeyStoreError('duplicate') when the prefix exists. */
  create(record: ApiKeyRecord): Promise<void>;
  find(prefix: string): Promise<ApiKeyRecord | undefined>;
  /** All records, oldest first. */
  list(): Promise<ApiKeyRecord[]>;
  /** Mark revoked; false when no such prefix (revoking twice keeps the first time). */
  revoke(prefix: string, at: number): Promise<boolean>;
  close(): Promise<void>;
}

export class KeyStoreError extends Error {
  constructor(
    readonly code: 'duplicate' | 'corrupt' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'KeyStoreError';
  }
}

/** Whether a record may authenticate now. */
export function keyUsable(r: ApiKeyRecord, now: number): boolean {
  return r.revokedAt === undefined && (r.expiresAt === undefined || r.expiresAt > now);
}
