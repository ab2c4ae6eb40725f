import { useEffect, useState } from 'react';
import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { validZone } from '../../../lib/format.ts';
import { useMe } from '../../../lib/me.ts';
import { Link, navigate } from '../../../lib/router.tsx';
import {
  useBotRate,
  useCreateBroadcast,
  useSegmentCount,
  useSegments,
  useStoredBroadcast,
} from '../create-api.ts';
import { type BroadcastDraft, createPlan, draftProblems, emptyDraft } from '../create-logic.ts';
import { draftFromBroadcast, isEditable } from '../draft-edit.ts';
import { AudienceStep } from './AudienceStep.tsx';
import { STATUS_LABEL } from './BroadcastDetailPage.tsx';
import { Estimate } from './Estimate.tsx';
import { MessageStep } from './MessageStep.tsx';
import { ScheduleStep } from './ScheduleStep.tsx';

const STEPS = ['audience', 'message', 'schedule', 'confirm'] as const;
type Step = (typeof STEPS)[number];
const STEP_LABEL: Record<Step, MessageKey> = {
  audience: 'broadcasts.step.audience',
  message: 'broadcasts.step.message',
  schedule: 'broadcasts.step.schedule',
  confirm: 'broadcasts.step.confirm',
};
const SCHEDULE_LABEL: Record<BroadcastDraft['schedule'], MessageKey> = {
  now: 'broadcasts.schedule.now',
  at: 'broadcasts.schedule.at',
  local: 'broadcasts.schedule.local',
};

/**
 * /broadcasts/new: audience → message → schedule → confirm with an estimate, then create and start (or schedule).
 * /broadcasts/:id/edit (`editId`): the same steps over a stored draft or scheduled broadcast, saved with a PATCH.
 */
