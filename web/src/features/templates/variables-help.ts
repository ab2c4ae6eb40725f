import type { MessageKey } from '../../i18n/en.ts';

/**
 * What the variables panel lists (docs/api.md "Templates" → Variables and Filters; server/src/services/templates/variables.ts
 * and filters.ts). Each entry is a snippet the editor can insert where the caret is.
 */

export interface HelpEntry {
  snippet: string;
  label: MessageKey;
}

export const CONTACT_VARIABLES: HelpEntry[] = [
  { snippet: '{{ contact.firstName }}', label: 'templates.var.firstName' },
  { snippet: '{{ contact.lastName }}', label: 'templates.var.lastName' },
  { snippet: '{{ contact.name }}', label: 'templates.var.name' },
  { snippet: '{{ contact.username }}', label: 'templates.var.username' },
  { snippet: '{{ contact.email }}', label: 'templates.var.email' },
  { snippet: '{{ contact.phone }}', label: 'templates.var.phone' },
  { snippet: '{{ contact.language }}', label: 'templates.var.language' },
  { snippet: '{{ contact.timezone }}', label: 'templates.var.timezone' },
  { snippet: '{{ contact.birthday | local_date: "date" }}', label: 'templates.var.birthday' },
  { snippet: '{{ contact.tags }}', label: 'templates.var.tags' },
  { snippet: '{% if contact.tags contains "vip" %}…{% endif %}', label: 'templates.var.tagCheck' },
  { snippet: '{{ contact.id }}', label: 'templates.var.id' },
  { snippet: '{{ contact.externalId }}', label: 'templates.var.externalId' },
];

export const WORKSPACE_VARIABLES: HelpEntry[] = [
  { snippet: '{{ workspace.name }}', label: 'templates.var.workspaceName' },
  { snippet: '{{ workspace.timezone }}', label: 'templates.var.workspaceTimezone' },
  { snippet: '{{ workspace.locale }}', label: 'templates.var.workspaceLocale' },
];

export const FILTERS: HelpEntry[] = [
  { snippet: '{{ data.startsAt | local_date: "long" }}', label: 'templates.filter.localDate' },
  { snippet: '{{ data.amount | money: "RUB" }}', label: 'templates.filter.money' },
  { snippet: '{{ data.count | number }}', label: 'templates.filter.number' },
  {
    snippet: '{{ data.count }} {{ data.count | plural: "урок", "урока", "уроков" }}',
    label: 'templates.filter.pluralRu',
  },
  {
    snippet: '{{ data.count }} {{ data.count | plural: "lesson", "lessons" }}',
    label: 'templates.filter.pluralEn',
  },
  { snippet: '{{ contact.firstName | default: "друг" }}', label: 'templates.filter.default' },
  { snippet: '{{ data.title | upcase }}', label: 'templates.filter.upcase' },
  { snippet: '{{ data.summary | truncate: 100 }}', label: 'templates.filter.truncate' },
  { snippet: '{{ data.query | url_encode }}', label: 'templates.filter.urlEncode' },
  { snippet: '{{ data.startsAt | date: "%d.%m.%Y %H:%M" }}', label: 'templates.filter.date' },
];

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `contact.attributes.plan.level`, or the bracket form for names Liquid cannot read with a dot. */
function access(prefix: string, key: string): string {
  return IDENTIFIER.test(key) ? `${prefix}.${key}` : `${prefix}[${JSON.stringify(key)}]`;
}

/**
 * The variables an object offers, nested objects included (two levels, as far as anyone writes by hand), e.g. the
 * custom attributes of the contact the preview is for, or the template's sample data.
 */
export function variablesOf(prefix: string, value: Record<string, unknown>, depth = 2): string[] {
  const out: string[] = [];
  for (const [key, v] of Object.entries(value).sort(([a], [b]) => a.localeCompare(b))) {
    const path = access(prefix, key);
    if (v && typeof v === 'object' && !Array.isArray(v) && depth > 1)
      out.push(...variablesOf(path, v as Record<string, unknown>, depth - 1));
    else out.push(`{{ ${path} }}`);
  }
  return out;
}
