/** Shapes shared by the template engine, its validation, the service and the HTTP layer. */

/** How inserted values are escaped and which literal markup is allowed. */
export type TemplateFormat = 'telegram_html' | 'email_html' | 'text';
export const TEMPLATE_FORMATS: readonly TemplateFormat[] = ['telegram_html', 'email_html', 'text'];

/** A button as stored: text (and URL or callback data) are templates; texts may have per-language variants. */
export type TemplateButton =
  | { kind: 'url'; text: string; url: string; textVariants?: Record<string, string> }
  | { kind: 'callback'; text: string; data: string; textVariants?: Record<string, string> };

/** What the renderer needs of a template (a stored row or an unsaved draft). */
export interface TemplateSource {
  /** With `version`, the cache key of the parsed template; drafts have neither and are parsed each time. */
  id?: string;
  version?: number;
  format: TemplateFormat;
  body: string;
  variants?: Record<string, string>;
  buttons?: TemplateButton[][];
  attachmentId?: string | null;
}

/** The recipient as templates see it; every field optional so drafts and API callers can pass what they have. */
export interface RenderContact {
  id?: string;
  externalId?: string | null;
  name?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  username?: string | null;
  email?: string | null;
  phone?: string | null;
  language?: string | null;
  timezone?: string | null;
  tags?: string[];
  attributes?: Record<string, unknown>;
  /** YYYY-MM-DD. */
  birthday?: string | null;
}

/** The installation's settings that templates may show (`workspace.*`). */
export interface RenderWorkspace {
  name: string;
  timezone: string;
  /** The workspace's default language: the language of each template's default body. */
  locale: string;
}

/** One render call. */
export interface RenderInput {
  contact: RenderContact;
  workspace: RenderWorkspace;
  /** Call-specific values (`data.*`): an order, a lesson, a promo code. */
  data?: Record<string, unknown>;
  /** Overrides the contact's language when picking the variant. */
  language?: string | null;
}

/** A rendered button, in the channel-neutral shape of channels/channel.ts. */
export type RenderedButton =
  | { kind: 'url'; text: string; url: string }
  | { kind: 'callback'; text: string; data: string };

/** The message for one recipient. `html` is the body in the template's format (plain text for `text`). */
export interface RenderResult {
  format: TemplateFormat;
  html: string;
  buttons: RenderedButton[][];
  attachmentId: string | null;
  /** The language whose body was used: a variant's tag, or the workspace language for the default body. */
  language: string;
  /** The variant used, or null for the default body. */
  variant: string | null;
}

/** A template problem located in its source: which field (`/body`, `/variants/en`, `/buttons/0/1/text`), where, why. */
export class TemplateError extends Error {
  constructor(
    message: string,
    public readonly path: string,
    public readonly line?: number,
    public readonly column?: number,
  ) {
    super(message);
  }
}
