/** The workspace settings form (GET /api/v1/settings ↔ fields) and the PATCHes a save makes. */
export interface WorkspaceForm {
  workspace_name: string;
  default_language: 'ru' | 'en';
  default_timezone: string;
  quietHoursOn: boolean;
  quietFrom: string;
  quietTo: string;
  events_create_unknown_contacts: boolean;
  /** Keys this form has no typed field for (added by later features), as JSON text. */
  other: Record<string, string>;
}

/** Keys with a typed field here; conversation_categories has its own page. */
export const TYPED_KEYS = [
  'workspace_name',
  'default_language',
  'default_timezone',
  'notification_quiet_hours',
  'events_create_unknown_contacts',
  'conversation_categories',
] as const;

const quiet = (v: unknown): { from: string; to: string } | null =>
  typeof v === 'object' && v !== null && 'from' in v && 'to' in v
    ? { from: String((v as { from: unknown }).from), to: String((v as { to: unknown }).to) }
    : null;

export function workspaceFormFromSettings(settings: Record<string, unknown>): WorkspaceForm {
  const hours = quiet(settings.notification_quiet_hours);
  return {
    workspace_name: typeof settings.workspace_name === 'string' ? settings.workspace_name : '',
    default_language: settings.default_language === 'en' ? 'en' : 'ru',
    default_timezone: typeof settings.default_timezone === 'string' ? settings.default_timezone : '',
    quietHoursOn: hours !== null,
    quietFrom: hours?.from ?? '22:00',
    quietTo: hours?.to ?? '09:00',
    events_create_unknown_contacts: settings.events_create_unknown_contacts !== false,
    other: Object.fromEntries(
      Object.entries(settings)
        .filter(([k]) => !(TYPED_KEYS as readonly string[]).includes(k))
        .map(([k, v]) => [k, JSON.stringify(v)]),
    ),
  };
}

export interface WorkspaceChanges {
  /** One PATCH /settings/:key each, only for values that changed. */
  changes: { key: string; value: unknown }[];
  /** Keys whose text is not JSON (nothing is sent while there are any). */
  invalid: string[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What saving the form changes, compared with the settings it was filled from. */
export function workspaceChanges(settings: Record<string, unknown>, form: WorkspaceForm): WorkspaceChanges {
  const next: Record<string, unknown> = {
    workspace_name: form.workspace_name.trim(),
    default_language: form.default_language,
    default_timezone: form.default_timezone.trim(),
    notification_quiet_hours: form.quietHoursOn ? { from: form.quietFrom, to: form.quietTo } : null,
    events_create_unknown_contacts: form.events_create_unknown_contacts,
  };
  const invalid: string[] = [];
  for (const [key, text] of Object.entries(form.other)) {
    try {
      next[key] = JSON.parse(text);
    } catch {
      invalid.push(key);
    }
  }
  const changes = Object.entries(next)
    .filter(([key, value]) => !same(settings[key], value))
    .map(([key, value]) => ({ key, value }));
  return { changes, invalid };
}
