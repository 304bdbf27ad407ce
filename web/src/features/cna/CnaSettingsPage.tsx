import { useState, type FormEvent } from 'react';
import { useSignedIn } from '../../app/session';
import { FormAlert, StatusMessage, TextField, useSubmit } from '../../components/forms';
import { TextAreaField } from '../../components/TextAreaField';
import { LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { can } from '../../lib/access';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { cnaApi, type CnaProfile, type Exclusion } from './api';

/** The CNA profile (leads edit it; staff read it): what /cna publishes and what records are composed with. */
export function CnaSettingsPage() {
  useTitle('CNA settings');
  const profile = useResource((signal) => cnaApi.profile(signal), []);
  if (profile.loading && !profile.data) return <Loading />;
  if (profile.error) return <LoadError error={profile.error} onRetry={profile.reload} />;
  return profile.data ? <ProfileForm key={profile.data.updatedAt ?? 'new'} initial={profile.data} /> : null;
}

function ProfileForm({ initial }: { initial: CnaProfile }) {
  const { user } = useSignedIn();
  const canEdit = can(user.roles, 'cna.settings');
  const [orgId, setOrgId] = useState(initial.orgId ?? '');
  const [scopeStatement, setScope] = useState(initial.scopeStatement);
  const [products, setProducts] = useState(initial.products.join('\n'));
  const [thirdParty, setThirdParty] = useState(initial.thirdPartyCovered);
  const [exclusions, setExclusions] = useState<Exclusion[]>(initial.exclusions);
  const [saved, setSaved] = useState(initial);
  const [notice, setNotice] = useState('');
  const submit = useSubmit();

  function save(event: FormEvent) {
    event.preventDefault();
    setNotice('');
    void submit.run(
      () =>
        cnaApi.saveProfile({
          orgId: orgId.trim() || null,
          scopeStatement,
          products: products.split('\n').map((p) => p.trim()).filter(Boolean),
          thirdPartyCovered: thirdParty,
          // A new exclusion has no id yet: the server makes one from its title.
          exclusions: exclusions.map(({ id, ...rest }) => (id ? { id, ...rest } : rest)) as Exclusion[],
        }),
      (view) => {
        setSaved(view);
        setExclusions(view.exclusions);
        setNotice('CNA settings saved.');
      },
    );
  }

  const errorFor = (field: string) => submit.fieldError(field);
  return (
    <section className="page cna-settings-page">
      <PageHeader
        title="CNA settings"
        description={
          <>
            What the public <a href="/cna">CNA policy</a> says and how records are composed.{' '}
            {saved.updatedAt ? (
              <>
                Last changed <Time value={saved.updatedAt} /> by {saved.updatedBy}.
              </>
            ) : (
              'Not set yet.'
            )}
          </>
        }
      />
      <StatusMessage>{notice}</StatusMessage>
      <dl className="facts">
        <dt>CNA short name</dt>
        <dd>{saved.shortName ?? 'not set: it is the CVE Services organisation (CVE_ORG or the connection settings)'}</dd>
        <dt>Unused IDs rejected after</dt>
        <dd>{saved.unusedIdDays} days (CVE_ID_UNUSED_DAYS)</dd>
      </dl>
      <form ref={submit.formRef} onSubmit={save} aria-label="CNA settings">
        <FormAlert error={submit.error} fields={['orgId', 'scopeStatement', 'products', 'thirdPartyCovered', 'exclusions']} />
        <fieldset disabled={!canEdit}>
          <TextField label="Organisation UUID" name="orgId" value={orgId} onChange={(e) => setOrgId(e.target.value)} error={errorFor('orgId')} hint="The UUID CVE Services gave the organisation: providerMetadata.orgId of every record." />
          <TextAreaField label="Scope statement" name="scopeStatement" rows={4} value={scopeStatement} onChange={(e) => setScope(e.target.value)} error={errorFor('scopeStatement')} hint="Markdown, shown on /cna." />
          <TextAreaField label="Products in scope" name="products" rows={4} value={products} onChange={(e) => setProducts(e.target.value)} error={errorFor('products')} hint="One product a line; a CVE request names one of them." />
          <label className="checkbox">
            <input type="checkbox" name="thirdPartyCovered" checked={thirdParty} onChange={(e) => setThirdParty(e.target.checked)} /> Cover third-party software we find flaws in when no other CNA covers it
          </label>
          <h2>Exclusions</h2>
          <p className="hint">What this policy does not treat as a vulnerability, each with the public explanation.</p>
          {exclusions.map((x, i) => (
            <div className="exclusion" key={i}>
              <TextField label={`Exclusion ${i + 1}`} name={`exclusion-title-${i}`} value={x.title} error={errorFor(`exclusions/${i}/title`) ?? errorFor(`exclusions/${i}/id`)} onChange={(e) => setExclusions(exclusions.map((y, j) => (j === i ? { ...y, title: e.target.value } : y)))} />
              <TextAreaField label="Public explanation" name={`exclusion-explanation-${i}`} rows={2} value={x.explanation} error={errorFor(`exclusions/${i}/explanation`)} onChange={(e) => setExclusions(exclusions.map((y, j) => (j === i ? { ...y, explanation: e.target.value } : y)))} />
              <button type="button" className="button small" onClick={() => setExclusions(exclusions.filter((_, j) => j !== i))}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className="button small" onClick={() => setExclusions([...exclusions, { id: '', title: '', explanation: '' }])}>
            Add an exclusion
          </button>
          <div className="button-row">
            <button type="submit" className="button primary" disabled={submit.busy}>
              Save
            </button>
          </div>
        </fieldset>
      </form>
    </section>
  );
}
