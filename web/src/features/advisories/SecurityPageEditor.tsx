import { useState, type FormEvent } from 'react';
import { ServerHtml } from '../../components/ReportChips';
import { TextAreaField } from '../../components/TextAreaField';
import { FormAlert, StatusMessage, useSubmit } from '../../components/forms';
import { LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { advisoriesApi, type PolicySection } from './api';
import './advisories.css';

/** Leads edit the sections of the public /security page; every save is a new version. */
export function SecurityPageEditor() {
  useTitle('Security policy page');
  const page = useResource((signal) => advisoriesApi.policyPage(signal), []);
  return (
    <section className="page">
      <PageHeader
        title="Security policy page"
        description={
          <>
            The public <a href="/security">/security</a> page (security.txt's Policy): four sections in Markdown. Every save is a new version, and the page shows when each section was last updated.
          </>
        }
      />
      {page.loading && !page.data && <Loading />}
      {page.error && <LoadError error={page.error} onRetry={page.reload} />}
      {page.data?.items.map((section) => <SectionForm key={section.section} section={section} onSaved={page.reload} />)}
    </section>
  );
}

function SectionForm({ section, onSaved }: { section: PolicySection; onSaved: () => void }) {
  const [body, setBody] = useState(section.body.markdown);
  const [notice, setNotice] = useState('');
  const form = useSubmit();
  function submit(event: FormEvent) {
    event.preventDefault();
    void form.run(
      () => advisoriesApi.savePolicySection(section.section, body),
      (saved) => {
        setNotice(`Saved as version ${saved.version}.`);
        onSaved();
      },
    );
  }
  return (
    <form className="panel policy-section" onSubmit={submit} ref={form.formRef} noValidate>
      <h2>{section.title}</h2>
      <p className="muted">{section.updatedAt ? <>Version {section.version}, updated <Time value={section.updatedAt} /></> : 'Default text (never edited)'}</p>
      <StatusMessage>{notice}</StatusMessage>
      <FormAlert error={form.error} fields={['body']} />
      <TextAreaField label="Markdown" name="body" rows={8} value={body} onChange={(e) => setBody(e.target.value)} error={form.fieldError('body')} />
      <button type="submit" className="button" disabled={form.busy || body === section.body.markdown}>
        {form.busy ? 'Saving…' : 'Save as a new version'}
      </button>
      <details>
        <summary>As published now</summary>
        <ServerHtml html={section.body.html} />
      </details>
    </form>
  );
}
