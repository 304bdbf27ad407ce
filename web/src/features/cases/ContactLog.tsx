import { useState } from 'react';
import type { PrivateKey } from 'openpgp';
import { toApiError } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { OrgKeyUnlockForm } from '../../components/OrgKeyUnlockForm';
import { Chip, Loading, Time } from '../../components/ui';
import { downloadBytes, formatSize, safeFileName } from '../../lib/downloads';
import type { MimeAttachment } from '../../lib/mime';
import { organisationKeyFingerprints } from '../../lib/org-keys';
import { casesApi } from './api';
import { decryptLogEntry, type DecryptedEntry, type DecryptedPart } from './decrypt-log-entry';
import type { LogEntry } from './types';

type Opening = { state: 'opening' } | { state: 'open'; content: DecryptedEntry } | { state: 'failed'; message: string };

/**
 * The contact log. Entries that hold OpenPGP messages (vendors' encrypted replies) offer
 * "Decrypt": the organisation key is unlocked here with its passphrase (never sent), the entry is
 * decrypted here, the opening is recorded on the server (audited), and only then is the plaintext
 * shown — as text. Leaving or reloading the page forgets the key and the plaintext.
 */
export function ContactLog({ caseId, entries, canDecrypt }: { caseId: string; entries: LogEntry[]; canDecrypt: boolean }) {
  const [keys, setKeys] = useState<PrivateKey[]>([]);
  const [waitingForKey, setWaitingForKey] = useState<LogEntry | null>(null);
  const [openings, setOpenings] = useState<Record<string, Opening>>({});
  const set = (entryId: string, opening: Opening | null) =>
    setOpenings((all) => {
      const { [entryId]: _, ...rest } = all;
      return opening ? { ...rest, [entryId]: opening } : rest;
    });

  async function open(entry: LogEntry, withKeys: readonly PrivateKey[]) {
    set(entry.id, { state: 'opening' });
    try {
      const content = await decryptLogEntry(withKeys, entry.body ?? '');
      if (!content) return set(entry.id, { state: 'failed', message: 'None of the unlocked organisation keys decrypts this entry: it may be encrypted to another key.' });
      // Audited before anything is shown.
      await casesApi.openLogEntry(caseId, entry.id);
      set(entry.id, { state: 'open', content });
    } catch (error) {
      set(entry.id, { state: 'failed', message: toApiError(error).message });
    }
  }

  function decrypt(entry: LogEntry) {
    if (keys.length === 0) setWaitingForKey(entry);
    else void open(entry, keys);
  }

  return (
    <>
      {keys.length > 0 && (
        <p className="alert alert-info">
          The organisation key is unlocked in this page only. Leaving or reloading the page locks it again.{' '}
          <button
            type="button"
            className="button small"
            onClick={() => {
              setKeys([]);
              setOpenings({});
            }}
          >
            Lock now
          </button>
        </p>
      )}
      <ol className="case-log">
        {entries.map((e) => (
          <li key={e.id} data-kind={e.kind} data-entry={e.id}>
            <Time value={e.occurredAt} compact /> <Chip tone={e.direction === 'in' ? 'info' : 'neutral'}>{e.channel}</Chip> {e.summary}
            {e.body &&
              (e.encrypted ? (
                <EncryptedBody entry={e} opening={openings[e.id]} canDecrypt={canDecrypt} onDecrypt={() => decrypt(e)} onHide={() => set(e.id, null)} />
              ) : (
                <pre className="case-log-body">{e.body}</pre>
              ))}
          </li>
        ))}
      </ol>
      <Dialog open={waitingForKey !== null} onClose={() => setWaitingForKey(null)} title="Unlock the organisation key">
        <OrgKeyUnlockForm
          className="dialog-body stack"
          otherKeys={() => organisationKeyFingerprints()}
          onUnlocked={({ keys: unlocked }) => {
            setKeys(unlocked);
            const entry = waitingForKey;
            setWaitingForKey(null);
            if (entry) void open(entry, unlocked);
          }}
        />
      </Dialog>
    </>
  );
}

function EncryptedBody({ entry, opening, canDecrypt, onDecrypt, onHide }: { entry: LogEntry; opening: Opening | undefined; canDecrypt: boolean; onDecrypt: () => void; onHide: () => void }) {
  const when = <Time value={entry.occurredAt} compact />;
  if (opening?.state === 'open') {
    return (
      <div className="case-log-decrypted" role="region" aria-label="Decrypted entry">
        <p className="case-log-decrypted-head">
          <Chip tone="success">decrypted here</Chip>{' '}
          <button type="button" className="button small ghost" onClick={onHide}>
            Hide<span className="visually-hidden"> the decrypted entry of {when}</span>
          </button>
        </p>
        {opening.content.clearText && (
          <>
            <p className="hint">Sent in the clear beside the encrypted part:</p>
            <div className="case-log-plaintext">{opening.content.clearText}</div>
          </>
        )}
        {opening.content.parts.map((part, i) => (
          <DecryptedPartView key={i} part={part} />
        ))}
      </div>
    );
  }
  return (
    <div className="case-log-sealed">
      <p>
        <Chip tone="info">encrypted</Chip>{' '}
        {canDecrypt ? (
          <button type="button" className="button small" onClick={onDecrypt} disabled={opening?.state === 'opening'} aria-busy={opening?.state === 'opening' || undefined}>
            Decrypt<span className="visually-hidden"> the entry of {when}</span>
          </button>
        ) : (
          <span className="muted">Encrypted to the organisation key: triagers and leads can decrypt it here.</span>
        )}
      </p>
      {opening?.state === 'opening' && <Loading label="Decrypting…" />}
      {opening?.state === 'failed' && (
        <p className="alert alert-error" role="alert">
          {opening.message}
        </p>
      )}
      <details>
        <summary>Armoured text</summary>
        <pre className="case-log-body">{entry.body}</pre>
      </details>
    </div>
  );
}

/** Decrypted text is shown as text (never HTML or Markdown); every attachment is a download. */
function DecryptedPartView({ part }: { part: DecryptedPart }) {
  switch (part.kind) {
    case 'sealed':
      return <p className="muted">One encrypted part could not be decrypted with the unlocked keys.</p>;
    case 'text':
      return <div className="case-log-plaintext">{part.text}</div>;
    case 'mime':
      return (
        <div className="case-log-mime">
          {part.subject && (
            <p>
              <strong>Subject:</strong> {part.subject}
            </p>
          )}
          {part.texts.map((text, i) => (
            <div key={i} className="case-log-plaintext">
              {text}
            </div>
          ))}
          {part.texts.length === 0 && <p className="muted">No plain-text part: see the attachments.</p>}
          {part.truncated && <p className="alert alert-warning">The message has more parts than are read here; only the first are shown.</p>}
          <Attachments files={part.attachments} />
        </div>
      );
  }
}

function Attachments({ files }: { files: MimeAttachment[] }) {
  if (files.length === 0) return null;
  return (
    <div className="case-log-files">
      <h4>Attachments</h4>
      <p className="hint">Saved as files, never opened in this page: open them only somewhere safe.</p>
      <ul>
        {files.map((file, i) => (
          <li key={i}>
            <span className="case-log-file-name">{safeFileName(file.name)}</span>{' '}
            <span className="muted">
              {file.type}, {formatSize(file.bytes.length)}
            </span>{' '}
            <button type="button" className="button small" onClick={() => downloadBytes(file.name, file.bytes)}>
              Download<span className="visually-hidden"> {safeFileName(file.name)}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
