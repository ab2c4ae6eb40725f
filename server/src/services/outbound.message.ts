import type { OutgoingAttachment, OutgoingButtons, OutgoingMessage } from '../channels/channel.ts';
import { validateHtml } from '../channels/telegram/telegram.html.ts';
import { OutgoingInvalidError, planParts, validateButtons } from '../channels/telegram/telegram.outgoing.ts';
import type { Attachment, Conversation, Message } from '../db/schema.ts';
import { type FieldProblem, ValidationError } from '../lib/errors.ts';
import type { Repos } from '../repositories/index.ts';

/** What a feature asks to send into a conversation. */
export interface ReplyInput {
  conversationId: string;
  /** Telegram HTML; data inserted into it must already be escaped (escapeHtml). */
  html?: string | null;
  buttons?: OutgoingButtons;
  /** Uploaded attachments (storage_status stored, not yet on a message), sent in this order. */
  attachmentIds?: string[];
  /** One of our messages of this conversation to answer. */
  replyToMessageId?: string;
  silent?: boolean;
  /** The team member writing; absent for messages the product sends itself (sender type bot). */
  senderUserId?: string | null;
  priority?: 'interactive' | 'bulk';
}

/** Outgoing kinds Telegram can take as uploads. */
const SENDABLE = new Set<string>(['photo', 'document', 'video', 'audio', 'voice']);

/**
 * The uploads a reply names, in order, each checked (exists, stored, on no message yet and, when `kinds` is given, of a kind
 * the channel can send); problems are added per `/attachmentIds/<i>`. Shared by every channel's reply check.
 */
export async function checkAttachments(
  r: Repos,
  ids: string[],
  problems: FieldProblem[],
  kinds?: ReadonlySet<string>,
): Promise<Attachment[]> {
  if (new Set(ids).size !== ids.length)
    problems.push({ path: '/attachmentIds', message: 'an attachment is listed twice' });
  const found = await r.deliveries.attachmentsByIds(ids);
  const attachments = ids.map((id) => found.find((a) => a.id === id));
  attachments.forEach((a, i) => {
    const path = `/attachmentIds/${i}`;
    if (!a) problems.push({ path, message: 'no such attachment' });
    else if (a.messageId !== null) problems.push({ path, message: 'already belongs to a message' });
    else if (a.storageStatus !== 'stored' || !a.storageKey)
      problems.push({ path, message: `not uploaded yet (storage status ${a.storageStatus})` });
    else if (kinds && !kinds.has(a.kind)) problems.push({ path, message: `a ${a.kind} cannot be sent` });
  });
  // Only read when no problem was found (the caller throws otherwise): every entry is then a stored attachment.
  return attachments as Attachment[];
}

/**
 * Everything that can be refused before a reply is stored, reported as 400s with the field: the HTML (naming the tag), the
 * buttons, the attachments, the reply target, and the send plan (buttons cannot ride on an album without text).
 */
export async function checkReply(
  r: Repos,
  conversation: Conversation,
  input: ReplyInput,
): Promise<{ html: string | null; attachments: Attachment[]; replyToSource: string | undefined }> {
  const html = input.html?.trim() ? input.html : null;
  if (html) {
    const valid = validateHtml(html);
    if (!valid.ok)
      throw new ValidationError(
        valid.tag ? `Unsupported or invalid HTML tag <${valid.tag}>: ${valid.message}` : valid.message,
        [{ path: '/content', message: valid.message }],
      );
  }
  const problems: FieldProblem[] = input.buttons ? validateButtons(input.buttons) : [];
  const attachments = await checkAttachments(r, input.attachmentIds ?? [], problems, SENDABLE);
  let replyToSource: string | undefined;
  if (input.replyToMessageId) {
    const source = await r.deliveries.sourceIdOf(conversation.id, input.replyToMessageId);
    if (source === undefined)
      problems.push({ path: '/replyToMessageId', message: 'no such message in this conversation' });
    else replyToSource = source ?? undefined;
  }
  if (problems.length > 0) throw new ValidationError(problems[0]!.message, problems);
  const checked = attachments;
  try {
    planParts(outgoingOf(conversation, html, input, checked, replyToSource));
  } catch (err) {
    if (err instanceof OutgoingInvalidError)
      throw new ValidationError(err.message, [{ path: err.path, message: err.message }]);
    throw err;
  }
  return { html, attachments: checked, replyToSource };
}

/** What sending needs of an attachment row. */
export type SendableAttachment = Pick<Attachment, 'id' | 'kind' | 'storageKey' | 'fileName' | 'mimeType'>;

/** Attachments in the order the sender listed them. */
export function ordered<T extends { id: string }>(
  attachments: T[],
  message: Pick<Message, 'contentAttributes'>,
): T[] {
  const order = (message.contentAttributes as { attachmentOrder?: string[] }).attachmentOrder ?? [];
  const rank = (a: T) => {
    const i = order.indexOf(a.id);
    return i < 0 ? order.length : i;
  };
  return [...attachments].sort((a, b) => rank(a) - rank(b));
}

/** The channel-neutral message for a conversation's chat. */
export function outgoingOf(
  conversation: Pick<Conversation, 'chatExternalId'>,
  html: string | null,
  input: { buttons?: OutgoingButtons; silent?: boolean },
  attachments: SendableAttachment[],
  replyToSource: string | undefined,
): OutgoingMessage {
  return {
    chatExternalId: conversation.chatExternalId,
    ...(html ? { html } : {}),
    ...(input.buttons ? { buttons: input.buttons } : {}),
    ...(input.silent ? { silent: true } : {}),
    // A reply to a message that never got a platform id (it failed) goes out as a plain message.
    ...(replyToSource ? { replyToMessageId: replyToSource } : {}),
    attachments: attachments.map(
      (a): OutgoingAttachment => ({
        kind: a.kind as OutgoingAttachment['kind'],
        storageKey: a.storageKey ?? '',
        ...(a.fileName ? { fileName: a.fileName } : {}),
        ...(a.mimeType ? { mimeType: a.mimeType } : {}),
      }),
    ),
  };
}
