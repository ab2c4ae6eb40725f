import { useI18n } from '../../../i18n/i18n.tsx';
import type { Conversation } from '../../../lib/types.ts';
import { type InboxConversation, useContact } from '../api.ts';

/**
 * The name people know a conversation by: the group's title, else the contact's name or @username. List items carry
 * the name (`contactName`); only a conversation loaded on its own fetches its contact.
 */
export function ContactName({ conversation }: { conversation: Conversation | InboxConversation }) {
  const { t } = useI18n();
  const known = 'contactName' in conversation ? conversation.contactName : undefined;
  const contact = useContact(
    conversation.chatKind === 'group' || known !== undefined ? null : conversation.contactId,
  );
  if (conversation.chatKind === 'group' && conversation.title) return <>{conversation.title}</>;
  if (known) return <>{known}</>;
  const c = contact.data;
  const name =
    c?.name || [c?.firstName, c?.lastName].filter(Boolean).join(' ') || (c?.username ? `@${c.username}` : '');
  return <>{name || t('conversation.someone')}</>;
}
