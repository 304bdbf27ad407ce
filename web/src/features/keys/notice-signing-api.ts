import { api } from '../../api/client';

type Signal = AbortSignal | undefined;

/** Where the server publishes every notice-signing public key (current, retired, revoked). */
export const NOTICE_SIGNING_KEY_URL = '/notice-signing-key.txt';

export type NoticeSigningKeyStatus = 'current' | 'retired' | 'revoked';

export interface NoticeSigningKey {
  id: string;
  fingerprint: string;
  uid: string;
  status: NoticeSigningKeyStatus;
  createdAt: string;
  retiredAt: string | null;
  revokedAt: string | null;
  revocationReason: string | null;
}

/** The key case notices are signed with (docs/keys.md, "Notice-signing key"): staff read, leads rotate. */
export const noticeSigningApi = {
  /** Current first, then retired and revoked keys, newest first. */
  list: (signal?: Signal) => api.get<{ items: NoticeSigningKey[] }>('/notice-signing-keys', undefined, { signal }),
  /** Makes a new current key; the old one is retired, or revoked as compromised with `revokePrevious` (the reason). */
  rotate: (revokePrevious?: string) => api.post<{ key: NoticeSigningKey }>('/notice-signing-keys', revokePrevious === undefined ? {} : { revokePrevious }),
};
