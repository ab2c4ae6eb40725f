/**
 * Opening a stored draft (or scheduled broadcast) in the create flow: GET /api/v1/broadcasts/:id turned back into the form's
 * draft, so the same steps edit it and `createPlan(…, 'update')` sends it back as a PATCH.
 */
import { isoToZonedTime } from '../../lib/zoned-time.ts';
import {
  type ApiButton,
  type BroadcastDraft,
  type DraftButton,
  emptyDraft,
  SUBSCRIBED_FILTER,
} from './create-logic.ts';

/** The parts of a stored broadcast the form edits. */
export interface StoredBroadcast {
  title: string;
  status: string;
  channelId: string;
  segmentId: string | null;
  filter?: unknown;
  templateId: string | null;
  content: string | null;
  buttons?: ApiButton[][];
  attachmentId?: string | null;
  scheduledAt: string | null;
  localTime: string | null;
  quietHours: { from: string; to: string } | null;
}

/** Statuses the API lets a broadcast change in (PATCH answers 409 for the rest). */
export const EDITABLE_STATUSES = ['draft', 'scheduled'];

export function isEditable(status: string): boolean {
  return EDITABLE_STATUSES.includes(status);
}

/** Button rows as the editor's flat list: every button after the first of its row sits beside the previous one. */
export function draftButtons(rows: ApiButton[][]): DraftButton[] {
  return rows.flatMap((row) =>
    row.map((b, i) => ({
      kind: b.kind,
      text: b.text,
      value: b.kind === 'url' ? b.url : b.data,
      sameRow: i > 0,
    })),
  );
}

/**
 * The form's draft for a stored broadcast. The audience is "everyone subscribed" for the built-in segment or its fallback
 * filter, a segment, or else the broadcast's own filter, kept as it is. A start time is shown in the user's zone. The
 * attachment's name comes later (its metadata is a separate read), so it starts as its id.
 */
export function draftFromBroadcast(
  b: StoredBroadcast,
  subscribedSegmentId: string | null,
  zone: string,
): BroadcastDraft {
  const draft = emptyDraft();
  draft.title = b.title;
  draft.channelId = b.channelId;
  if (b.segmentId && b.segmentId === subscribedSegmentId) draft.audience = 'all';
  else if (b.segmentId) {
    draft.audience = 'segment';
    draft.segmentId = b.segmentId;
  } else if (b.filter && JSON.stringify(b.filter) !== JSON.stringify(SUBSCRIBED_FILTER)) {
    draft.audience = 'filter';
    draft.filter = b.filter;
  }
  if (b.templateId) {
    draft.messageKind = 'template';
    draft.templateId = b.templateId;
  } else draft.content = b.content ?? '';
  draft.buttons = draftButtons(b.buttons ?? []);
  draft.attachment = b.attachmentId ? { id: b.attachmentId, name: '', kind: '' } : null;
  if (b.scheduledAt) {
    draft.schedule = 'at';
    draft.at = isoToZonedTime(b.scheduledAt, zone) ?? '';
  } else if (b.localTime) {
    draft.schedule = 'local';
    draft.localTime = b.localTime;
  }
  draft.quietHours = b.quietHours;
  return draft;
}
