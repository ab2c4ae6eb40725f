import { useI18n } from '../../../i18n/i18n.tsx';
import { SegmentEditor } from './SegmentEditor.tsx';
import { SegmentsList } from './SegmentsList.tsx';
import '../segments.css';

/** The pages under /segments: the list, /segments/new and /segments/:id. */
export function SegmentsRoutes({ path }: { path: string }) {
  const { t } = useI18n();
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 1) return <SegmentsList />;
  if (parts.length === 2) return <SegmentEditor id={parts[1] === 'new' ? null : parts[1]!} />;
  return <p className="page-message">{t('app.notFound')}</p>;
}
