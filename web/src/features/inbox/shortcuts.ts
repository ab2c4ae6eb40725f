import type { MessageKey } from '../../i18n/en.ts';

/** What a key press asks the inbox to do. */
export type InboxAction =
  | 'next'
  | 'previous'
  | 'reply'
  | 'note'
  | 'resolve'
  | 'assignToMe'
  | 'search'
  | 'help';

/** The inbox's shortcuts, in the order the help overlay lists them. Single keys, as in Gmail and Chatwoot. */
export const SHORTCUTS: { key: string; action: InboxAction; label: MessageKey }[] = [
  { key: 'j', action: 'next', label: 'shortcuts.next' },
  { key: 'k', action: 'previous', label: 'shortcuts.previous' },
  { key: 'r', action: 'reply', label: 'shortcuts.reply' },
  { key: 'n', action: 'note', label: 'shortcuts.note' },
  { key: 'e', action: 'resolve', label: 'shortcuts.resolve' },
  { key: 'a', action: 'assignToMe', label: 'shortcuts.assignToMe' },
  { key: '/', action: 'search', label: 'shortcuts.search' },
  { key: '?', action: 'help', label: 'shortcuts.help' },
];

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The element the key went to: typing in a field is never a shortcut. */
  target: { tagName?: string; isContentEditable?: boolean } | null;
}

/** The action a key press triggers, or null (modified keys, and keys typed into fields, are left alone). */
export function shortcutFor(press: KeyPress): InboxAction | null {
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  const tag = press.target?.tagName?.toUpperCase();
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || press.target?.isContentEditable)
    return null;
  return SHORTCUTS.find((s) => s.key === press.key)?.action ?? null;
}

/** The id after (or before) the current one in the list; the first one when nothing is open. */
export function neighbour(
  ids: readonly string[],
  current: string | undefined,
  step: 1 | -1,
): string | undefined {
  if (ids.length === 0) return undefined;
  const at = current ? ids.indexOf(current) : -1;
  if (at < 0) return ids[0];
  return ids[Math.min(ids.length - 1, Math.max(0, at + step))];
}
