import { type ReactNode, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { downloadCsv, type ReportName, useReport } from '../api.ts';
import type { Period } from '../period.ts';
import { takesChannel } from '../report-query.ts';

/** What every report section gets from the page. */
export interface ReportScope {
  period: Period;
  /** The zone that cuts days (the user's; null: the workspace's). */
  zone: string | null;
  /** The channel the per-channel reports are narrowed to; null: every channel. */
  channel: { id: string; name: string } | null;
}

/** One report on the dashboard: heading, CSV export, loading and error states around its charts. */
export function ReportCard<T>(props: {
  name: ReportName;
  title: string;
  /** What the figures mean, in a sentence. */
  hint: string;
  scope: ReportScope;
  children: (data: T) => ReactNode;
}) {
  const { t } = useI18n();
  const { period, zone, channel } = props.scope;
  const report = useReport<T>(props.name, period, zone, channel?.id ?? null);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const headingId = `report-${props.name}`;

  const onExport = async () => {
    setExporting(true);
    setExportError(null);
    try {
      await downloadCsv(props.name, period, zone, channel);
    } catch (err) {
      setExportError((err as Error).message);
    } finally {
      setExporting(false);
    }
  };

  return (
    <section className="card report-card" aria-labelledby={headingId} data-testid={`report-${props.name}`}>
      <div className="report-head">
        <h2 id={headingId}>{props.title}</h2>
        <button type="button" className="button-quiet" onClick={onExport} disabled={exporting}>
          {exporting ? t('reports.exporting') : t('reports.exportCsv')}
        </button>
      </div>
      <p className="hint">{props.hint}</p>
      {channel ? (
        <p className="hint report-channel-note">
          {takesChannel(props.name)
            ? t('reports.channel.narrowed', { channel: channel.name })
            : t('reports.channel.everyChannel')}
        </p>
      ) : null}
      {exportError ? (
        <p className="form-error" role="alert">
          {t('error.generic', { message: exportError })}
        </p>
      ) : null}
      {report.isPending ? <p className="hint">{t('app.loading')}</p> : null}
      {report.error ? (
        <p className="form-error" role="alert">
          {report.error instanceof ApiError && report.error.status === 403
            ? t('error.forbidden')
            : t('error.generic', { message: report.error.message })}
        </p>
      ) : null}
      {report.data ? props.children(report.data) : null}
    </section>
  );
}

/** A row of headline figures. */
export function Stats({ items }: { items: Array<{ label: string; value: string }> }) {
  return (
    <dl className="report-stats">
      {items.map((item) => (
        <div key={item.label}>
          <dt>{item.label}</dt>
          <dd>{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}
