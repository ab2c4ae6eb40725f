import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { Link } from '../../../lib/router.tsx';
import { telegramHtmlToText } from '../../../lib/telegram-html.ts';
import { type TimelineItem, useTimeline } from '../api.ts';

const MESSAGE_KIND: Record<string, MessageKey> = {
  incoming: 'contacts.timeline.incoming',
  outgoing: 'contacts.timeline.outgoing',
  note: 'contacts.timeline.note',
};

const KIND: Record<TimelineItem['kind'], MessageKey> = {
  message: 'contacts.timeline.message',
  event: 'contacts.timeline.event',
  broadcast: 'contacts.timeline.broadcast',
  notification: 'contacts.timeline.notification',
};

/** Our messages are Telegram HTML: shown as their text. Customers' text is text already. React escapes both. */
function messageText(d: Record<string, unknown>): string {
  const content = typeof d.content === 'string' ? d.content : '';
  return d.messageType === 'incoming' ? content : telegramHtmlToText(content);
}

function Entry({ item }: { item: TimelineItem }) {
  const { t } = useI18n();
  const d = item.data;
  if (item.kind === 'message') {
    return (
      <>
        <span className="timeline-title">
          {t(MESSAGE_KIND[String(d.messageType)] ?? 'contacts.timeline.message')}{' '}
          <Link to={`/inbox/${String(d.conversationId)}`}>
            {t('conversation.number', { number: Number(d.displayId) })}
          </Link>
        </span>
        {d.deleted ? (
          <span className="hint">{t('contacts.timeline.deleted')}</span>
        ) : (
          <span className="timeline-text">{messageText(d)}</span>
        )}
        {Number(d.attachments) > 0 ? (
          <span className="hint">{t('contacts.timeline.attachments', { count: Number(d.attachments) })}</span>
        ) : null}
      </>
    );
  }
  if (item.kind === 'event') {
    const props = d.properties && typeof d.properties === 'object' ? Object.entries(d.properties) : [];
    return (
      <>
        <span className="timeline-title">
          {t('contacts.timeline.event')}: <code>{String(d.name)}</code>
        </span>
        {props.length ? (
          <span className="timeline-text hint">
            {props.map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' · ')}
          </span>
        ) : null}
      </>
    );
  }
  if (item.kind === 'broadcast') {
    return (
      <>
        <span className="timeline-title">
          {t('contacts.timeline.broadcast')}: {String(d.title)}
        </span>
        <span className="hint">
          {String(d.status)}
          {d.reason ? ` · ${String(d.reason)}` : ''}
        </span>
      </>
    );
  }
  return (
    <>
      <span className="timeline-title">
        {t('contacts.timeline.notification')}: <code>{String(d.typeKey)}</code>
      </span>
      <span className="hint">{[d.status, d.channel, d.reason].filter(Boolean).map(String).join(' · ')}</span>
    </>
  );
}

/** Messages, events, broadcasts received and notifications of the contact, newest first, older on demand. */
export function ContactTimeline({ contactId }: { contactId: string }) {
  const { t, fmt } = useI18n();
  const timeline = useTimeline(contactId);
  const items = timeline.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section className="card timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t('contacts.timeline.title')}</h2>
      {timeline.isPending ? <p className="hint">{t('app.loading')}</p> : null}
      {timeline.isSuccess && items.length === 0 ? (
        <p className="hint">{t('contacts.timeline.empty')}</p>
      ) : null}
      <ol className="timeline-items" data-testid="timeline">
        {items.map((item) => (
          <li key={`${item.kind}:${item.id}`} className={`timeline-item timeline-${item.kind}`}>
            <span className="timeline-kind" role="img" aria-label={t(KIND[item.kind])} />
            <time dateTime={item.at}>{fmt.dateTime(item.at)}</time>
            <div className="timeline-body">
              <Entry item={item} />
            </div>
          </li>
        ))}
      </ol>
      {timeline.hasNextPage ? (
        <button
          type="button"
          className="button-quiet"
          disabled={timeline.isFetchingNextPage}
          onClick={() => timeline.fetchNextPage()}
        >
          {t('contacts.timeline.older')}
        </button>
      ) : null}
    </section>
  );
}
