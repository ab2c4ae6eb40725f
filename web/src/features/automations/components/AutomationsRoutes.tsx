import { useI18n } from '../../../i18n/i18n.tsx';
import { AutomationsList } from './AutomationsList.tsx';
import { RuleEditor } from './RuleEditor.tsx';
import '../automations.css';

/** The pages under /automations: the list, /automations/new and /automations/:id. */
export function AutomationsRoutes({ path }: { path: string }) {
  const { t } = useI18n();
  const [, , id, extra] = path.split('/');
  if (!id) return <AutomationsList />;
  if (extra) return <p className="page-message">{t('app.notFound')}</p>;
  return <RuleEditor key={id} id={id === 'new' ? null : id} />;
}
