import { useI18n } from '../../../i18n/i18n.tsx';
import { TemplateEditor } from './TemplateEditor.tsx';
import { TemplatesList } from './TemplatesList.tsx';
import '../templates.css';

/** The pages under /templates: the list, /templates/new and /templates/:id (an id or a key). */
export function TemplatesRoutes({ path }: { path: string }) {
  const { t } = useI18n();
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 1) return <TemplatesList />;
  if (parts.length === 2)
    return <TemplateEditor id={parts[1] === 'new' ? null : decodeURIComponent(parts[1]!)} />;
  return <p className="page-message">{t('app.notFound')}</p>;
}
