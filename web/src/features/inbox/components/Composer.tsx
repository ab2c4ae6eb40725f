import { type KeyboardEvent, type Ref, useImperativeHandle, useRef, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { escapeHtml, telegramHtmlToText } from '../../../lib/telegram-html.ts';
import type { Message } from '../../../lib/types.ts';
import { renderCanned, sendTyping, useCannedResponses, useSendMessage } from '../api.ts';
import { cannedPrefix } from '../canned-query.ts';
import { canSend, insertAtCaret, messageBody, quoteText } from '../composer-logic.ts';
import { Attachments, useUploads } from './ComposerAttachments.tsx';
import { EmojiPicker } from './EmojiPicker.tsx';

export type ComposerMode = 'reply' | 'note';

const TYPING_RENEW_MS = 4000;

/** What the inbox's shortcuts can ask of the composer. */
export interface ComposerHandle {
  focus(mode: ComposerMode): void;
}

/**
 * Reply or private note. The text is plain: it is escaped into Telegram HTML before sending, so "a < b" reaches the
 * customer as typed. `/code` offers canned responses; emoji from a small picker go in at the caret; files are
 * attached by a button, by dropping them on the composer or by pasting; a reply may quote a message of the thread.
 */
export function Composer({
  conversationId,
  replyTo,
  onClearReply,
  ref,
}: {
  conversationId: string;
  replyTo: Message | null;
  onClearReply: () => void;
  ref?: Ref<ComposerHandle>;
}) {
  const { t } = useI18n();
  const [mode, setMode] = useState<ComposerMode>('reply');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [highlight, setHighlight] = useState(0);
  const [dragging, setDragging] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const typingSentAt = useRef(0);
  const send = useSendMessage(conversationId);
  const uploads = useUploads();
  const prefix = cannedPrefix(text);
  const canned = useCannedResponses(prefix);
  const options = prefix !== null ? (canned.data ?? []) : [];
  const sendable = canSend(text, uploads.items, send.isPending);

  useImperativeHandle(ref, () => ({
    focus(next) {
      setMode(next);
      area.current?.focus();
    },
  }));

  const showError = (err: unknown) =>
    setError(
      err instanceof ApiError
        ? t('error.generic', { message: err.details[0]?.message ?? err.message })
        : t('error.network'),
    );

  const submit = () => {
    if (!sendable) return;
    setError(null);
    const body = messageBody({
      content: text.trim() ? escapeHtml(text) : '',
      note: mode === 'note',
      uploads: uploads.items,
      replyTo,
    });
    send.mutate(body, {
      onSuccess: () => {
        setText('');
        uploads.clear();
        onClearReply();
      },
      onError: showError,
    });
  };

  const pick = async (id: string) => {
    try {
      const rendered = await renderCanned(id, conversationId);
      setText(rendered.text);
      area.current?.focus();
    } catch (err) {
      showError(err);
    }
  };

  const insertEmoji = (emoji: string) => {
    const el = area.current;
    const next = insertAtCaret(text, el?.selectionStart ?? null, el?.selectionEnd ?? null, emoji);
    setText(next.text);
    // The caret goes after the emoji once React has put the new text in.
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(next.caret, next.caret);
    });
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
    if (e.key === 'Escape') {
      if (replyTo) onClearReply();
      else area.current?.blur();
    }
  };

  return (
    <section
      className={`composer composer-${mode}${dragging ? ' composer-drop' : ''}`}
      aria-label={t('composer.label')}
      data-testid="composer"
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        if (!e.dataTransfer.files.length) return;
        e.preventDefault();
        setDragging(false);
        uploads.add([...e.dataTransfer.files]);
      }}
    >
      <fieldset className="composer-modes">
        <legend className="visually-hidden">{t('composer.label')}</legend>
        <button type="button" aria-pressed={mode === 'reply'} onClick={() => setMode('reply')}>
          {t('composer.modeReply')}
        </button>
        <button type="button" aria-pressed={mode === 'note'} onClick={() => setMode('note')}>
          {t('composer.modeNote')}
        </button>
      </fieldset>
      {replyTo && mode === 'reply' ? (
        <div className="reply-to" data-testid="reply-to">
          <span className="hint">{t('inbox.replyingTo')}</span> <q>{quoteText(replyTo)}</q>
          <button
            type="button"
            className="button-quiet"
            aria-label={t('inbox.replyCancel')}
            title={t('inbox.replyCancel')}
            onClick={onClearReply}
          >
            ×
          </button>
        </div>
      ) : null}
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
        onPaste={(e) => {
          const files = [...e.clipboardData.files];
          if (files.length === 0) return;
          e.preventDefault();
          uploads.add(files);
        }}
        onKeyDown={onKeyDown}
      />
      <Attachments uploads={uploads} />
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="composer-actions">
        <EmojiPicker onPick={insertEmoji} />
        <label className="button-quiet attach-button">
          <span aria-hidden="true">📎</span>
          <span className="visually-hidden">{t('inbox.attach')}</span>
          <input
            type="file"
            multiple
            className="visually-hidden"
            data-testid="attach-input"
            onChange={(e) => {
              uploads.add([...(e.target.files ?? [])]);
              e.target.value = '';
            }}
          />
        </label>
        <span id="composer-hint" className="hint">
          {t('composer.sendHint')}
        </span>
        <button type="button" className="button-primary" disabled={!sendable} onClick={submit}>
          {mode === 'note' ? t('composer.addNote') : t('composer.send')}
        </button>
      </div>
    </section>
  );
}
