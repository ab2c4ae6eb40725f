import { useI18n } from '../../../i18n/i18n.tsx';
import { TelegramHtml } from '../../../lib/TelegramHtml.tsx';
import type { TemplatePreview } from '../api.ts';

const SAFE_URL = /^(https?:|tg:)/i;

/**
 * The rendered message as a Telegram chat shows it: the bubble (Telegram's HTML subset through the app's sanitiser, so
 * values the template escaped stay text), an attachment marker, and the inline keyboard below it.
 */
export function TelegramPreview({
  preview,
  attachmentName,
}: {
  preview: TemplatePreview;
  attachmentName: string | null;
}) {
  const { t } = useI18n();
  return (
    <div className="tg-chat" data-testid="template-preview">
      <div className="tg-bubble">
        {attachmentName ? (
          <div className="tg-attachment">
            <span aria-hidden="true">📎</span> {attachmentName}
          </div>
        ) : null}
        <div className="tg-text" data-testid="preview-text">
          {preview.format === 'telegram_html' ? <TelegramHtml html={preview.html} /> : preview.text}
        </div>
      </div>
      {preview.buttons.length ? (
        <div className="tg-keyboard" data-testid="preview-buttons">
          {preview.buttons.map((row, r) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a rendered keyboard never reorders
            <div key={r} className="tg-keyboard-row">
              {row.map((b, i) =>
                b.kind === 'url' && SAFE_URL.test(b.url) ? (
                  <a
                    // biome-ignore lint/suspicious/noArrayIndexKey: see above
                    key={i}
                    className="tg-button"
                    href={b.url}
                    title={b.url}
                    target="_blank"
                    rel="noopener noreferrer nofollow"
                    data-testid="preview-button"
                  >
                    {b.text} <span aria-hidden="true">↗</span>
                  </a>
                ) : (
                  <span
                    // biome-ignore lint/suspicious/noArrayIndexKey: see above
                    key={i}
                    className="tg-button"
                    title={b.kind === 'url' ? b.url : b.data}
                    data-testid="preview-button"
                  >
                    {b.text}
                  </span>
                ),
              )}
            </div>
          ))}
        </div>
      ) : null}
      <p className="hint tg-meta">
        {t(preview.variant ? 'templates.preview.variant' : 'templates.preview.defaultBody', {
          language: preview.language,
        })}
        {' · '}
        {t(preview.contact.sample ? 'templates.preview.forSample' : 'templates.preview.forContact')}
      </p>
    </div>
  );
}
