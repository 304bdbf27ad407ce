import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { FormAlert, StatusMessage, TextField, useSubmit } from '../../components/forms';
import { Empty, LoadError, Loading, PageHeader } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { hallOfFameApi, programsApi } from '../reports/api';
import type { HallEntry } from '../reports/types';
import '../reports/reports.css';

function HallTable({ items, caption }: { items: HallEntry[]; caption: string }) {
  return (
    <div className="table-wrap">
      <table className="table hall-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              Rank
            </th>
            <th scope="col">Researcher</th>
            <th scope="col" className="num">
              Reputation
            </th>
            <th scope="col" className="num">
              Resolved reports
            </th>
            <th scope="col">Advisories</th>
          </tr>
        </thead>
        <tbody>
          {items.map((entry) => (
            <tr key={`${entry.rank}-${entry.handle}`}>
              <td className="num">{entry.rank}</td>
              <th scope="row">
                {entry.link ? (
                  <a href={entry.link} rel="noopener noreferrer nofollow">
                    {entry.handle}
                  </a>
                ) : (
                  entry.handle
                )}
              </th>
              <td className="num">{entry.reputation.toLocaleString()}</td>
              <td className="num">{entry.resolvedReports.toLocaleString()}</td>
              <td>
                {(entry.advisories ?? []).map((a) => (
                  // Server-rendered public pages, outside the SPA.
                  <a key={a.id} href={`/advisories/${encodeURIComponent(a.id)}`} title={a.title}>
                    {a.id}{' '}
                  </a>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Researchers who chose to be named, ranked by reputation (public programmes only). */
export function HallOfFamePage() {
  useTitle('Hall of fame');
  const hall = useResource((signal) => hallOfFameApi.all(signal), []);
  const items = hall.data?.items ?? [];
  return (
    <section className="page narrow">
      <PageHeader
        title="Hall of fame"
        description={
          <>
            Thank you to the researchers who reported vulnerabilities responsibly. Only those who chose to be named are listed; reporters can opt in on
            their <Link to="/account">profile</Link>.
          </>
        }
      />
      {hall.loading && !hall.data && <Loading />}
      {hall.error && <LoadError error={hall.error} onRetry={hall.reload} />}
      {hall.data && items.length === 0 && <Empty>Nobody is listed yet.</Empty>}
      {items.length > 0 && <HallTable items={items} caption="Researchers by reputation" />}
    </section>
  );
}

export function ProgramHallOfFamePage() {
  const { slug = '' } = useParams();
  const program = useResource((signal) => programsApi.get(slug, signal), [slug]);
  const hall = useResource((signal) => hallOfFameApi.program(slug, signal), [slug]);
  const name = program.data?.name ?? slug;
  useTitle(`Hall of fame · ${name}`);
  const items = hall.data?.items ?? [];
  return (
    <section className="page narrow">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <ol>
          <li>
            <Link to={`/programs/${slug}`}>{name}</Link>
          </li>
          <li aria-current="page">Hall of fame</li>
        </ol>
      </nav>
      <PageHeader title={`Hall of fame: ${name}`} description="Researchers who reported to this programme and chose to be named, by reputation earned here." />
      {hall.loading && !hall.data && <Loading />}
      {hall.error && <LoadError error={hall.error} onRetry={hall.reload} />}
      {hall.data && items.length === 0 && <Empty>Nobody is listed for this programme yet.</Empty>}
      {items.length > 0 && <HallTable items={items} caption={`Researchers of ${name} by reputation`} />}
      <p>
        <Link to="/hall-of-fame">Across all programmes</Link>
      </p>
    </section>
  );
}

/** On the profile page: whether and how the person is named in halls of fame. */
export function HallOfFameOptIn() {
  const profile = useResource((signal) => hallOfFameApi.profile(signal), []);
  const [handle, setHandle] = useState('');
  const [link, setLink] = useState('');
  const [listed, setListed] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const form = useSubmit();

  useEffect(() => {
    if (!profile.data) return;
    setHandle(profile.data.handle ?? '');
    setLink(profile.data.link ?? '');
    setListed(profile.data.public);
  }, [profile.data]);

  function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    void form.run(
      () => hallOfFameApi.updateProfile({ handle: handle.trim() || null, link: link.trim() || null, public: listed }),
      (next) => {
        profile.setData(next);
        setSaved(next.public ? 'Saved: you are listed in the hall of fame.' : 'Saved: you are not listed.');
      },
    );
  }

  return (
    <section className="panel" aria-labelledby="hof-heading">
      <h2 id="hof-heading">Hall of fame</h2>
      {profile.loading && !profile.data && <Loading />}
      {profile.error && <LoadError error={profile.error} onRetry={profile.reload} />}
      {profile.data && (
        <form ref={form.formRef} onSubmit={submit} noValidate className="stack">
          <p className="hint">
            Choose whether the <Link to="/hall-of-fame">hall of fame</Link> names you, and how. Nothing is shown until you opt in.
          </p>
          <FormAlert error={form.error} fields={['handle', 'link', 'public']} />
          <StatusMessage>{saved}</StatusMessage>
          <div className="checkbox">
            <input type="checkbox" id="hof-public" checked={listed} onChange={(e) => setListed(e.target.checked)} />
            <label htmlFor="hof-public">
              List me in the hall of fame
              <span className="hint">Your handle, link, reputation and number of resolved reports become public.</span>
            </label>
          </div>
          <TextField label="Handle" name="handle" maxLength={40} hint="Letters, digits, spaces, dots, dashes and underscores." autoComplete="nickname" value={handle} onChange={(e) => setHandle(e.target.value)} error={form.fieldError('handle')} />
          <TextField
            label="Link"
            name="link"
            type="url"
            optional
            hint="An https:// address, such as your website or profile."
            value={link}
            onChange={(e) => setLink(e.target.value)}
            error={form.fieldError('link')}
          />
          <div>
            <button type="submit" className="button primary" disabled={form.busy}>
              {form.busy ? 'Saving…' : 'Save'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
