import { Fragment, useState, type MouseEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { toApiError, type ApiError } from '../../api/client';
import { jobsApi } from '../../api/endpoints';
import { JOB_STATES, type Job, type JobState } from '../../api/types';
import { FormAlert, StatusMessage } from '../../components/forms';
import { Chip, Empty, KeyHint, LoadError, Loading, PageHeader, Time, type Tone } from '../../components/ui';
import { useListKeys } from '../../lib/useListKeys';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { DisclosureCell } from '../../components/DisclosureCell';

const STATE_TONE: Record<JobState, Tone> = { queued: 'neutral', running: 'info', done: 'success', dead: 'danger' };
const STATE_LABEL: Record<JobState, string> = { queued: 'Queued', running: 'Running', done: 'Done', dead: 'Dead' };

function isJobState(value: string | null): value is JobState {
  return value !== null && (JOB_STATES as readonly string[]).includes(value);
}

/** Background jobs (mail, webhooks, …). Dead jobs ran out of attempts; a lead may retry them. */
export function JobsPage() {
  useTitle('Jobs');
  const [params] = useSearchParams();
  const stateParam = params.get('state');
  const state = isJobState(stateParam) ? stateParam : undefined;
  const jobs = useResource((signal) => jobsApi.list(state, signal), [state]);
  const items = jobs.data?.items ?? [];
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [retrying, setRetrying] = useState<string | null>(null);
  const [retryError, setRetryError] = useState<ApiError | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);

  function toggle(id: string) {
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }
  const keys = useListKeys(items.length, (index) => {
    const job = items[index];
    if (job) toggle(job.id);
  });

  async function retry(job: Job) {
    setRetrying(job.id);
    setRetryError(undefined);
    setNotice(null);
    try {
      await jobsApi.retry(job.id);
      setNotice(`Job ${job.name} is queued again.`);
      jobs.reload();
    } catch (error) {
      setRetryError(toApiError(error));
    } finally {
      setRetrying(null);
    }
  }

  function onRowClick(event: MouseEvent<HTMLTableRowElement>, id: string) {
    if ((event.target as HTMLElement).closest('a, button')) return;
    toggle(id);
  }

  const tabs: { label: string; value: JobState | undefined }[] = [
    { label: 'All', value: undefined },
    ...JOB_STATES.map((s) => ({ label: STATE_LABEL[s], value: s })),
  ];

  return (
    <section className="page">
      <PageHeader
        title="Jobs"
        description="Work cvdesk does in the background, such as sending mail. A job that fails is tried again later; when it runs out of attempts it is dead."
        actions={
          <button type="button" className="button" onClick={jobs.reload} disabled={jobs.loading}>
            Refresh
          </button>
        }
      />
      <nav className="segmented" aria-label="Job state">
        {tabs.map((tab) => (
          <Link
            key={tab.label}
            to={tab.value ? `?state=${tab.value}` : '/admin/jobs'}
            aria-current={tab.value === state ? 'page' : undefined}
          >
            {tab.label}
          </Link>
        ))}
      </nav>
      <StatusMessage>{notice}</StatusMessage>
      <FormAlert error={retryError} />
      {jobs.loading && !jobs.data && <Loading />}
      {jobs.error && <LoadError error={jobs.error} onRetry={jobs.reload} />}
      {jobs.data && items.length === 0 && <Empty>{state ? `No ${STATE_LABEL[state].toLowerCase()} jobs.` : 'No jobs.'}</Empty>}
      {items.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Jobs{state ? `: ${STATE_LABEL[state]}` : ''}</caption>
              <thead>
                <tr>
                  <th scope="col">
                    <span className="visually-hidden">Details</span>
                  </th>
                  <th scope="col">Name</th>
                  <th scope="col">State</th>
                  <th scope="col" className="num">
                    Attempts
                  </th>
                  <th scope="col" className="col-opt">
                    Run at
                  </th>
                  <th scope="col" className="col-opt">
                    Finished
                  </th>
                  <th scope="col">Last error</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((job, index) => {
                  const expanded = open.has(job.id);
                  const detailsId = `job-${job.id}`;
                  return (
                    <Fragment key={job.id}>
                      <tr {...keys.rowProps(index)} className="clickable" onClick={(e) => onRowClick(e, job.id)}>
                        <DisclosureCell expanded={expanded} detailsId={detailsId} onToggle={() => toggle(job.id)} inTabOrder={false}>
                          Details of job {job.name}
                        </DisclosureCell>
                        <th scope="row">
                          <code>{job.name}</code>
                        </th>
                        <td>
                          <Chip tone={STATE_TONE[job.state] ?? 'neutral'}>{job.state}</Chip>
                        </td>
                        <td className="num">
                          {job.attempts}/{job.maxAttempts}
                        </td>
                        <td className="col-opt nowrap">
                          <Time value={job.runAt} compact />
                        </td>
                        <td className="col-opt nowrap">
                          <Time value={job.finishedAt} compact />
                        </td>
                        <td className="truncate" title={job.lastError ?? undefined}>
                          {job.lastError ?? <span className="muted">—</span>}
                        </td>
                        <td className="actions">
                          {job.state === 'dead' && (
                            <button
                              type="button"
                              className="button small"
                              onClick={() => void retry(job)}
                              disabled={retrying === job.id}
                            >
                              {retrying === job.id ? 'Retrying…' : 'Retry'}
                              <span className="visually-hidden"> job {job.name}</span>
                            </button>
                          )}
                        </td>
                      </tr>
                      {expanded && (
                        <tr className="details-row" id={detailsId}>
                          <td colSpan={8}>
                            <dl className="properties compact">
                              <div>
                                <dt>Job</dt>
                                <dd>
                                  <code>{job.id}</code>
                                </dd>
                              </div>
                              <div>
                                <dt>Created</dt>
                                <dd>
                                  <Time value={job.createdAt} />
                                </dd>
                              </div>
                              <div>
                                <dt>Run at</dt>
                                <dd>
                                  <Time value={job.runAt} />
                                </dd>
                              </div>
                              <div>
                                <dt>Finished</dt>
                                <dd>
                                  <Time value={job.finishedAt} />
                                </dd>
                              </div>
                            </dl>
                            {job.lastError ? (
                              <pre className="json">{job.lastError}</pre>
                            ) : (
                              <p className="muted">No error recorded.</p>
                            )}
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </div>
          <KeyHint />
        </>
      )}
    </section>
  );
}
