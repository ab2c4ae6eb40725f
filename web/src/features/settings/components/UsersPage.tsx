import { type FormEvent, useState } from 'react';
import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { errorAt, type FieldErrors, fieldErrors, problemText } from '../../../lib/field-errors.ts';
import { useMe, usePermissions } from '../../../lib/me.ts';
import { LoadError } from '../../../lib/ProblemAlert.tsx';
import type { User } from '../../../lib/types.ts';
import { ROLES, type Role, useCreateUser, useLoginLink, useUpdateUser, useUsers } from '../api.ts';
import type { LoginLink } from '../types.ts';
import { CopyField, FieldMessage } from './CopyField.tsx';

/** Role names for the catalogs (the API's values stay in English). */
export const ROLE_LABEL: Record<Role, MessageKey> = {
  owner: 'settings.role.owner',
  admin: 'settings.role.admin',
  agent: 'settings.role.agent',
  marketing: 'settings.role.marketing',
  readonly: 'settings.role.readonly',
};

/** Team accounts: invite (with a sign-in link or a password), change role, deactivate, send a new sign-in link. */
export function UsersPage() {
  const { t, fmt } = useI18n();
  const can = usePermissions();
  const me = useMe();
  const users = useUsers();
  const update = useUpdateUser();
  const loginLink = useLoginLink();
  const [link, setLink] = useState<{ user: string; link: LoginLink } | null>(null);
  const [rowError, setRowError] = useState<{ id: string; text: string } | null>(null);
  const writable = can('users:write');
  // Only an owner makes, demotes or deactivates owners; others are not offered what the API would refuse.
  const isOwner = me.data?.role === 'owner';
  const roles = ROLES.filter((r) => isOwner || r !== 'owner');

  const sendLink = (user: User) =>
    loginLink.mutate(user.id, {
      onSuccess: (answer) => setLink({ user: user.displayName, link: answer }),
      onError: (err) => setRowError({ id: user.id, text: problemText(err, t) }),
    });
  const change = (user: User, patch: { role?: Role; active?: boolean }) => {
    setRowError(null);
    update.mutate(
      { id: user.id, ...patch },
      { onError: (err) => setRowError({ id: user.id, text: problemText(err, t) }) },
    );
  };

  return (
    <div className="page wide">
      <h1>{t('settings.users.title')}</h1>
      {writable ? <CreateUserForm roles={roles} onInvited={(user, l) => setLink({ user, link: l })} /> : null}
      {link ? (
        <div className="card narrow" role="status">
          <p>{t('settings.users.linkFor', { name: link.user, time: fmt.dateTime(link.link.expiresAt) })}</p>
          <CopyField id="login-link" label={t('settings.users.link')} value={link.link.url} />
        </div>
      ) : null}
      <LoadError error={users.error} />
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th>{t('settings.users.name')}</th>
              <th>{t('settings.users.email')}</th>
              <th>{t('settings.users.role')}</th>
              <th>{t('settings.users.lastSeen')}</th>
              <th>{t('settings.users.status')}</th>
              {writable ? <th>{t('settings.actions')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {users.data?.map((u) => {
              const locked = u.role === 'owner' && !isOwner;
              return (
                <tr key={u.id} className={u.active ? undefined : 'inactive-row'}>
                  <td>{u.displayName}</td>
                  <td>{u.email}</td>
                  <td>
                    {writable && !locked ? (
                      <select
                        aria-label={t('settings.users.roleOf', { name: u.displayName })}
                        value={u.role}
                        onChange={(e) => change(u, { role: e.target.value as Role })}
                      >
                        {roles.map((r) => (
                          <option key={r} value={r}>
                            {t(ROLE_LABEL[r])}
                          </option>
                        ))}
                      </select>
                    ) : (
                      t(ROLE_LABEL[u.role as Role] ?? 'settings.role.readonly')
                    )}
                  </td>
                  <td>{u.lastSeenAt ? fmt.dateTime(u.lastSeenAt) : t('channels.never')}</td>
                  <td>{u.active ? t('settings.users.active') : t('settings.users.inactive')}</td>
                  {writable ? (
                    <td className="row-actions">
                      {!locked && u.id !== me.data?.id ? (
                        <button type="button" onClick={() => change(u, { active: !u.active })}>
                          {u.active ? t('settings.users.deactivate') : t('settings.users.activate')}
                        </button>
                      ) : null}
                      {u.active && !locked ? (
                        <button type="button" onClick={() => sendLink(u)}>
                          {t('settings.users.sendLink')}
                        </button>
                      ) : null}
                      {rowError?.id === u.id ? (
                        <p className="field-error" role="alert">
                          {rowError.text}
                        </p>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

const USER_FIELDS = ['email', 'displayName', 'role', 'password'] as const;

/** The invite form: without a password the new colleague signs in with the link shown after creating. */
function CreateUserForm({
  roles,
  onInvited,
}: {
  roles: readonly Role[];
  onInvited: (name: string, link: LoginLink) => void;
}) {
  const { t } = useI18n();
  const create = useCreateUser();
  const loginLink = useLoginLink();
  const [form, setForm] = useState({ email: '', displayName: '', role: 'agent' as Role, password: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [done, setDone] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setDone('');
    const body = {
      email: form.email.trim(),
      displayName: form.displayName.trim(),
      role: form.role,
      ...(form.password ? { password: form.password } : {}),
    };
    create.mutate(body, {
      onSuccess: (user) => {
        setForm({ email: '', displayName: '', role: form.role, password: '' });
        setDone(t('settings.users.created', { name: user.displayName }));
        if (!body.password)
          loginLink.mutate(user.id, { onSuccess: (link) => onInvited(user.displayName, link) });
      },
      onError: (err) => setErrors(fieldErrors(err)),
    });
  };

  const field = (name: (typeof USER_FIELDS)[number]) => ({
    id: `user-${name}`,
    'aria-invalid': errorAt(errors, name) ? true : undefined,
    'aria-describedby': errorAt(errors, name) ? `user-${name}-error` : undefined,
  });
  const general = Object.entries(errors)
    .filter(([k]) => !USER_FIELDS.some((f) => k === f))
    .map(([, v]) => v);

  return (
    <form className="card narrow" onSubmit={submit}>
      <h2>{t('settings.users.invite')}</h2>
      <label htmlFor="user-email">{t('settings.users.email')}</label>
      <input
        {...field('email')}
        type="email"
        required
        value={form.email}
        onChange={(e) => setForm({ ...form, email: e.target.value })}
      />
      <FieldMessage id="user-email-error" message={errorAt(errors, 'email')} />
      <label htmlFor="user-displayName">{t('settings.users.name')}</label>
      <input
        {...field('displayName')}
        required
        maxLength={100}
        value={form.displayName}
        onChange={(e) => setForm({ ...form, displayName: e.target.value })}
      />
      <FieldMessage id="user-displayName-error" message={errorAt(errors, 'displayName')} />
      <label htmlFor="user-role">{t('settings.users.role')}</label>
      <select
        {...field('role')}
        value={form.role}
        onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
      >
        {roles.map((r) => (
          <option key={r} value={r}>
            {t(ROLE_LABEL[r])}
          </option>
        ))}
      </select>
      <FieldMessage id="user-role-error" message={errorAt(errors, 'role')} />
      <label htmlFor="user-password">{t('settings.users.password')}</label>
      <input
        {...field('password')}
        type="password"
        autoComplete="new-password"
        minLength={8}
        value={form.password}
        onChange={(e) => setForm({ ...form, password: e.target.value })}
      />
      <p className="hint">{t('settings.users.passwordHint')}</p>
      <FieldMessage id="user-password-error" message={errorAt(errors, 'password')} />
      {general.map((text) => (
        <p key={text} className="form-error" role="alert">
          {text}
        </p>
      ))}
      {done ? (
        <p className="form-ok" role="status">
          {done}
        </p>
      ) : null}
      <button type="submit" className="button-primary" disabled={create.isPending}>
        {t('settings.users.create')}
      </button>
    </form>
  );
}
