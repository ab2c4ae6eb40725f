import { useI18n } from '../../../i18n/i18n.tsx';
import type { Conversation } from '../../../lib/types.ts';
import { useContact } from '../api.ts';

/** The name people know a conversation by: the group's title, else the contact's name or @username. */
export function ContactName({ conversation }: { conversation: Conversation }) {
  const { t } = useI18n();
  const contact = useContact(conversation.chatKind === 'group' ? null : conversation.contactId);
  if (conversation.chatKind === 'group' && conversation.title) return <>{conversation.title}</>;
  const c = contact.data;
  const name =
    c?.name || [c?.firstName, c?.lastName].filter(Boolean).join(' ') || (c?.username ? `@${c.username}` : '');
  return <>{name || t('conversation.someone')}</>;
}
