import type { ReactNode } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import type { ActionDraft } from '../action-form.ts';
import {
  useCampaignOptions,
  useChannelOptions,
  useLabelOptions,
  useNotificationTypeOptions,
  useSegmentOptions,
  useTeamOptions,
  useTemplateOptions,
  useUserOptions,
} from '../api.ts';
import { OptionSelect } from './OptionSelect.tsx';

/** The inputs of the actions that need a list from the API (selects) or more than one input (waits). */
/** What each part gets from ActionFields: the action, input ids, a setter and the problem under a field. */
export interface Part {
  a: ActionDraft;
  id: (field: string) => string;
  setV: (patch: Record<string, string>) => void;
  problem: (field: string) => ReactNode;
}

export function NotificationFields({ a, id, setV, problem, children }: Part & { children: ReactNode }) {
  const { t } = useI18n();
  const types = useNotificationTypeOptions();
  return (
    <>
      <OptionSelect
        id={id('notificationType')}
        label={t('automations.field.notificationType')}
        value={a.v.notificationType ?? ''}
        options={types.data}
        onChange={(notificationType) => setV({ notificationType })}
      />
      {problem('notificationType')}
      {children}
    </>
  );
}

export function WaitFields({ a, id, setV, problem }: Part) {
  const { t } = useI18n();
  return (
    <div className="au-row">
      <div>
        <label htmlFor={id('mode')}>{t('automations.field.waitMode')}</label>
        <select id={id('mode')} value={a.v.mode} onChange={(e) => setV({ mode: e.target.value })}>
          <option value="duration">{t('automations.wait.duration')}</option>
          <option value="until">{t('automations.wait.until')}</option>
        </select>
      </div>
      {a.v.mode === 'until' ? (
        <div>
          <label htmlFor={id('untilLocalTime')}>{t('automations.field.untilLocalTime')}</label>
          <input
            id={id('untilLocalTime')}
            type="time"
            value={a.v.untilLocalTime ?? ''}
            onChange={(e) => setV({ untilLocalTime: e.target.value })}
          />
          <p className="hint">{t('automations.hint.localTime')}</p>
          {problem('untilLocalTime')}
        </div>
      ) : (
        <>
          <div>
            <label htmlFor={id('amount')}>{t('automations.field.amount')}</label>
            <input
              id={id('amount')}
              type="number"
              min={1}
              value={a.v.amount ?? ''}
              onChange={(e) => setV({ amount: e.target.value })}
            />
            {problem('seconds')}
          </div>
          <div>
            <label htmlFor={id('unit')}>{t('automations.field.unit')}</label>
            <select id={id('unit')} value={a.v.unit} onChange={(e) => setV({ unit: e.target.value })}>
              <option value="minutes">{t('automations.unit.minutes')}</option>
              <option value="hours">{t('automations.unit.hours')}</option>
              <option value="days">{t('automations.unit.days')}</option>
            </select>
          </div>
        </>
      )}
    </div>
  );
}

export function CouponFields({
  a,
  id,
  setV,
  problem,
  check,
}: Part & { check: (f: string, l: string) => ReactNode }) {
  const { t } = useI18n();
  const campaigns = useCampaignOptions();
  return (
    <>
      <OptionSelect
        id={id('campaignId')}
        label={t('automations.field.campaign')}
        value={a.v.campaignId ?? ''}
        options={campaigns.data}
        onChange={(campaignId) => setV({ campaignId })}
      />
      {problem('campaignId')}
      {check('deliver', t('automations.field.deliver'))}
    </>
  );
}

export function AssignFields({ a, id, setV, problem }: Part) {
  const { t } = useI18n();
  const users = useUserOptions();
  const teams = useTeamOptions();
  return (
    <div className="au-row">
      <div>
        <OptionSelect
          id={id('userId')}
          label={t('automations.field.user')}
          value={a.v.userId ?? ''}
          options={users.data}
          emptyLabel={t('automations.nobody')}
          onChange={(userId) => setV({ userId })}
        />
        {problem('userId')}
      </div>
      <div>
        <OptionSelect
          id={id('teamId')}
          label={t('automations.field.team')}
          value={a.v.teamId ?? ''}
          options={teams.data}
          emptyLabel={t('automations.nobody')}
          onChange={(teamId) => setV({ teamId })}
        />
        {problem('teamId')}
      </div>
    </div>
  );
}

export function LabelField({ a, id, setV, problem }: Part) {
  const { t } = useI18n();
  const labels = useLabelOptions();
  return (
    <>
      <OptionSelect
        id={id('label')}
        label={t('automations.field.label')}
        value={a.v.label ?? ''}
        options={labels.data}
        onChange={(label) => setV({ label })}
      />
      {problem('label')}
    </>
  );
}

export function BroadcastFields({ a, id, setV, problem }: Part) {
  const { t } = useI18n();
  const templates = useTemplateOptions();
  const segments = useSegmentOptions();
  const channels = useChannelOptions();
  return (
    <div className="au-row">
      <div>
        <OptionSelect
          id={id('templateId')}
          label={t('automations.field.template')}
          value={a.v.templateId ?? ''}
          options={templates.data}
          onChange={(templateId) => setV({ templateId })}
        />
        {problem('templateId')}
      </div>
      <div>
        <OptionSelect
          id={id('segmentId')}
          label={t('automations.field.segment')}
          value={a.v.segmentId ?? ''}
          options={segments.data}
          onChange={(segmentId) => setV({ segmentId })}
        />
        {problem('segmentId')}
      </div>
      <div>
        <OptionSelect
          id={id('channelId')}
          label={t('automations.field.channel')}
          value={a.v.channelId ?? ''}
          options={channels.data}
          onChange={(channelId) => setV({ channelId })}
        />
        {problem('channelId')}
      </div>
    </div>
  );
}
