import { useEffect, useState } from 'react';
import type { PrivateKey } from 'openpgp';
import { PlaintextTooLarge, decryptBytesWith } from '../../lib/openpgp';
import { readContent } from './sealed';
import type { MessageView } from './parts';
import type { SealedMessage } from './types';

/**
 * The messages, each decrypted with `keys` where one of them can (else `content: null`). Runs
 * again when the messages or the keys change; the plaintext stays in this page's memory.
 */
export function useDecrypted(items: readonly SealedMessage[] | undefined, keys: readonly PrivateKey[]): { messages: MessageView[]; decrypting: boolean } {
  const [messages, setMessages] = useState<MessageView[]>([]);
  const [decrypting, setDecrypting] = useState(false);
  useEffect(() => {
    let cancelled = false;
    if (!items) return;
    setDecrypting(keys.length > 0);
    void Promise.all(
      items.map(async (item): Promise<MessageView> => {
        const base = { id: item.id, author: item.author, createdAt: item.createdAt, size: item.size };
        try {
          // Bytes: a mailed-in PGP/MIME entity is read from them (lib/mime.ts), anything else as UTF-8.
          const plaintext = await decryptBytesWith(keys, item.message);
          return { ...base, content: plaintext === null ? null : readContent(plaintext) };
        } catch (error) {
          // A compression bomb (or a report too large for a browser tab): say so, open nothing.
          if (error instanceof PlaintextTooLarge) return { ...base, content: null, problem: `${error.message} Decrypt it with GnuPG instead.` };
          throw error;
        }
      }),
    ).then((views) => {
      if (cancelled) return;
      setMessages(views);
      setDecrypting(false);
    });
    return () => {
      cancelled = true;
    };
  }, [items, keys]);
  return { messages, decrypting };
}
