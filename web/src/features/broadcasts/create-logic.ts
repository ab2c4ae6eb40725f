/**
 * The create flow's rules, kept out of the components so they can be tested without a browser: what the form turns into
 * as an API body, how the start is asked for, and how long the send is estimated to take.
 */

import { zonedTimeToIso } from '../../lib/zoned-time.ts';

/** `filter`: a broadcast's own contact filter (made through the API); kept as it is when such a draft is edited here. */
export type AudienceKind = 'segment' | 'all' | 'filter';
export type MessageKind = 'template' | 'inline';
export type ScheduleKind = 'now' | 'at' | 'local';

/** One button as the editor holds it; `sameRow` puts it beside the previous one instead of under it. */
export interface DraftButton {
  kind: 'url' | 'callback';
  text: string;
  /** The URL of a link button, or the callback data of a callback button. */
  value: string;
  sameRow: boolean;
}

/** A language variant of an inline message: a language tag and its body. */
export interface DraftVariant {
  language: string;
  body: string;
}

/** The one file a broadcast sends with its text (a photo, or any file as a document). */
export interface DraftAttachment {
  id: string;
  name: string;
  kind: string;
}

/** Everything the create flow collects. */
export interface BroadcastDraft {
  title: string;
  channelId: string;
  audience: AudienceKind;
  segmentId: string;
  /** The broadcast's own filter, for `audience: 'filter'` only. */
  filter: unknown;
  messageKind: MessageKind;
  templateId: string;
  content: string;
  variants: DraftVariant[];
  buttons: DraftButton[];
  attachment: DraftAttachment | null;
  schedule: ScheduleKind;
  /** `YYYY-MM-DDTHH:MM[:SS]` as a datetime-local input gives it, in the user's time zone. */
  at: string;
  /** `HH:MM` on each recipient's clock. */
  localTime: string;
  quietHours: { from: string; to: string } | null;
}

/** An empty draft: all subscribed, inline text, sent at once. */
export function emptyDraft(): BroadcastDraft {
  return {
    title: '',
    channelId: '',
    audience: 'all',
    segmentId: '',
    filter: null,
    messageKind: 'inline',
    templateId: '',
    content: '',
    variants: [],
    buttons: [],
    attachment: null,
    schedule: 'now',
    at: '',
    localTime: '10:00',
    quietHours: null,
  };
}

/** A button row as the API takes it. */
export type ApiButton =
  | { kind: 'url'; text: string; url: string }
  | { kind: 'callback'; text: string; data: string };

/** The editor's flat list as rows: a button marked `sameRow` joins the row above it. */
export function buttonRows(buttons: DraftButton[]): ApiButton[][] {
  const rows: ApiButton[][] = [];
  for (const b of buttons) {
    const button: ApiButton =
      b.kind === 'url'
        ? { kind: 'url', text: b.text.trim(), url: b.value.trim() }
        : { kind: 'callback', text: b.text.trim(), data: b.value.trim() };
    const last = rows[rows.length - 1];
    // Telegram shows at most 8 buttons in a row; the API refuses more, so a ninth starts a new row.
    if (b.sameRow && last && last.length < 8) last.push(button);
    else rows.push([button]);
  }
  return rows;
}

/** What the create flow sends, and what it does right after the create. */
export interface CreatePlan {
  /** POST /api/v1/broadcasts body (templateId stays empty when `template` below must be created first). */
  body: Record<string, unknown>;
  /** Inline text with language variants is saved as a template first: a broadcast's own content has one body. */
  template: { name: string; body: string; variants: Record<string, string> } | null;
  /** `send-now` after the create, or nothing (a scheduled broadcast starts by itself). */
  start: 'send-now' | null;
}

/** A field the user still has to fix, named by the step it belongs to. */
export interface DraftProblem {
  step: 'audience' | 'message' | 'schedule';
  field: string;
}

