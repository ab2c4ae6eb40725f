import { type KeyboardEvent, type Ref, useImperativeHandle, useRef, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { escapeHtml, telegramHtmlToText } from '../../../lib/telegram-html.ts';
import { renderCanned, sendTyping, useCannedResponses, useSendMessage } from '../api.ts';
import { cannedPrefix } from '../canned-query.ts';

export type ComposerMode = 'reply' | 'note';

const TYPING_RENEW_MS = 4000;

/** What the inbox's shortcuts can ask of the composer. */
export interface ComposerHandle {
  focus(mode: ComposerMode): void;
}

/**
 * Reply or private note. The text is plain: it is escaped into Telegram HTML before sending, so "a < b" reaches the
 * customer as typed. `/code` offers canned responses; picking one puts its rendered text in.
 */
export function Composer({ conversationId, ref }: { conversationId: string; ref?: Ref<ComposerHandle> }) {
  const { t } = useI18n();
  const [mode, setMode] = useState<ComposerMode>('reply');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [highlight, setHighlight] = useState(0);
  const area = useRef<HTMLTextAreaElement>(null);
  const typingSentAt = useRef(0);
  const send = useSendMessage(conversationId);
  const prefix = cannedPrefix(text);
  const canned = useCannedResponses(prefix);
  const options = prefix !== null ? (canned.data ?? []) : [];

  useImperativeHandle(ref, () => ({
    focus(next) {
      setMode(next);
      area.current?.focus();
    },
  }));

  const submit = () => {
    if (!text.trim() || send.isPending) return;
    setError(null);
    send.mutate(
      { content: escapeHtml(text), private: mode === 'note' },
      {
        onSuccess: () => setText(''),
        onError: (err) =>
          setError(
            err instanceof ApiError
              ? t('error.generic', { message: err.details[0]?.message ?? err.message })
              : t('error.network'),
          ),
      },
    );
  };

  const pick = async (id: string) => {
    try {
      const rendered = await renderCanned(id, conversationId);
      setText(rendered.text);
      area.current?.focus();
    } catch (err) {
      setError(err instanceof ApiError ? t('error.generic', { message: err.message }) : t('error.network'));
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (options.length > 0) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const step = e.key === 'ArrowDown' ? 1 : -1;
        setHighlight((h) => (h + step + options.length) % options.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        const chosen = options[Math.min(highlight, options.length - 1)];
        if (chosen) void pick(chosen.id);
        return;
      }
    }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      submit();
    }
    if (e.key === 'Escape') area.current?.blur();
  };

  return (
    <div className={`composer composer-${mode}`}>
      <fieldset className="composer-modes">
        <legend className="visually-hidden">{t('composer.label')}</legend>
        <button type="button" aria-pressed={mode === 'reply'} onClick={() => setMode('reply')}>
          {t('composer.modeReply')}
        </button>
        <button type="button" aria-pressed={mode === 'note'} onClick={() => setMode('note')}>
          {t('composer.modeNote')}
        </button>
      </fieldset>
      {prefix !== null ? (
        <section className="canned" id="canned-list" aria-label={t('composer.canned')}>
          {options.length === 0 ? <p className="hint">{t('composer.noCanned')}</p> : null}
          <ul>
            {options.map((o, i) => (
              <li key={o.id}>
                {/* Arrow keys in the text area move the highlight; a click picks too. */}
                <button
                  type="button"
                  tabIndex={-1}
                  aria-current={i === highlight ? 'true' : undefined}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    void pick(o.id);
                  }}
                >
                  <strong>/{o.shortCode}</strong>{' '}
                  <span className="hint">{telegramHtmlToText(o.content).slice(0, 80)}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <label htmlFor="composer-text" className="visually-hidden">
        {t('composer.label')}
      </label>
      <textarea
        id="composer-text"
        ref={area}
        rows={3}
        value={text}
        placeholder={mode === 'note' ? t('composer.placeholderNote') : t('composer.placeholderReply')}
        aria-controls={prefix !== null ? 'canned-list' : undefined}
        aria-describedby="composer-hint"
        onChange={(e) => {
          setText(e.target.value);
          setHighlight(0);
          // Telegram's "typing…" fades after about 5 s: renew it every 4 s while the agent writes a reply.
          if (mode === 'reply' && e.target.value && Date.now() - typingSentAt.current > TYPING_RENEW_MS) {
            typingSentAt.current = Date.now();
            void sendTyping(conversationId);
          }
        }}
        onKeyDown={onKeyDown}
      />
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="composer-actions">
        <span id="composer-hint" className="hint">
          {t('composer.sendHint')}
        </span>
        <button
          type="button"
          className="button-primary"
          disabled={!text.trim() || send.isPending}
          onClick={submit}
        >
          {mode === 'note' ? t('composer.addNote') : t('composer.send')}
        </button>
      </div>
    </div>
  );
}
