import { useId, useState, type FormEvent } from 'react';
import { FormAlert, StatusMessage, localInvalid, useSubmit } from '../../components/forms';
import { TextAreaField } from '../../components/TextAreaField';
import { reportsApi } from './api';
import type { ReportEvent } from './types';

/**
 * Reply to the reporter, or (staff who triage) write an internal note. The mode is a visible
 * switch and the box turns amber for a note, so nobody sends the reporter what was meant for
 * the team.
 */
export function ReplyBox({
  reportId,
  canNote,
  onSent,
  placeholder,
}: {
  reportId: string;
  canNote: boolean;
  onSent: (event: ReportEvent) => void;
  placeholder?: string;
}) {
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  const form = useSubmit();
  const ids = useId();

  function submit(event: FormEvent) {
    event.preventDefault();
    setSent(null);
    if (!body.trim()) return form.setError(localInvalid('body', internal ? 'write the note first' : 'write the reply first'));
    void form.run(
      () => reportsApi.comment(reportId, body, internal),
      (created) => {
        setBody('');
        setSent(internal ? 'Internal note added.' : 'Reply sent.');
        onSent(created);
      },
    );
  }

  return (
    <form ref={form.formRef} onSubmit={submit} noValidate className={['reply-box', 'stack', internal ? 'internal' : ''].join(' ').trim()} aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`} className="reply-title">
        {internal ? 'Internal note' : canNote ? 'Reply to the reporter' : 'Reply'}
      </h3>
      {canNote && (
        <div className="reply-mode" role="radiogroup" aria-label="Who reads this">
          <label className="seg-option">
            <input type="radio" name={`${ids}-mode`} checked={!internal} onChange={() => setInternal(false)} />
            <span>Reply (the reporter reads it)</span>
          </label>
          <label className="seg-option">
            <input type="radio" name={`${ids}-mode`} checked={internal} onChange={() => setInternal(true)} />
            <span>Internal note (staff only)</span>
          </label>
        </div>
      )}
      <FormAlert error={form.error} fields={['body']} />
      <StatusMessage>{sent}</StatusMessage>
      <TextAreaField
        label={internal ? 'Note for the team' : 'Message'}
        name="body"
        rows={5}
        maxLength={50_000}
        hint={internal ? 'Only triagers, leads and other staff see internal notes.' : 'Markdown works. Everyone on the report reads it.'}
        placeholder={placeholder}
        value={body}
        onChange={(event) => setBody(event.target.value)}
        error={form.fieldError('body')}
      />
      <div className="button-row">
        <button type="submit" className={internal ? 'button note-button' : 'button primary'} disabled={form.busy}>
          {form.busy ? 'Sending…' : internal ? 'Add internal note' : 'Send reply'}
        </button>
      </div>
    </form>
  );
}