/** What is missing or wrong before the draft can be sent to the API (the API checks again, with reasons). */
export function draftProblems(draft: BroadcastDraft, now: Date, zone: string): DraftProblem[] {
  const problems: DraftProblem[] = [];
  if (!draft.title.trim()) problems.push({ step: 'audience', field: 'title' });
  if (!draft.channelId) problems.push({ step: 'audience', field: 'channelId' });
  if (draft.audience === 'segment' && !draft.segmentId)
    problems.push({ step: 'audience', field: 'segmentId' });
  if (draft.audience === 'filter' && !draft.filter) problems.push({ step: 'audience', field: 'segmentId' });
  if (draft.messageKind === 'template' && !draft.templateId)
    problems.push({ step: 'message', field: 'templateId' });
  if (draft.messageKind === 'inline' && !draft.content.trim())
    problems.push({ step: 'message', field: 'content' });
  draft.buttons.forEach((b, i) => {
    if (!b.text.trim()) problems.push({ step: 'message', field: `buttons.${i}.text` });
    if (!b.value.trim()) problems.push({ step: 'message', field: `buttons.${i}.value` });
  });
  if (draft.schedule === 'at') {
    const at = zonedTimeToIso(draft.at, zone);
    if (!at || new Date(at).getTime() <= now.getTime()) problems.push({ step: 'schedule', field: 'at' });
  }
  if (draft.schedule === 'local' && !/^\d{2}:\d{2}$/.test(draft.localTime))
    problems.push({ step: 'schedule', field: 'localTime' });
  if (draft.quietHours && draft.quietHours.from === draft.quietHours.to)
    problems.push({ step: 'schedule', field: 'quietHours' });
  return problems;
}

/** The contact filter of "everyone subscribed" when the built-in segment was removed. */
export const SUBSCRIBED_FILTER = {
  op: 'and',
  conditions: [{ type: 'field', field: 'subscribed', op: 'eq', value: true }],
};

/**
 * The API calls for a draft: `subscribedSegmentId` is the built-in "subscribed" segment ("all subscribed"). `create` is the
 * POST body; `update` the PATCH of a draft opened for editing, which names every part (null or [] for what was removed), so
 * the stored broadcast ends up exactly as the form shows it.
 */
export function createPlan(
  draft: BroadcastDraft,
  zone: string,
  subscribedSegmentId: string | null,
  mode: 'create' | 'update' = 'create',
): CreatePlan {
  const update = mode === 'update';
  const body: Record<string, unknown> = { title: draft.title.trim(), channelId: draft.channelId };
  if (draft.audience === 'segment') body.segmentId = draft.segmentId;
  else if (draft.audience === 'filter') body.filter = draft.filter;
  else if (subscribedSegmentId) body.segmentId = subscribedSegmentId;
  else body.filter = SUBSCRIBED_FILTER;

  const variants = draft.variants.filter((v) => v.language.trim() && v.body.trim());
  let template: CreatePlan['template'] = null;
  if (draft.messageKind === 'template') body.templateId = draft.templateId;
  else if (variants.length > 0)
    template = {
      name: draft.title.trim(),
      body: draft.content,
      variants: Object.fromEntries(variants.map((v) => [v.language.trim(), v.body])),
    };
  else body.content = draft.content;

  if (draft.buttons.length > 0 || update) body.buttons = buttonRows(draft.buttons);
  if (draft.attachment) body.attachmentId = draft.attachment.id;
  else if (update) body.attachmentId = null;
  if (draft.quietHours) body.quietHours = draft.quietHours;
  else if (update) body.quietHours = null;
  if (draft.schedule === 'at') body.scheduledAt = zonedTimeToIso(draft.at, zone);
  else if (update) body.scheduledAt = null;
  if (draft.schedule === 'local') body.localTime = draft.localTime;
  else if (update) body.localTime = null;
  return { body, template, start: draft.schedule === 'at' ? null : 'send-now' };
}

/**
 * The kind to upload a broadcast's file as: still pictures go as a photo (Telegram shows them inline), anything else as a
 * document, including GIFs and SVGs, which the API would otherwise take as an animation or refuse as a photo.
 */
export function attachmentKind(file: { type: string }): 'photo' | 'document' {
  return /^image\/(jpeg|png|webp)$/i.test(file.type) ? 'photo' : 'document';
}

/** How long the send is expected to take. */
export interface Estimate {
  /** Seconds at the bot's rate, rounded up; 0 without recipients. */
  seconds: number;
  /** With local-time delivery the waves follow the recipients' clocks: up to 26 hours, whatever the rate. */
  byLocalTime: boolean;
}

/**
 * recipients ÷ the bot's messages per second. A lower bound in practice: support replies go first, a Telegram 429 pauses
 * the bot, and quiet hours hold some recipients back.
 */
export function estimateDuration(
  recipients: number,
  ratePerSecond: number,
  schedule: ScheduleKind,
): Estimate {
  const rate = ratePerSecond > 0 ? ratePerSecond : 1;
  return { seconds: Math.ceil(Math.max(0, recipients) / rate), byLocalTime: schedule === 'local' };
}

/** A duration split for display: hours, minutes and seconds. */
export function durationParts(seconds: number): { hours: number; minutes: number; seconds: number } {
  const s = Math.max(0, Math.round(seconds));
  return { hours: Math.floor(s / 3600), minutes: Math.floor((s % 3600) / 60), seconds: s % 60 };
}
