import { useI18n } from '../../../i18n/i18n.tsx';
import type { Segment } from '../create-api.ts';
import { useBots } from '../create-api.ts';
import type { BroadcastDraft } from '../create-logic.ts';

/** Step 1: the name, the bot it goes through, and who gets it (a saved segment, or everyone subscribed) with the live count. */
export function AudienceStep({
  draft,
  change,
  segments,
  count,
  countLoading,
}: {
  draft: BroadcastDraft;
  change: (patch: Partial<BroadcastDraft>) => void;
  segments: Segment[];
  count: number | undefined;
  countLoading: boolean;
}) {
  const { t, fmt } = useI18n();
  const bots = useBots();
  const own = segments.filter((s) => s.builtInKey !== 'subscribed');
  return (
    <fieldset className="card">
      <legend>{t('broadcasts.step.audience')}</legend>
      <label htmlFor="bc-title">{t('broadcasts.create.title')}</label>
      <input
        id="bc-title"
        value={draft.title}
        maxLength={200}
        onChange={(e) => change({ title: e.target.value })}
      />
      <label htmlFor="bc-channel">{t('broadcasts.create.channel')}</label>
      <select id="bc-channel" value={draft.channelId} onChange={(e) => change({ channelId: e.target.value })}>
        <option value="">{t('broadcasts.create.choose')}</option>
        {(bots.data ?? []).map((c) => (
          <option key={c.id} value={c.id} disabled={c.status !== 'active'}>
            {c.bot.username ? `${c.name} (@${c.bot.username})` : c.name}
          </option>
        ))}
      </select>
      {bots.isSuccess && bots.data.length === 0 ? (
        <p className="hint">{t('broadcasts.create.noBots')}</p>
      ) : null}
      <div className="segmented bc-choice" role="radiogroup" aria-label={t('broadcasts.create.audience')}>
        <label>
          <input
            type="radio"
            name="bc-audience"
            checked={draft.audience === 'all'}
            onChange={() => change({ audience: 'all' })}
          />
          {t('broadcasts.create.allSubscribed')}
        </label>
        <label>
          <input
            type="radio"
            name="bc-audience"
            checked={draft.audience === 'segment'}
            onChange={() => change({ audience: 'segment' })}
          />
          {t('broadcasts.create.segment')}
        </label>
        {draft.filter ? (
          <label>
            <input
              type="radio"
              name="bc-audience"
              checked={draft.audience === 'filter'}
              onChange={() => change({ audience: 'filter' })}
            />
            {t('broadcasts.create.filterAudience')}
          </label>
        ) : null}
      </div>
      {draft.audience === 'filter' ? <p className="hint">{t('broadcasts.create.filterHint')}</p> : null}
      {draft.audience === 'segment' ? (
        <>
          <label htmlFor="bc-segment">{t('broadcasts.create.segmentName')}</label>
          <select
            id="bc-segment"
            value={draft.segmentId}
            onChange={(e) => change({ segmentId: e.target.value })}
          >
            <option value="">{t('broadcasts.create.choose')}</option>
            {own.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </>
      ) : null}
      <p className="bc-count" aria-live="polite" data-testid="audience-count">
        {count !== undefined
          ? t('broadcasts.create.count', { count: fmt.number(count) })
          : countLoading
            ? t('app.loading')
            : null}
      </p>
      <p className="hint">{t('broadcasts.create.countHint')}</p>
    </fieldset>
  );
}
