import { useState } from 'react';
import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { AddUserPicker } from '../../../lib/AddUserPicker.tsx';
import { fieldErrors, problemText } from '../../../lib/field-errors.ts';
import { LoadError, ProblemAlert } from '../../../lib/ProblemAlert.tsx';
import type { Availability } from '../../../lib/types.ts';
import { useChannelMember, useChannelMembers, useSetMemberCapacity, useWorkers } from '../api.ts';
import type { ChannelMember } from '../types.ts';

const AVAILABILITY: Record<Availability, MessageKey> = {
  online: 'availability.online',
  busy: 'availability.busy',
  offline: 'availability.offline',
};

/** Who works this channel: they see its unassigned conversations and take part in its auto-assignment. */
export function MembersCard({ channelId, writable }: { channelId: string; writable: boolean }) {
  const { t } = useI18n();
  const members = useChannelMembers(channelId);
  const workers = useWorkers();
  const member = useChannelMember(channelId);
  const [problem, setProblem] = useState('');
  const candidates = (workers.data ?? []).filter((u) => !members.data?.some((m) => m.userId === u.id));
  const onError = (err: unknown) => setProblem(fieldErrors(err).userId ?? problemText(err, t));

  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">{t('settings.members.title')}</h2>
      <p className="hint">{t('settings.members.hint')}</p>
      <LoadError error={members.error} />
      {members.data?.length === 0 ? <p className="hint">{t('settings.members.empty')}</p> : null}
      <ul className="member-list">
        {members.data?.map((m) => (
          <MemberRow key={m.userId} channelId={channelId} member={m} writable={writable} onError={onError} />
        ))}
      </ul>
      {writable ? (
        <AddUserPicker
          candidates={candidates}
          actionLabel={t('settings.members.add')}
          pickLabel={t('settings.teams.pickUser')}
          pending={member.isPending}
          add={(userId, onAdded) => member.mutate({ userId }, { onSuccess: onAdded, onError })}
        />
      ) : null}
      <ProblemAlert message={problem} />
    </section>
  );
}

function MemberRow({
  channelId,
  member,
  writable,
  onError,
}: {
  channelId: string;
  member: ChannelMember;
  writable: boolean;
  onError: (err: unknown) => void;
}) {
  const { t } = useI18n();
  const capacity = useSetMemberCapacity(channelId);
  const remove = useChannelMember(channelId);
  const [value, setValue] = useState(member.capacity === null ? '' : String(member.capacity));
  const commit = () => {
    const next = value.trim() === '' ? null : Number(value);
    if (next === member.capacity) return;
    capacity.mutate({ userId: member.userId, capacity: next }, { onError });
  };
  const id = `capacity-${member.userId}`;
  return (
    <li>
      <span>
        <span className={`presence presence-${member.availability}`}>
          {t(AVAILABILITY[member.availability])}
        </span>{' '}
        {member.displayName} <span className="hint">{member.email}</span>
      </span>
      <span className="row-actions">
        <label htmlFor={id} className="compact-field">
          {t('settings.members.capacity')}
          <input
            id={id}
            type="number"
            min={0}
            max={10000}
            className="short-input"
            placeholder={t('settings.members.capacityDefault')}
            disabled={!writable}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            onBlur={commit}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commit();
            }}
          />
        </label>
        {writable ? (
          <button
            type="button"
            className="button-quiet"
            onClick={() => remove.mutate({ userId: member.userId, remove: true }, { onError })}
          >
            {t('settings.remove')}
          </button>
        ) : null}
      </span>
    </li>
  );
}
