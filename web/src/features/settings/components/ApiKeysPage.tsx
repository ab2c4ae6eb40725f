import { type FormEvent, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { errorAt, type FieldErrors, fieldErrors, problemText } from '../../../lib/field-errors.ts';
import { useMe, usePermissions } from '../../../lib/me.ts';
import { LoadError, ProblemAlert } from '../../../lib/ProblemAlert.tsx';
import { ROLES, type Role, useApiKeys, useCreateApiKey, useRevokeApiKey } from '../api.ts';
import { CopyField, FieldMessage } from './CopyField.tsx';
import { DangerButton } from './ListParts.tsx';
import { ROLE_LABEL } from './UsersPage.tsx';

/** API keys for the business's own systems: the secret is shown once, right after creating; revoking is immediate. */
export function ApiKeysPage() {
  const { t, fmt } = useI18n();
  const can = usePermissions();
  const [showRevoked, setShowRevoked] = useState(false);
  const keys = useApiKeys(showRevoked);
  const revoke = useRevokeApiKey();
  const [secret, setSecret] = useState<{ name: string; key: string } | null>(null);
  const [problem, setProblem] = useState('');
  const writable = can('api_keys:write');
  return (
    <div className="page wide">
      <h1>{t('settings.apiKeys.title')}</h1>
      {secret ? (
        <div className="card narrow secret-card" role="status">
          <h2>{t('settings.apiKeys.createdTitle', { name: secret.name })}</h2>
          <p>{t('settings.apiKeys.shownOnce')}</p>
          <CopyField id="api-key-secret" label={t('settings.apiKeys.secret')} value={secret.key} />
          <button type="button" onClick={() => setSecret(null)}>
            {t('settings.apiKeys.stored')}
          </button>
        </div>
      ) : null}
      {/* After the secret, so a just-created key's secret is the first thing seen. */}
      {writable ? <CreateKeyForm onCreated={setSecret} /> : null}
      <label className="check">
        <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} />
        {t('settings.apiKeys.showRevoked')}
      </label>
      <LoadError error={keys.error} />
      {keys.data?.length === 0 ? <p className="page-message">{t('settings.apiKeys.empty')}</p> : null}
      {keys.data && keys.data.length > 0 ? (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th>{t('settings.name')}</th>
                <th>{t('settings.apiKeys.prefix')}</th>
                <th>{t('settings.users.role')}</th>
                <th>{t('settings.apiKeys.rate')}</th>
                <th>{t('settings.apiKeys.created')}</th>
                <th>{t('settings.apiKeys.lastUsed')}</th>
                {writable ? <th>{t('settings.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => (
                <tr key={k.id} className={k.revokedAt ? 'inactive-row' : undefined}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{t(ROLE_LABEL[k.role as Role] ?? 'settings.role.readonly')}</td>
                  <td>
                    {k.rateLimitPerMinute
                      ? t('settings.apiKeys.perMinute', { count: fmt.number(k.rateLimitPerMinute) })
                      : t('settings.apiKeys.defaultRate')}
                  </td>
                  <td>{fmt.dateTime(k.createdAt)}</td>
                  <td>{k.lastUsedAt ? fmt.dateTime(k.lastUsedAt) : t('channels.never')}</td>
                  {writable ? (
                    <td>
                      {k.revokedAt ? (
                        t('settings.apiKeys.revokedAt', { time: fmt.dateTime(k.revokedAt) })
                      ) : (
                        <DangerButton
                          confirm={t('settings.apiKeys.confirmRevoke', { name: k.name })}
                          onConfirmed={() =>
                            revoke.mutate(k.id, { onError: (err) => setProblem(problemText(err, t)) })
                          }
                        >
                          {t('settings.apiKeys.revoke')}
                        </DangerButton>
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <ProblemAlert message={problem} />
    </div>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: (secret: { name: string; key: string }) => void }) {
  const { t } = useI18n();
  const me = useMe();
  const create = useCreateApiKey();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('readonly');
  const [rate, setRate] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  // A key never holds a role above its creator's, and only owners make owner keys.
  const roles = ROLES.filter((r) => me.data?.role === 'owner' || r !== 'owner');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    create.mutate(
      { name: name.trim(), role, ...(rate.trim() ? { rateLimitPerMinute: Number(rate) } : {}) },
      {
        onSuccess: (created) => {
          onCreated({ name: created.name, key: created.key });
          // The page alone holds the secret from here; the mutation's copy is dropped with its state.
          create.reset();
          setName('');
          setRate('');
        },
        onError: (err) => setErrors(fieldErrors(err)),
      },
    );
  };
  return (
    <form className="card narrow" onSubmit={submit}>
      <h2>{t('settings.apiKeys.create')}</h2>
      <label htmlFor="api-key-name">{t('settings.name')}</label>
      <input
        id="api-key-name"
        required
        maxLength={100}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <FieldMessage id="api-key-name-error" message={errorAt(errors, 'name')} />
      <label htmlFor="api-key-role">{t('settings.users.role')}</label>
      <select id="api-key-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
        {roles.map((r) => (
          <option key={r} value={r}>
            {t(ROLE_LABEL[r])}
          </option>
        ))}
      </select>
      <FieldMessage id="api-key-role-error" message={errorAt(errors, 'role')} />
      <label htmlFor="api-key-rate">{t('settings.apiKeys.rate')}</label>
      <input
        id="api-key-rate"
        type="number"
        min={1}
        step={1}
        className="short-input"
        value={rate}
        onChange={(e) => setRate(e.target.value)}
      />
      <p className="hint">{t('settings.apiKeys.rateHint')}</p>
      <FieldMessage id="api-key-rate-error" message={errorAt(errors, 'rateLimitPerMinute')} />
      <FieldMessage id="api-key-error" message={errors['']} />
      <button type="submit" className="button-primary" disabled={create.isPending}>
        {t('settings.apiKeys.create')}
      </button>
    </form>
  );
}
