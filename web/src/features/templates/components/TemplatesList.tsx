import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { usePermissions } from '../../../lib/me.ts';
import { ListError } from '../../../lib/ProblemAlert.tsx';
import { Link, navigate } from '../../../lib/router.tsx';
import { useTemplates } from '../api.ts';
import type { TemplateFormat } from '../template-draft.ts';

const FORMAT: Record<TemplateFormat, MessageKey> = {
  telegram_html: 'templates.format.telegram_html',
  email_html: 'templates.format.email_html',
  text: 'templates.format.text',
};

/** Every template, built-ins first, with its languages and buttons at a glance. */
export function TemplatesList() {
  const { t, fmt } = useI18n();
  const can = usePermissions();
  const list = useTemplates();
  const templates = list.data ?? [];
  return (
    <div className="page templates-page">
      <div className="templates-head">
        <h1>{t('templates.title')}</h1>
        {can('templates:write') ? (
          <button type="button" className="button-primary" onClick={() => navigate('/templates/new')}>
            {t('templates.new')}
          </button>
        ) : null}
      </div>
      <ListError error={list.error} />
      {list.isPending ? <p className="page-message">{t('app.loading')}</p> : null}
      {list.isSuccess && templates.length === 0 ? (
        <p className="page-message">{t('templates.empty')}</p>
      ) : null}
      {templates.length > 0 ? (
        <table className="table" data-testid="templates-table">
          <thead>
            <tr>
              <th scope="col">{t('templates.name')}</th>
              <th scope="col">{t('templates.format')}</th>
              <th scope="col">{t('templates.languages')}</th>
              <th scope="col">{t('templates.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {templates.map((tpl) => (
              <tr key={tpl.id} data-testid="template-row">
                <td>
                  <Link to={`/templates/${tpl.id}`}>{tpl.name}</Link>
                  {tpl.key ? <div className="hint">{tpl.key}</div> : null}
                  {tpl.builtIn ? <span className="tag">{t('templates.builtIn')}</span> : null}
                </td>
                <td>{t(FORMAT[tpl.format])}</td>
                <td>{Object.keys(tpl.variants).sort().join(', ') || '—'}</td>
                <td>
                  <time dateTime={tpl.updatedAt}>{fmt.dateTime(tpl.updatedAt)}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
