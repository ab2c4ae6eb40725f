import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { TelegramHtml } from '../../../lib/TelegramHtml.tsx';
import type { Rendered } from '../create-api.ts';

/**
 * The message as a Telegram chat shows it: the text bubble (our sanitiser turns the Telegram HTML into elements, never
 * into markup) and the inline keyboard under it, one line per row. A rendering problem shows the API's reason, with its
 * line and column, in place of the bubble.
 */
export function TelegramPreview({
  rendered,
  error,
  loading,
  attachment = null,
}: {
  rendered: Rendered | undefined;
  error: unknown;
  loading: boolean;
  /** The file sent with the text: a line above the bubble, as the picture or file would sit there. */
  attachment?: { name: string; id: string } | null;
}) {
  const { t } = useI18n();
  return (
    <section className="tg-preview" aria-label={t('broadcasts.preview.label')} data-testid="telegram-preview">
      {error ? (
        <p className="form-error" role="alert">
          {error instanceof ApiError ? (error.details[0]?.message ?? error.message) : String(error)}
        </p>
      ) : rendered ? (
        <>
          {attachment ? (
            <div className="tg-attachment" data-testid="preview-attachment">
              <span aria-hidden="true">📎</span> {attachment.name || attachment.id}
            </div>
          ) : null}
          <div className="tg-bubble">
            <TelegramHtml html={rendered.html} />
          </div>
          {rendered.buttons.map((row, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional, like Telegram's keyboard
            <div className="tg-keyboard-row" key={i}>
              {row.map((b, j) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: buttons are positional within their row
                <span className="tg-button" key={j} data-kind={b.kind}>
                  {b.text}
                  {b.kind === 'url' ? <span aria-hidden="true"> ↗</span> : null}
                </span>
              ))}
            </div>
          ))}
        </>
      ) : (
        <p className="hint">{loading ? t('app.loading') : t('broadcasts.preview.empty')}</p>
      )}
    </section>
  );
}
