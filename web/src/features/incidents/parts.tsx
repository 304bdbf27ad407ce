import { useId, useRef, useState, type ReactNode } from 'react';
import type { PrivateKey } from 'openpgp';
import { FieldFrame } from '../../components/forms';
import { Chip, Time, type Tone } from '../../components/ui';
import { downloadBytes, formatSize, safeFileName } from '../../lib/downloads';
import type { MimeAttachment } from '../../lib/mime';
import { downloadFile, type PackedFile, type SealedContent } from './sealed';
import type { IncidentState } from './types';
import './incidents.css';

const FIELD_LABELS: Record<string, string> = {
  title: 'Title',
  description: 'Description',
  steps: 'Steps to reproduce',
  impact: 'Impact',
  asset: 'Affected asset',
  program: 'Programme',
  contact: 'Contact (for the security team only)',
};

export const STATE_LABELS: Record<IncidentState, string> = { new: 'New — not acknowledged', acknowledged: 'Acknowledged', closed: 'Closed' };
const STATE_TONES: Record<IncidentState, Tone> = { new: 'danger', acknowledged: 'info', closed: 'neutral' };

export function IncidentStateChip({ state }: { state: IncidentState }) {
  return <Chip tone={STATE_TONES[state]}>{STATE_LABELS[state]}</Chip>;
}

/** Decrypted text, shown as text: never parsed as HTML or Markdown. */
export function SealedText({ children }: { children: string }) {
  return <div className="sealed-text">{children}</div>;
}

/** An attachment as the list shows it: whatever it came in, it is only ever downloaded. */
interface FileItem {
  name: string;
  type: string;
  size: number;
  download: () => void;
}

const packedFiles = (files: PackedFile[]): FileItem[] => files.map((file) => ({ name: file.name, type: file.type, size: file.size, download: () => downloadFile(file) }));

// A MIME part's declared type is shown, never acted on: the bytes are saved as opaque data.
const mimeFiles = (files: MimeAttachment[]): FileItem[] => files.map((file) => ({ name: file.name, type: file.type, size: file.bytes.length, download: () => downloadBytes(file.name, file.bytes) }));

