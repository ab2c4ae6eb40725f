import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { EMOJI } from '../composer-logic.ts';

/** A button opening a small grid of emoji; a pick goes in at the caret and the grid stays open for more. */
export function EmojiPicker({ onPick }: { onPick: (emoji: string) => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    // A click elsewhere or Escape closes it, as menus do.
    const onDown = (e: MouseEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div className="emoji" ref={box}>
      <button
        type="button"
        className="button-quiet"
        aria-expanded={open}
        aria-controls="emoji-grid"
        aria-label={t('inbox.emoji')}
        title={t('inbox.emoji')}
        onClick={() => setOpen((o) => !o)}
      >
        🙂
      </button>
      {open ? (
        <div id="emoji-grid" className="emoji-grid">
          {EMOJI.map((e) => (
            <button
              key={e}
              type="button"
              className="button-quiet"
              // Keeps the text area's selection, so the emoji lands where the caret was.
              onMouseDown={(ev) => ev.preventDefault()}
              onClick={() => onPick(e)}
            >
              {e}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
