import { useI18n } from '../../../i18n/i18n.tsx';

/** The foot of a channel's settings form: "saved", then save and pause/resume for those who may change the channel. */
export function ChannelFormButtons({
  saved,
  writable,
  pending,
  saveLabel,
  paused,
  onTogglePause,
}: {
  saved: boolean;
  writable: boolean;
  pending: boolean;
  saveLabel: string;
  paused: boolean;
  onTogglePause: () => void;
}) {
  const { t } = useI18n();
  return (
    <>
      {saved ? (
        <p className="form-ok" role="status">
          {t('settings.saved')}
        </p>
      ) : null}
      {writable ? (
        <div className="form-buttons">
          <button type="submit" className="button-primary" disabled={pending}>
            {saveLabel}
          </button>
          <button type="button" onClick={onTogglePause} disabled={pending}>
            {paused ? t('settings.channel.resume') : t('settings.channel.pause')}
          </button>
        </div>
      ) : null}
    </>
  );
}
