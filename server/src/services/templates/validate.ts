import { checkTelegramMarkup } from './markup.ts';
import { compile, renderTemplate } from './render.ts';
import { type RenderWorkspace, TemplateError, type TemplateSource } from './types.ts';
import { sampleContact } from './variables.ts';

/**
 * The checks run when a template is saved, so mistakes surface in the editor and not per recipient at send time:
 * 1. every part parses (syntax, unknown filters and tags, with line and column);
 * 2. Telegram HTML: the template's own markup uses only Telegram's tags, nested and closed, with < > & escaped;
 * 3. each body renders for the sample contact in its language with the template's sample data, and the result
 *    is valid for its format (catches markup that breaks only through a branch, bad filter arguments, limits).
 * Throws the first TemplateError found.
 */
export function validateTemplate(
  src: TemplateSource,
  workspace: RenderWorkspace,
  sampleData: Record<string, unknown> = {},
): void {
  compile(src);
  const variants = Object.entries(src.variants ?? {});
  if (src.format === 'telegram_html') {
    checkTelegramMarkup(src.body, '/body');
    for (const [tag, body] of variants) checkTelegramMarkup(body, `/variants/${tag}`);
  }
  // The default body is rendered in the workspace language; each variant in its own.
  const languages = [null, ...variants.map(([tag]) => tag)];
  for (const language of languages) {
    const lang = language ?? workspace.locale;
    const draft = language === null ? { ...src, variants: {} } : src;
    try {
      renderTemplate(
        { ...draft, id: undefined, version: undefined },
        { contact: sampleContact(lang, workspace.timezone), workspace, data: sampleData, language: lang },
        { allowEmptyTargets: true },
      );
    } catch (err) {
      if (err instanceof TemplateError && err.line === undefined && !err.message.includes('sample'))
        throw new TemplateError(
          `${err.message} (rendering with the sample contact and sample data)`,
          err.path,
        );
      throw err;
    }
  }
}
