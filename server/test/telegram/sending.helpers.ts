import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Db } from '../../src/db/database.ts';
import type { Attachment, AttachmentKindColumn } from '../../src/db/schema.ts';
import { repositories } from '../../src/repositories/index.ts';
import type { FileStorage } from '../../src/storage/file-storage.ts';

let nextChat = 720_000_001;
let nextGroup = -4_100_000_001;

/**
 * A contact with a Telegram identity and an open conversation on the channel, written straight through repositories
 * (no dependence on the receive path). A group chat gets a conversation without a contact.
 */
export async function conversationFor(
  db: Db,
  channelId: string,
  kind: 'private' | 'group' = 'private',
): Promise<{ conversationId: string; chatId: number; contactId: string | null; identityId: string | null }> {
  const r = repositories(db);
  const chatId = kind === 'private' ? nextChat++ : nextGroup--;
  let contactId: string | null = null;
  let identityId: string | null = null;
  if (kind === 'private') {
    const contact = await r.contacts.create({ firstName: `Chat ${chatId}` });
    contactId = contact.id;
    identityId = (await r.identities.create(contact.id, channelId, String(chatId), new Date())).id;
  }
  const conversation = await r.conversations.create({
    channelId,
    contactId,
    chatExternalId: String(chatId),
    chatKind: kind,
    title: kind === 'group' ? `Group ${chatId}` : null,
    lastActivityAt: new Date(),
  });
  return { conversationId: conversation.id, chatId, contactId, identityId };
}

/** An uploaded file ready to send: bytes in storage, an attachment row with storage_status stored and no message. */
export async function uploadedAttachment(
  db: Db,
  storage: FileStorage,
  kind: AttachmentKindColumn,
  bytes: Buffer,
  fileName: string,
  mimeType = 'application/octet-stream',
): Promise<Attachment> {
  const key = `test/${randomUUID()}`;
  await storage.put(key, Readable.from([bytes]));
  return db
    .insertInto('attachments')
    .values({ kind, fileName, mimeType, size: bytes.length, storageStatus: 'stored', storageKey: key })
    .returningAll()
    .executeTakeFirstOrThrow();
}
