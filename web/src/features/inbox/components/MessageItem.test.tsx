import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../../../i18n/i18n.tsx';
import type { Message } from '../../../lib/types.ts';
import { MessageItem } from './MessageItem.tsx';

const base: Message = {
  id: 'm1',
  conversationId: 'c1',
  messageType: 'incoming',
  senderType: 'contact',
  senderUserId: null,
  content: null,
  contentAttributes: {},
  deletedAt: null,
  editedAt: null,
  deliveryStatus: null,
  deliveryError: null,
  createdAt: '2026-12-07T10:00:00Z',
  attachments: [],
};

beforeEach(() => {
  const store = new Map<string, string>();
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => store.set(k, v),
  });
  vi.stubGlobal('navigator', { languages: ['ru-RU'], language: 'ru-RU' });
});

const render = (message: Partial<Message>) =>
  renderToStaticMarkup(
    <I18nProvider>
      <ol>
        <MessageItem message={{ ...base, ...message }} />
      </ol>
    </I18nProvider>,
  );

describe('a message in the thread', () => {
  it('shows customer text as text, whatever markup it holds', () => {
    const html = render({ content: '<script>alert(1)</script><b>x</b>' });
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>');
  });

  it('shows our own reply with its Telegram formatting, and a failure with its reason', () => {
    const html = render({
      messageType: 'outgoing',
      senderType: 'user',
      senderUserId: 'u1',
      content: '<b>Готово</b> &amp; <a href="javascript:alert(1)">ссылка</a>',
      deliveryStatus: 'failed',
      deliveryError: 'Forbidden: bot was blocked by the user',
    });
    expect(html).toContain('<strong>Готово</strong> &amp; ссылка');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('Не доставлено: Forbidden: bot was blocked by the user');
  });

  it('marks notes, edits and deletions', () => {
    expect(render({ messageType: 'note', content: 'для своих' })).toContain('Заметка');
    expect(render({ content: 'исправлено', editedAt: '2026-12-07T10:05:00Z' })).toContain('изменено');
    const deleted = render({
      content: null,
      deletedAt: '2026-12-07T10:06:00Z',
      editedAt: '2026-12-07T10:05:00Z',
    });
    expect(deleted).toContain('Сообщение удалено');
    expect(deleted).not.toContain('изменено');
  });

  it('tells why a file has no preview', () => {
    const html = render({
      attachments: [
        {
          id: 'a1',
          kind: 'document',
          fileName: 'big.zip',
          mimeType: null,
          size: 1,
          storageStatus: 'too_big',
          url: '/x',
        },
      ],
    });
    expect(html).toContain('Файл слишком большой');
  });
});
