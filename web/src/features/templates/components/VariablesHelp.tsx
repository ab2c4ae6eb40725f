import { useI18n } from '../../../i18n/i18n.tsx';
import {
  CONTACT_VARIABLES,
  FILTERS,
  type HelpEntry,
  variablesOf,
  WORKSPACE_VARIABLES,
} from '../variables-help.ts';

/**
 * The variables and filters a template can use; a click puts the snippet where the caret was in the last body edited.
 * Custom attributes are those of the contact the preview is for (the sample contact has `city`), data those of the sample.
 */
export function VariablesHelp(props: {
  attributes: Record<string, unknown>;
  sampleData: Record<string, unknown>;
  onInsert: (snippet: string) => void;
}) {
  const { t } = useI18n();
  const attributes = variablesOf('contact.attributes', props.attributes);
  const data = variablesOf('data', props.sampleData);
  return (
    <details className="card variables-help" open>
      <summary>{t('templates.vars.title')}</summary>
      <p className="hint">{t('templates.vars.hint')}</p>
      <HelpList title={t('templates.vars.contact')} entries={CONTACT_VARIABLES} onInsert={props.onInsert} />
      <h3>{t('templates.vars.attributes')}</h3>
      {attributes.length ? (
        <SnippetList snippets={attributes} onInsert={props.onInsert} />
      ) : (
        <p className="hint">{t('templates.vars.noAttributes')}</p>
      )}
      <HelpList
        title={t('templates.vars.workspace')}
        entries={WORKSPACE_VARIABLES}
        onInsert={props.onInsert}
      />
      <h3>{t('templates.vars.data')}</h3>
      {data.length ? (
        <SnippetList snippets={data} onInsert={props.onInsert} />
      ) : (
        <p className="hint">{t('templates.vars.noData')}</p>
      )}
      <HelpList title={t('templates.vars.filters')} entries={FILTERS} onInsert={props.onInsert} />
      <p className="hint">{t('templates.vars.escaping')}</p>
    </details>
  );
}

function HelpList({
  title,
  entries,
  onInsert,
}: {
  title: string;
  entries: HelpEntry[];
  onInsert: (s: string) => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <h3>{title}</h3>
      <ul className="snippets">
        {entries.map((e) => (
          <li key={e.snippet}>
            <button type="button" className="snippet" onClick={() => onInsert(e.snippet)}>
              <code>{e.snippet}</code>
            </button>
            <span className="hint">{t(e.label)}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

function SnippetList({ snippets, onInsert }: { snippets: string[]; onInsert: (s: string) => void }) {
  return (
    <ul className="snippets">
      {snippets.map((s) => (
        <li key={s}>
          <button type="button" className="snippet" onClick={() => onInsert(s)}>
            <code>{s}</code>
          </button>
        </li>
      ))}
    </ul>
  );
}