function FileList({ files }: { files: FileItem[] }) {
  if (files.length === 0) return null;
  return (
    <div className="sealed-files">
      <h4>Attachments</h4>
      <ul>
        {files.map((file, i) => (
          <li key={i}>
            <span className="sealed-file-name">{safeFileName(file.name)}</span>{' '}
            <span className="muted">
              {file.type || 'unknown type'}, {formatSize(file.size)}
            </span>{' '}
            <button type="button" className="button small" onClick={file.download}>
              Download<span className="visually-hidden"> {safeFileName(file.name)}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * A decrypted message: a report's fields, a reply's text, a mailed-in MIME message's text parts,
 * or whatever else was encrypted. Text is text; every attachment is a download.
 */
export function SealedContentView({ content }: { content: SealedContent }) {
  switch (content.kind) {
    case 'incident':
      return (
        <div className="sealed-content">
          <dl className="sealed-fields">
            {content.fields.map(([name, value]) => (
              <div key={name}>
                <dt>{FIELD_LABELS[name] ?? name}</dt>
                <dd>
                  <SealedText>{value}</SealedText>
                </dd>
              </div>
            ))}
          </dl>
          <FileList files={packedFiles(content.files)} />
        </div>
      );
    case 'reply':
      return (
        <div className="sealed-content">
          <SealedText>{content.text}</SealedText>
          <FileList files={packedFiles(content.files)} />
        </div>
      );
    case 'mime':
      return (
        <div className="sealed-content">
          <dl className="sealed-fields">
            {content.subject !== null && (
              <div>
                <dt>Subject</dt>
                <dd>
                  <SealedText>{content.subject}</SealedText>
                </dd>
              </div>
            )}
            <div>
              <dt>Message</dt>
              <dd>
                {content.texts.map((text, i) => (
                  <SealedText key={i}>{text}</SealedText>
                ))}
                {content.texts.length === 0 && <span className="muted">No plain-text part: see the attachments.</span>}
              </dd>
            </div>
          </dl>
          {content.truncated && <p className="alert alert-warning">The message has more parts than are read here; only the first are shown.</p>}
          <FileList files={mimeFiles(content.attachments)} />
        </div>
      );
    default:
      return (
        <div className="sealed-content">
          <SealedText>{content.text}</SealedText>
        </div>
      );
  }
}

export interface MessageView {
  id: string;
  author: 'reporter' | 'staff';
  createdAt: string;
  size: number;
  content: SealedContent | null;
  /** Why a message a key could decrypt is not shown (too large for the page). */
  problem?: string;
}

/** The conversation: each message decrypted when a key could, else a line saying it is sealed. */
export function MessageList({ messages, sealedNote }: { messages: MessageView[]; sealedNote: (message: MessageView) => ReactNode }) {
  return (
    <ol className="incident-messages">
      {messages.map((message) => (
        <li key={message.id} className={`panel incident-message from-${message.author}`}>
          <p className="incident-message-meta">
            <strong>{message.author === 'staff' ? 'Security team' : 'Reporter'}</strong> · <Time value={message.createdAt} /> ·{' '}
            <span className="muted">{formatSize(message.size)} encrypted</span>
          </p>
          {message.content ? (
            <SealedContentView content={message.content} />
          ) : message.problem ? (
            <p className="alert alert-error" role="alert">
              {message.problem}
            </p>
          ) : (
            <p className="muted sealed-note">{sealedNote(message)}</p>
          )}
        </li>
      ))}
    </ol>
  );
}

/** Files to encrypt with a message: chosen here, read only when the message is encrypted. */
export function FilePicker({ files, onChange, error, label = 'Attachments' }: { files: File[]; onChange: (files: File[]) => void; error?: string | undefined; label?: string }) {
  const inputRef = useRef<HTMLInputElement>(null);
  return (
    <FieldFrame
      label={label}
      name="attachments"
      optional
      error={error}
      hint="Screenshots, logs, proof-of-concept code: encrypted in this browser with the rest, never uploaded in the clear."
      after={
        files.length > 0 && (
          <ul className="picked-files">
            {files.map((file, i) => (
              <li key={`${file.name}-${i}`}>
                {file.name} <span className="muted">({formatSize(file.size)})</span>{' '}
                <button type="button" className="button small ghost" onClick={() => onChange(files.filter((_, j) => j !== i))}>
                  Remove<span className="visually-hidden"> {file.name}</span>
                </button>
              </li>
            ))}
          </ul>
        )
      }
    >
      {(control) => (
        <input
          {...control}
          ref={inputRef}
          type="file"
          multiple
          onChange={(event) => {
            const picked = Array.from(event.target.files ?? []);
            onChange([...files, ...picked]);
            if (inputRef.current) inputRef.current.value = '';
          }}
        />
      )}
    </FieldFrame>
  );
}

/**
 * Unlocks a reporter's own private key in this page (pasted or loaded from a file; never sent).
 */
export function OwnKeyUnlock({ onUnlocked, unlock }: { onUnlocked: (key: PrivateKey) => void; unlock: (armored: string, passphrase: string) => Promise<PrivateKey> }) {
  const ids = useId();
  const [armored, setArmored] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="stack own-key"
      onSubmit={(event) => {
        event.preventDefault();
        setBusy(true);
        setError(undefined);
        unlock(armored, passphrase).then(
          (key) => {
            setBusy(false);
            onUnlocked(key);
          },
          (reason: unknown) => {
            setBusy(false);
            setError(reason instanceof Error ? reason.message : 'This key could not be read.');
          },
        );
      }}
    >
      <FieldFrame label="Your private key" name="ownKey" error={error} hint="Paste it (-----BEGIN PGP PRIVATE KEY BLOCK-----) or load the file. It stays in this page: it is never uploaded.">
        {(control) => <textarea {...control} rows={5} value={armored} onChange={(event) => setArmored(event.target.value)} spellCheck={false} />}
      </FieldFrame>
      <p>
        <label className="button small" htmlFor={`${ids}-file`}>
          Load from a file
        </label>
        <input
          id={`${ids}-file`}
          className="visually-hidden"
          type="file"
          accept=".asc,.key,.gpg,.txt"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) void file.text().then(setArmored);
          }}
        />
      </p>
      <FieldFrame label="Its passphrase" name="ownKeyPassphrase" optional>
        {(control) => <input {...control} type="password" autoComplete="off" value={passphrase} onChange={(event) => setPassphrase(event.target.value)} />}
      </FieldFrame>
      <div className="button-row">
        <button type="submit" className="button" disabled={busy || !armored.trim()} aria-busy={busy || undefined}>
          {busy ? 'Unlocking…' : 'Unlock and read replies'}
        </button>
      </div>
    </form>
  );
}
