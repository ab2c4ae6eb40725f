import type { TestApp } from '../support/test-app.ts';

let n = 0;

/**
 * An email conversation as the receive path leaves it after a customer's mail: contact, identity (the address),
 * conversation titled with the subject, and the incoming message carrying `content_attributes.email`.
 */
export async function mailConversation(
  app: TestApp,
  channelId: string,
  customer: string,
  received: { subject: string; references: string[] },
): Promise<{ conversationId: string; contactId: string; messageId: string }> {
  n += 1;
  const db = app.services.ctx.db;
  const contact = await app.services.ctx.repos.contacts.create({ firstName: 'Anna', email: customer });
  await db
    .insertInto('contactChannels')
    .values({ contactId: contact.id, channelId, externalId: customer })
    .execute();
  const conversation = await db
    .insertInto('conversations')
    .values({
      channelId,
      contactId: contact.id,
      chatExternalId: customer,
      chatKind: 'private',
      title: received.subject,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const messageId = `<incoming-${n}-${process.pid}@customer.test>`;
  await db
    .insertInto('messages')
    .values({
      conversationId: conversation.id,
      messageType: 'incoming',
      senderType: 'contact',
      senderContactId: contact.id,
      sourceId: messageId,
      content: 'Где мой чек?',
      contentAttributes: JSON.stringify({
        email: {
          messageId,
          subject: received.subject,
          references: received.references,
          from: { address: customer },
        },
      }),
    })
    .execute();
  return { conversationId: conversation.id, contactId: contact.id, messageId };
}

/** Connects a mailbox sending through `smtpPort` (no login) and returns its channel id. */
export async function connectMailbox(
  app: TestApp,
  token: string,
  smtpPort: number,
  settings: Record<string, unknown> = {},
): Promise<string> {
  const res = await app.http!.inject({
    method: 'POST',
    url: '/api/v1/channels',
    headers: { authorization: `Bearer ${token}` },
    payload: {
      type: 'email',
      name: 'Поддержка',
      settings: {
        address: 'help@shop.test',
        smtp: { host: '127.0.0.1', port: smtpPort, secure: false },
        inbound: 'none',
        ...settings,
      },
    },
  });
  if (res.statusCode !== 201) throw new Error(`mailbox: ${res.statusCode} ${res.body}`);
  return res.json().id;
}
