import type { InlineButton, OutgoingAttachment, OutgoingMessage } from '../channels/channel.ts';
import { escapeHtml } from '../channels/telegram/telegram.html.ts';
import type { Attachment, Broadcast, TemplateRow } from '../db/schema.ts';
import type { ClaimedRecipient } from '../repositories/broadcast-deliveries.repository.ts';
import { broadcastButtonSource, type TrackingOptions, trackedButtons } from './broadcast-buttons.ts';
import { renderTemplate } from './templates/render.ts';
import {
  type RenderWorkspace,
  type TemplateButton,
  TemplateError,
  type TemplateSource,
} from './templates/types.ts';
import { templateSource } from './templates.service.ts';

const SENDABLE = new Set(['photo', 'document', 'video', 'audio', 'voice']);

/**
 * A broadcast's message, prepared once per run (the template parsed and cached, the attachment looked up) and rendered per
 * recipient: the template (or the broadcast's own Liquid content) for the contact's language, its buttons rewritten for
 * click tracking. Rendering is synchronous and cheap next to a rate-limited send.
 */
export class BroadcastMessage {
  private readonly source: TemplateSource;
  private readonly buttonSource: TemplateButton[][];
  private readonly attachment: OutgoingAttachment | null;

  constructor(
    private readonly broadcast: Broadcast,
    template: TemplateRow | null,
    attachment: Attachment | null,
    private readonly workspace: RenderWorkspace,
    private readonly tracking: Pick<TrackingOptions, 'publicUrl' | 'secret'>,
  ) {
    this.buttonSource = broadcastButtonSource(broadcast.buttons, template?.buttons);
    const base: TemplateSource = template
      ? templateSource(template)
      : // Own content: no id/version, so it is parsed per call; cache it by the broadcast's id and last change instead.
        {
          id: `broadcast:${broadcast.id}`,
          version: broadcast.updatedAt.getTime(),
          format: 'telegram_html',
          body: broadcast.content ?? '',
        };
    // The broadcast's buttons win over the template's (broadcastButtonSource: the redirect reads the same rule).
    this.source = {
      ...base,
      ...(template ? { id: `${template.id}:b${broadcast.id}`, version: template.version } : {}),
      buttons: this.buttonSource,
    };
    this.attachment =
      attachment?.storageKey && attachment.storageStatus === 'stored' && SENDABLE.has(attachment.kind)
        ? {
            kind: attachment.kind as OutgoingAttachment['kind'],
            storageKey: attachment.storageKey,
            ...(attachment.fileName ? { fileName: attachment.fileName } : {}),
            ...(attachment.mimeType ? { mimeType: attachment.mimeType } : {}),
          }
        : null;
  }

  /** Whether an attachment was asked for but cannot be sent (deleted, not stored): every recipient would fail the same way. */
  static attachmentProblem(
    broadcastAttachmentId: string | null,
    attachment: Attachment | null,
  ): string | null {
    if (!broadcastAttachmentId) return null;
    if (!attachment) return 'the attachment was deleted';
    if (attachment.storageStatus !== 'stored' || !attachment.storageKey)
      return `the attachment is not stored (${attachment.storageStatus})`;
    if (!SENDABLE.has(attachment.kind)) return `a ${attachment.kind} cannot be sent`;
    return null;
  }

  /** The message for one recipient; throws TemplateError when this recipient's render cannot be sent. */
  forRecipient(row: ClaimedRecipient & { chatExternalId: string }): OutgoingMessage {
    const result = renderTemplate(this.source, {
      contact: {
        id: row.contactId,
        externalId: row.externalId,
        name: row.name,
        firstName: row.firstName,
        lastName: row.lastName,
        username: row.username,
        email: row.email,
        phone: row.phone,
        language: row.language,
        timezone: row.timezone,
        tags: row.tags,
        attributes: row.attributes,
        birthday: row.birthday,
      },
      workspace: this.workspace,
      // A notification topic's data (migration 0020); other broadcasts have none.
      data: this.broadcast.data ?? {},
    });
    if (result.format === 'email_html')
      throw new TemplateError('an email template cannot be sent to Telegram', '/body');
    const html = result.format === 'text' ? escapeHtml(result.html) : result.html;
    const rows = trackedButtons(result.buttons, {
      ...this.tracking,
      broadcastId: this.broadcast.id,
      contactId: row.contactId,
      source: this.buttonSource,
    }).filter((r) => r.length > 0) as InlineButton[][];
    if (!html.trim() && !this.attachment) throw new TemplateError('the message renders empty', '/body');
    return {
      chatExternalId: row.chatExternalId,
      ...(html.trim() ? { html } : {}),
      ...(rows.length ? { buttons: { kind: 'inline' as const, rows } } : {}),
      attachments: this.attachment ? [this.attachment] : [],
    };
  }
}