export function BroadcastCreatePage({ editId = null }: { editId?: string | null }) {
  const { t, fmt } = useI18n();
  const me = useMe();
  const zone = validZone(me.data?.timezone)
    ? me.data!.timezone!
    : Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [draft, setDraft] = useState<BroadcastDraft>(emptyDraft);
  const [step, setStep] = useState<Step>('audience');
  const [showProblems, setShowProblems] = useState(false);
  const change = (patch: Partial<BroadcastDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const segments = useSegments();
  const subscribed = segments.data?.find((s) => s.builtInKey === 'subscribed') ?? null;
  const audienceId = draft.audience === 'all' ? (subscribed?.id ?? null) : draft.segmentId || null;
  const count = useSegmentCount(audienceId);
  const rate = useBotRate(draft.channelId);
  const create = useCreateBroadcast(editId);

  // Editing: the stored broadcast fills the form once, when it and the segments (for "everyone subscribed") are read.
  const stored = useStoredBroadcast(editId);
  const [loaded, setLoaded] = useState(editId === null);
  useEffect(() => {
    if (loaded || !stored.data || !segments.isFetched) return;
    setDraft(draftFromBroadcast(stored.data, subscribed?.id ?? null, zone));
    setLoaded(true);
  }, [loaded, stored.data, segments.isFetched, subscribed, zone]);

  const problems = draftProblems(draft, new Date(), zone);
  const stepIndex = STEPS.indexOf(step);
  const stepProblems = problems.filter((p) => STEPS.indexOf(p.step) <= stepIndex);
  const next = () => {
    if (stepProblems.length > 0) return setShowProblems(true);
    setShowProblems(false);
    setStep(STEPS[stepIndex + 1]!);
  };
  const submit = async (asDraft: boolean) => {
    if (problems.length > 0) return setShowProblems(true);
    const plan = createPlan(draft, zone, subscribed?.id ?? null, editId ? 'update' : 'create');
    if (asDraft) {
      // A new draft waits without a time; an edited one is saved as the form shows it (a time given keeps it scheduled).
      if (!editId) delete plan.body.scheduledAt;
      plan.start = null;
    }
    // The error shows from create.error; a broadcast made but not started opens as a draft with its start button.
    const created = await create.mutateAsync(plan).catch(() => null);
    if (created) navigate(`/broadcasts/${created.id}`);
  };

  if (editId && !loaded)
    return (
      <p className="page-message" role={stored.error ? 'alert' : undefined}>
        {stored.error ? t('error.generic', { message: stored.error.message }) : t('broadcasts.edit.loading')}
      </p>
    );
  if (editId && stored.data && !isEditable(stored.data.status))
    return (
      <div className="page bc-create">
        <p>
          <Link to={`/broadcasts/${editId}`}>{t('broadcasts.edit.back')}</Link>
        </p>
        <p className="page-message">
          {t('broadcasts.edit.notEditable', {
            status: t(
              STATUS_LABEL[stored.data.status as keyof typeof STATUS_LABEL] ?? 'broadcasts.status.draft',
            ),
          })}
        </p>
      </div>
    );

  return (
    <div className="page bc-create">
      <p>
        {editId ? (
          <Link to={`/broadcasts/${editId}`}>{t('broadcasts.edit.back')}</Link>
        ) : (
          <Link to="/broadcasts">{t('broadcasts.backToList')}</Link>
        )}
      </p>
      <h1>{editId ? t('broadcasts.edit.heading') : t('broadcasts.create.heading')}</h1>
      <ol className="bc-steps">
        {STEPS.map((s, i) => (
          <li key={s} aria-current={s === step ? 'step' : undefined}>
            <button
              type="button"
              className="button-quiet"
              disabled={i > stepIndex}
              onClick={() => setStep(s)}
            >
              {t(STEP_LABEL[s])}
            </button>
          </li>
        ))}
      </ol>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (step === 'confirm') void submit(false);
          else next();
        }}
      >
        {step === 'audience' ? (
          <AudienceStep
            draft={draft}
            change={change}
            segments={segments.data ?? []}
            count={count.data}
            countLoading={count.isLoading}
          />
        ) : null}
        {step === 'message' ? <MessageStep draft={draft} change={change} /> : null}
        {step === 'schedule' ? <ScheduleStep draft={draft} change={change} zone={zone} /> : null}
        {step === 'confirm' ? (
          <section className="card" aria-labelledby="bc-confirm">
            <h2 id="bc-confirm">{t('broadcasts.step.confirm')}</h2>
            <dl className="facts">
              <dt>{t('broadcasts.create.title')}</dt>
              <dd>{draft.title}</dd>
              <dt>{t('broadcasts.create.recipients')}</dt>
              <dd>{count.data !== undefined ? fmt.number(count.data) : '—'}</dd>
              <dt>{t('broadcasts.step.schedule')}</dt>
              <dd>
                {t(SCHEDULE_LABEL[draft.schedule])}
                {draft.schedule === 'local' ? ` · ${draft.localTime}` : null}
                {draft.quietHours ? ` · ${t('broadcasts.schedule.quietRange', draft.quietHours)}` : null}
              </dd>
            </dl>
            <Estimate recipients={count.data} rate={rate.data} schedule={draft.schedule} />
          </section>
        ) : null}
        {showProblems && stepProblems.length > 0 ? (
          <p className="form-error" role="alert">
            {t('broadcasts.create.fix', {
              fields: stepProblems.map((p) => fieldName(t, p.field)).join(', '),
            })}
          </p>
        ) : null}
        {create.error ? (
          <p className="form-error" role="alert">
            {create.error instanceof ApiError && create.error.details.length > 0
              ? create.error.details.map((d) => `${d.path ?? ''} ${d.message}`).join('; ')
              : create.error.message}
          </p>
        ) : null}
        <div className="bc-actions">
          {stepIndex > 0 ? (
            <button type="button" onClick={() => setStep(STEPS[stepIndex - 1]!)}>
              {t('broadcasts.create.back')}
            </button>
          ) : null}
          {step === 'confirm' ? (
            <>
              <button type="submit" className="button-primary" disabled={create.isPending}>
                {t(SUBMIT_LABEL[editId ? 'edit' : 'create'][draft.schedule === 'at' ? 'schedule' : 'start'])}
              </button>
              {editId && draft.schedule === 'at' ? null : (
                <button type="button" disabled={create.isPending} onClick={() => void submit(true)}>
                  {editId ? t('broadcasts.edit.save') : t('broadcasts.create.saveDraft')}
                </button>
              )}
            </>
          ) : (
            <button type="submit" className="button-primary">
              {t('broadcasts.create.next')}
            </button>
          )}
        </div>
      </form>
    </div>
  );
}

const SUBMIT_LABEL: Record<'create' | 'edit', Record<'start' | 'schedule', MessageKey>> = {
  create: { start: 'broadcasts.create.start', schedule: 'broadcasts.create.schedule' },
  edit: { start: 'broadcasts.edit.saveStart', schedule: 'broadcasts.edit.saveSchedule' },
};

const FIELD: Record<string, MessageKey> = {
  title: 'broadcasts.create.title',
  channelId: 'broadcasts.create.channel',
  segmentId: 'broadcasts.create.segmentName',
  templateId: 'broadcasts.message.templateName',
  content: 'broadcasts.message.text',
  at: 'broadcasts.schedule.at',
  localTime: 'broadcasts.schedule.localLabel',
  quietHours: 'broadcasts.schedule.quiet',
};

/** A problem's field as the form labels it (button fields: "button 2"). */
function fieldName(
  t: (key: MessageKey, vars?: Record<string, string | number>) => string,
  field: string,
): string {
  const button = /^buttons\.(\d+)\./.exec(field);
  if (button) return t('broadcasts.buttons.number', { n: Number(button[1]) + 1 });
  const key = FIELD[field];
  return key ? t(key) : field;
}
