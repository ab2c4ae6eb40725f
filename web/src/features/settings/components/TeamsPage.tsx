import { type FormEvent, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { AddUserPicker } from '../../../lib/AddUserPicker.tsx';
import { errorAt, type FieldErrors, fieldErrors, problemText } from '../../../lib/field-errors.ts';
import { usePermissions } from '../../../lib/me.ts';
import { LoadError, ProblemAlert } from '../../../lib/ProblemAlert.tsx';
import { useDeleteTeam, useSaveTeam, useTeamMember, useTeams, useUsers } from '../api.ts';
import type { Team } from '../types.ts';
import { FieldMessage } from './CopyField.tsx';
import { EditDeleteActions, FormButtons } from './ListParts.tsx';

/** Teams and their members (a conversation handed to a team reaches its members). */
export function TeamsPage() {
  const { t } = useI18n();
  const can = usePermissions();
  const teams = useTeams();
  const writable = can('settings:write');
  return (
    <div className="page">
      <h1>{t('settings.teams.title')}</h1>
      {writable ? <TeamForm /> : null}
      <LoadError error={teams.error} />
      {teams.data?.length === 0 ? <p className="page-message">{t('settings.teams.empty')}</p> : null}
      {teams.data?.map((team) => (
        <TeamCard key={team.id} team={team} writable={writable} />
      ))}
    </div>
  );
}

function TeamCard({ team, writable }: { team: Team; writable: boolean }) {
  const { t } = useI18n();
  const users = useUsers();
  const member = useTeamMember();
  const remove = useDeleteTeam();
  const [editing, setEditing] = useState(false);
  const [problem, setProblem] = useState('');
  const candidates = (users.data ?? []).filter(
    (u) => u.active && !team.members.some((m) => m.userId === u.id),
  );
  const onError = (err: unknown) => setProblem(problemText(err, t));

  if (editing) return <TeamForm team={team} onDone={() => setEditing(false)} />;
  return (
    <section className="card" aria-labelledby={`team-${team.id}`}>
      <div className="card-head">
        <h2 id={`team-${team.id}`}>{team.name}</h2>
        {writable ? (
          <EditDeleteActions
            onEdit={() => setEditing(true)}
            confirmDelete={t('settings.teams.confirmDelete', { name: team.name })}
            onDelete={() => remove.mutate(team.id, { onError })}
          />
        ) : null}
      </div>
      {team.description ? <p className="hint">{team.description}</p> : null}
      <p className="hint">
        {team.allowAutoAssign ? t('settings.teams.autoAssignOn') : t('settings.teams.autoAssignOff')}
      </p>
      <h3>{t('settings.teams.members')}</h3>
      {team.members.length === 0 ? <p className="hint">{t('settings.teams.noMembers')}</p> : null}
      <ul className="member-list">
        {team.members.map((m) => (
          <li key={m.userId}>
            <span>
              {m.displayName} <span className="hint">{m.email}</span>
            </span>
            {writable ? (
              <button
                type="button"
                className="button-quiet"
                onClick={() =>
                  member.mutate({ teamId: team.id, userId: m.userId, remove: true }, { onError })
                }
              >
                {t('settings.remove')}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {writable ? (
        <AddUserPicker
          candidates={candidates}
          actionLabel={t('settings.teams.addMember')}
          pickLabel={t('settings.teams.pickUser')}
          pending={member.isPending}
          add={(userId, onAdded) =>
            member.mutate({ teamId: team.id, userId }, { onSuccess: onAdded, onError })
          }
        />
      ) : null}
      <ProblemAlert message={problem} />
    </section>
  );
}

/** Creates a team, or changes one when given. */
function TeamForm({ team, onDone }: { team?: Team; onDone?: () => void }) {
  const { t } = useI18n();
  const save = useSaveTeam();
  const prefix = team ? `team-${team.id}` : 'team-new';
  const [name, setName] = useState(team?.name ?? '');
  const [description, setDescription] = useState(team?.description ?? '');
  const [allowAutoAssign, setAllowAutoAssign] = useState(team?.allowAutoAssign ?? true);
  const [errors, setErrors] = useState<FieldErrors>({});

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    save.mutate(
      { id: team?.id, name: name.trim(), description: description.trim() || null, allowAutoAssign },
      {
        onSuccess: () => {
          if (!team) {
            setName('');
            setDescription('');
          }
          onDone?.();
        },
        onError: (err) => setErrors(fieldErrors(err)),
      },
    );
  };
  return (
    <form className="card narrow" onSubmit={submit}>
      <h2>{team ? t('settings.teams.edit', { name: team.name }) : t('settings.teams.create')}</h2>
      <label htmlFor={`${prefix}-name`}>{t('settings.name')}</label>
      <input
        id={`${prefix}-name`}
        required
        maxLength={100}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <FieldMessage id={`${prefix}-name-error`} message={errorAt(errors, 'name')} />
      <label htmlFor={`${prefix}-description`}>{t('settings.description')}</label>
      <input
        id={`${prefix}-description`}
        maxLength={500}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
      />
      <FieldMessage id={`${prefix}-description-error`} message={errorAt(errors, 'description')} />
      <label className="check">
        <input
          type="checkbox"
          checked={allowAutoAssign}
          onChange={(e) => setAllowAutoAssign(e.target.checked)}
        />
        {t('settings.teams.allowAutoAssign')}
      </label>
      <FieldMessage id={`${prefix}-error`} message={errors['']} />
      <FormButtons
        createLabel={t('settings.teams.create')}
        existing={!!team}
        pending={save.isPending}
        onCancel={onDone}
      />
    </form>
  );
}
