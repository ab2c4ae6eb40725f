import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import type { BroadcastDetail } from '../detail-api.ts';

/** The outcome counters shown as tiles, in the order people ask about them. */
const OUTCOMES: [string, MessageKey][] = [
  ['sent', 'broadcasts.outcome.sent'],
  ['failed', 'broadcasts.outcome.failed'],
  ['blocked', 'broadcasts.outcome.blocked'],
  ['skipped', 'broadcasts.outcome.skipped'],
  ['pending', 'broadcasts.outcome.pending'],
  ['unknown', 'broadcasts.outcome.unknown'],
  ['cancelled', 'broadcasts.outcome.cancelled'],
];

const SKIP_REASON: Record<string, MessageKey> = {
  skipped_unsubscribed: 'broadcasts.skip.unsubscribed',
  skipped_blocked: 'broadcasts.skip.blocked',
  skipped_no_identity: 'broadcasts.skip.noIdentity',
  skipped_unreachable: 'broadcasts.skip.unreachable',
};

/** Results: outcomes, why recipients failed or were skipped, and clicks per button. */
export function Results({ broadcast: b }: { broadcast: BroadcastDetail }) {
  const { t, fmt } = useI18n();
  const skipped = Object.entries(b.stats).filter(([k, v]) => k.startsWith('skipped_') && v > 0);
  return (
    <section className="card" aria-labelledby="bc-results">
      <h2 id="bc-results">{t('broadcasts.results.title')}</h2>
      <ul className="bc-tiles" data-testid="broadcast-results">
        {OUTCOMES.map(([key, label]) => (
          <li
            key={key}
            className={(b.stats[key] ?? 0) > 0 ? `bc-tile bc-tile-${key}` : 'bc-tile'}
            data-outcome={key}
          >
            <span className="bc-tile-value">{fmt.number(b.stats[key] ?? 0)}</span>
            <span className="hint">{t(label)}</span>
          </li>
        ))}
        <li className="bc-tile" data-outcome="clicks">
          <span className="bc-tile-value">{fmt.number(b.clicks.total)}</span>
          <span className="hint">
            {t('broadcasts.results.clicks', { unique: fmt.number(b.clicks.unique) })}
          </span>
        </li>
      </ul>
      <div className="bc-results-grid">
        {b.failedByReason.length > 0 ? (
          <div>
            <h3>{t('broadcasts.results.failedByReason')}</h3>
            <table className="table">
              <tbody>
                {b.failedByReason.map((r) => (
                  <tr key={r.reason}>
                    <td>{r.reason}</td>
                    <td className="num">{fmt.number(r.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {skipped.length > 0 ? (
          <div>
            <h3>{t('broadcasts.results.skippedByReason')}</h3>
            <table className="table">
              <tbody>
                {skipped.map(([k, v]) => (
                  <tr key={k}>
                    <td>{SKIP_REASON[k] ? t(SKIP_REASON[k]) : k.slice('skipped_'.length)}</td>
                    <td className="num">{fmt.number(v)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {b.clicks.buttons.length > 0 ? (
          <div>
            <h3>{t('broadcasts.results.buttons')}</h3>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('broadcasts.buttons.text')}</th>
                  <th scope="col">{t('broadcasts.results.clickTotal')}</th>
                  <th scope="col">{t('broadcasts.results.clickUnique')}</th>
                </tr>
              </thead>
              <tbody>
                {b.clicks.buttons.map((x) => (
                  <tr key={x.button}>
                    <td>{x.text}</td>
                    <td className="num">{fmt.number(x.total)}</td>
                    <td className="num">{fmt.number(x.unique)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {!b.clicks.urlTracking ? <p className="hint">{t('broadcasts.results.noUrlTracking')}</p> : null}
          </div>
        ) : null}
      </div>
    </section>
  );
}
