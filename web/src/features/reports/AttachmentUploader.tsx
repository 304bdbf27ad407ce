import { useEffect, useId, useRef, useState } from 'react';
import { api, toApiError } from '../../api/client';
import { useSignedIn } from '../../app/session';
import { uploadAttachment, type Upload } from './api';
import { formatBytes } from './labels';
import type { Attachment } from './types';

export interface UploadItem {
  key: number;
  name: string;
  size: number;
  /** What the browser says; the server decides by the bytes. */
  type: string;
  progress: number;
  status: 'uploading' | 'done' | 'failed';
  attachment?: Attachment;
  error?: string;
}

let sequence = 0;

/**
 * Files are uploaded as soon as they are picked (`POST /attachments`), each with its progress,
 * size and type; the report names the finished ones when it is submitted. Removing one only
 * drops it from the report (an unused upload expires on the server after a day).
 */
export function AttachmentUploader({
  items,
  onChange,
  max,
  maxBytes,
  error,
}: {
  items: UploadItem[];
  onChange: (update: (items: UploadItem[]) => UploadItem[]) => void;
  max: number;
  /** The server's limit per file (GET /attachments/limits): larger files are refused here, not uploaded. */
  maxBytes?: number | undefined;
  error?: string | undefined;
}) {
  const { csrfToken } = useSignedIn();
  const inputId = useId();
  const hintId = `${inputId}-hint`;
  const uploads = useRef(new Map<number, Upload>());
  const [notice, setNotice] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const map = uploads.current;
    return () => map.forEach((upload) => upload.abort());
  }, []);

  function patch(key: number, change: Partial<UploadItem>) {
    onChange((list) => list.map((item) => (item.key === key ? { ...item, ...change } : item)));
  }

  function add(files: FileList | null) {
    if (!files || files.length === 0) return;
    const room = max - items.length;
    const fitting = Array.from(files).filter((file) => maxBytes === undefined || file.size <= maxBytes);
    const tooLarge = Array.from(files).filter((file) => !fitting.includes(file));
    const picked = fitting.slice(0, Math.max(0, room));
    const notes: string[] = [];
    if (tooLarge.length) notes.push(`${tooLarge.map((f) => f.name).join(', ')}: larger than ${formatBytes(maxBytes!)}, the most one file may be; not added.`);
    if (fitting.length > picked.length) notes.push(`A report may carry ${max} files; ${fitting.length - picked.length} not added.`);
    setNotice(notes.length ? notes.join(' ') : `Uploading ${picked.length} file${picked.length === 1 ? '' : 's'}…`);
    if (picked.length === 0) {
      if (inputRef.current) inputRef.current.value = '';
      return;
    }
    const added: UploadItem[] = picked.map((file) => ({ key: ++sequence, name: file.name, size: file.size, type: file.type || 'unknown type', progress: 0, status: 'uploading' }));
    onChange((list) => [...list, ...added]);
    picked.forEach((file, index) => {
      const item = added[index]!;
      const upload = uploadAttachment(file, csrfToken, (fraction) => patch(item.key, { progress: fraction }));
      uploads.current.set(item.key, upload);
      upload.promise.then(
        (attachment) => {
          uploads.current.delete(item.key);
          patch(item.key, { status: 'done', progress: 1, attachment, type: attachment.mediaType });
          setNotice(`${file.name} uploaded.`);
        },
        (reason: unknown) => {
          uploads.current.delete(item.key);
          if (reason instanceof DOMException && reason.name === 'AbortError') return;
          const problem = toApiError(reason);
          const message =
            problem.code === 'payload_too_large'
            ? 'Too large for this server.'
            : problem.code === 'unsupported_media_type'
              ? 'This kind of file is not accepted: images, PDF, video, archives, packet captures or plain text are.'
              : problem.message;
          patch(item.key, { status: 'failed', error: message });
          setNotice(`${file.name} could not be uploaded: ${message}`);
        },
      );
    });
    if (inputRef.current) inputRef.current.value = '';
  }

  function remove(item: UploadItem) {
    uploads.current.get(item.key)?.abort();
    uploads.current.delete(item.key);
    // Withdraw it on the server too, so it does not count against the pending-upload limit.
    if (item.attachment) void api.delete(`/attachments/${item.attachment.id}`).catch(() => undefined);
    onChange((list) => list.filter((i) => i.key !== item.key));
    setNotice(`${item.name} removed.`);
    inputRef.current?.focus();
  }

  const full = items.length >= max;

  return (
    <div className={['field', 'attachments', error ? 'has-error' : ''].join(' ').trim()}>
      <label htmlFor={inputId}>
        Attachments<span className="optional"> (optional)</span>
      </label>
      <p id={hintId} className="hint">
        Screenshots, a short video, a proof-of-concept script as text, a packet capture. Up to {max} files
        {maxBytes !== undefined && <>, {formatBytes(maxBytes)} each</>}; each is uploaded as soon as you pick it and only the security
        team and you can download it.
      </p>
      <input
        ref={inputRef}
        id={inputId}
        type="file"
        multiple
        disabled={full}
        aria-describedby={hintId}
        onChange={(event) => add(event.target.files)}
      />
      {items.length > 0 && (
        <ul className="upload-list" aria-label="Files for this report">
          {items.map((item) => (
            <li key={item.key} className={`upload upload-${item.status}`}>
              <div className="upload-main">
                <span className="upload-name">{item.name}</span>
                <span className="upload-meta">
                  {formatBytes(item.size)} · {item.type}
                  {item.status === 'done' && ' · uploaded'}
                </span>
                {item.status === 'uploading' && (
                  <progress max={1} value={item.progress} aria-label={`Uploading ${item.name}`}>
                    {Math.round(item.progress * 100)}%
                  </progress>
                )}
                {item.status === 'failed' && <span className="upload-error">{item.error}</span>}
              </div>
              <button type="button" className="button small ghost" onClick={() => remove(item)}>
                {item.status === 'uploading' ? 'Cancel' : 'Remove'}
                <span className="visually-hidden"> {item.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {full && <p className="hint">That is the most one report may carry; remove one to add another.</p>}
      <p className="visually-hidden" role="status">
        {notice}
      </p>
      {error && <p className="field-error">{error}</p>}
    </div>
  );
}
