import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { api } from '../../../lib/api.ts';
import { problemText } from '../../../lib/field-errors.ts';

interface StaffBot {
  channelId: string;
  username: string | null;
}
interface StaffLink {
  linked: boolean;
  telegramUsername: string | null;
  linkedAt: string | null;
  mutedKinds: string[];
  bots: StaffBot[];
}
interface LinkCode {
  code: string;
  expiresAt: string;
  command: string;
  bots: StaffBot[];
}

const ALERTS: { kind: string; label: MessageKey }[] = [
  { kind: 'waiting', label: 'profile.staffAlert.waiting' },
  { kind: 'broadcast_paused', label: 'profile.staffAlert.broadcastPaused' },
  { kind: 'channel_error', label: 'profile.staffAlert.channelError' },
  { kind: 'daily_report', label: 'profile.staffAlert.dailyReport' },
  { kind: 'automation', label: 'profile.staffAlert.automation' },
];
const KEY = ['me', 'staff-link'];
const PATH = '/api/v1/me/staff-link';
// Typed through return types rather than call generics: a `fn<T>(…)` in a .tsx file reads like a tag to the catalog check.
const readLink = (): Promise<StaffLink> => api(PATH);
const createCode = (): Promise<LinkCode> => api(PATH, { method: 'POST' });
const setMuted = (mutedKinds: string[]): Promise<StaffLink> =>
  api(PATH, { method: 'PATCH', body: { mutedKinds } });
const removeLink = (): Promise<void> => api(PATH, { method: 'DELETE' });

/**
 * The staff bot: link this account's Telegram with a one-time code (sent as `/link CODE` to the bot), see the link, mute
 * alert kinds, unlink. The code lives 10 minutes; asking again replaces it.
 */
export function StaffLinkSection() {
  const { t, fmt } = useI18n();
  const qc = useQueryClient();
  const link = useQuery({ queryKey: KEY, queryFn: readLink });
  const code = useMutation({ mutationFn: createCode });
  const mute = useMutation({
    mutationFn: setMuted,
    onSuccess: (next) => qc.setQueryData(KEY, next),
  });
  const unlink = useMutation({
    mutationFn: removeLink,
    onSuccess: () => {
      code.reset();
      return qc.invalidateQueries({ queryKey: KEY });
    },
  });
  const error = link.error ?? code.error ?? mute.error ?? unlink.error;
  const bots = code.data?.bots ?? link.data?.bots ?? [];

  return (
    <section className="card" aria-labelledby="profile-staff-title" data-testid="staff-link">
      <h2 id="profile-staff-title">{t('profile.staffTitle')}</h2>
      <p className="hint">{t('profile.staffIntro')}</p>
      {link.data?.linked ? (
        <>
          <p className="form-ok" role="status">
            {t('profile.staffLinked', {
              who: link.data.telegramUsername ? `@${link.data.telegramUsername}` : t('profile.staffSomeone'),
              at: link.data.linkedAt ? fmt.dateTime(link.data.linkedAt) : '',
            })}
          </p>
          <fieldset>
            <legend>{t('profile.staffAlerts')}</legend>
            <div className="segmented">
              {ALERTS.map((a) => (
                <label key={a.kind}>
                  <input
                    type="checkbox"
                    checked={!link.data.mutedKinds.includes(a.kind)}
                    disabled={mute.isPending}
                    onChange={(e) =>
                      mute.mutate(
                        e.target.checked
                          ? link.data.mutedKinds.filter((k) => k !== a.kind)
                          : [...link.data.mutedKinds, a.kind],
                      )
                    }
                  />
                  {t(a.label)}
                </label>
              ))}
            </div>
          </fieldset>
          <button type="button" disabled={unlink.isPending} onClick={() => unlink.mutate()}>
            {t('profile.staffUnlink')}
          </button>
        </>
      ) : null}
      {link.data && !link.data.linked ? (
        <button
          type="button"
          className="button-primary"
          disabled={code.isPending}
          onClick={() => code.mutate()}
        >
          {code.data ? t('profile.staffNewCode') : t('profile.staffGetCode')}
        </button>
      ) : null}
      {code.data && !link.data?.linked ? (
        <div role="status">
          <p>{t('profile.staffSend')}</p>
          <p>
            <code data-testid="staff-command">{code.data.command}</code>
          </p>
          <p className="hint">{t('profile.staffExpires', { at: fmt.time(code.data.expiresAt) })}</p>
        </div>
      ) : null}
      {link.data && !link.data.linked && bots.length === 0 ? (
        <p className="hint">{t('profile.staffNoBot')}</p>
      ) : null}
      {bots.length > 0 && !link.data?.linked ? (
        <p className="hint">
          {t('profile.staffBots')}{' '}
          {bots.map((b, i) => (
            <span key={b.channelId}>
              {i > 0 ? ', ' : ''}
              {b.username ? (
                <a href={`https://t.me/${encodeURIComponent(b.username)}`} target="_blank" rel="noreferrer">
                  @{b.username}
                </a>
              ) : (
                b.channelId
              )}
            </span>
          ))}
        </p>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {problemText(error, t)}
        </p>
      ) : null}
    </section>
  );
}
