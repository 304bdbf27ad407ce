import { Chip, Time, type Tone } from '../../components/ui';
import type { Channel, DiscoveryResult } from './types';

const STATUS_TONE: Record<string, Tone> = { live: 'success', unchecked: 'neutral', unverified: 'neutral', stale: 'warning', not_live: 'danger', bounced: 'danger' };

export function StatusChip({ status }: { status: string }) {
  return <Chip tone={STATUS_TONE[status] ?? 'neutral'}>{status.replace('_', ' ')}</Chip>;
}

/** Where a channel was found and what the fetch answered; URLs are shown as text, never as links to follow blindly. */
function EvidenceCell({ channel }: { channel: Channel }) {
  const e = channel.evidence;
  return (
    <div className="evidence">
      <div>
        {e.url ?? String(e.recorded_in ?? 'directory')}
        {e.http_status ? ` · HTTP ${e.http_status}` : ''} · <Time value={e.fetched_at} compact />
      </div>
      {e.excerpt && <div>“{e.excerpt}”</div>}
      {e.signature && <div>signature: {e.signature}</div>}
      {e.check && <div>check: {e.check}</div>}
      {e.sha256 && <div title={e.sha256}>sha256 {e.sha256.slice(0, 16)}…</div>}
    </div>
  );
}

export function ChannelsTable({ channels, onAdopt, adopting }: { channels: Channel[]; onAdopt?: (index: number) => void; adopting?: number | null }) {
  if (channels.length === 0) return <p className="muted">None.</p>;
  return (
    <table className="table channel-table">
      <thead>
        <tr>
          <th>Channel</th>
          <th>Source</th>
          <th>Status</th>
          <th>Evidence</th>
          {onAdopt && <th><span className="visually-hidden">Actions</span></th>}
        </tr>
      </thead>
      <tbody>
        {channels.map((channel, index) => (
          <tr key={`${channel.kind}:${channel.value}`}>
            <td>
              <div>{channel.value}</div>
              <div className="muted">
                {channel.kind.replace('_', ' ')}
                {channel.vendor ? ` · ${channel.vendor.name}` : ''}
                {channel.note ? ` · ${channel.note}` : ''}
              </div>
            </td>
            <td>{channel.source.replace('_', ' ')}</td>
            <td>
              <StatusChip status={channel.status} />
              {channel.flags.map((flag) => (
                <Chip key={flag} tone="danger">
                  {flag.replace(/_/g, ' ')}
                </Chip>
              ))}
            </td>
            <td>
              <EvidenceCell channel={channel} />
            </td>
            {onAdopt && (
              <td>
                {channel.source !== 'directory' && channel.source !== 'coordinator' && (
                  <button type="button" className="button button-small" disabled={adopting === index} onClick={() => onAdopt(index)}>
                    Add to contacts
                  </button>
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A discovery's result: the recommendation, usable channels, the ones passed over, and warnings. */
export function DiscoveryResultView({ result, onAdopt, adopting }: { result: DiscoveryResult; onAdopt?: (index: number) => void; adopting?: number | null }) {
  return (
    <div className="discovery-result">
      <p>
        <strong>Recommended:</strong> {result.recommended ? `${result.recommended.value} (${result.recommended.source.replace('_', ' ')}, ${result.recommended.status})` : 'no usable channel was found'}
        {result.timed_out && <Chip tone="warning">timed out</Chip>}
      </p>
      <h4>Channels</h4>
      <ChannelsTable channels={result.channels} {...(onAdopt ? { onAdopt } : {})} adopting={adopting ?? null} />
      {result.rejected.length > 0 && (
        <>
          <h4>Not used</h4>
          <ChannelsTable channels={result.rejected} />
        </>
      )}
      {result.warnings.length > 0 && (
        <details className="discovery-warnings">
          <summary>{result.warnings.length} warning{result.warnings.length === 1 ? '' : 's'}</summary>
          <ul>
            {result.warnings.map((warning, i) => (
              <li key={i}>{warning}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
