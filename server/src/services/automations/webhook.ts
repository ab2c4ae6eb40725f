import { createHmac } from 'node:crypto';
import type { ServiceContext } from '../context.ts';
import type { RunEngine } from './run-engine.ts';
import type { ActionHandler, AutomationAction } from './types.ts';

type WebhookAction = Extract<AutomationAction, { type: 'webhook' }>;

/** Attempts of one webhook call: graphile-worker's backoff (e^n seconds) spreads 6 attempts over about 4 minutes. */
export const WEBHOOK_MAX_ATTEMPTS = 6;
const TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 16 * 1024;

/**
 * The signature header value: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, as Stripe signs. The
 * receiver recomputes it over the raw body and rejects old timestamps (replays).
 */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** The remote said no for good (4xx other than 408 and 429): retrying would get the same answer. */
const permanent = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;

/** The webhook action: the step queues its own job and waits for it; the job POSTs, retries, and resumes the run. */
export function webhookAction(): ActionHandler<WebhookAction> {
  return {
    async run(input) {
      await input.repos.jobs.add(
        'automations.webhook',
        { runId: String(input.run.id), step: input.run.step },
        { jobKey: `automation-webhook:${input.run.id}:${input.run.step}`, maxAttempts: WEBHOOK_MAX_ATTEMPTS },
      );
      return { kind: 'pending', detail: { url: input.action.url } };
    },
    describe: async (input) => ({
      step: input.run.step,
      type: 'webhook',
      summary: `POST the run to ${input.action.url}${input.action.secret ? ' (signed)' : ''}`,
      detail: { url: input.action.url, signed: Boolean(input.action.secret) },
    }),
  };
}

/** The `automations.webhook` job. */
export class WebhookSender {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly engine: RunEngine,
  ) {}

  async send(runId: number, step: number, opts: { lastAttempt?: boolean } = {}): Promise<void> {
    const r = this.ctx.repos;
    const run = await r.automationRuns.get(runId);
    if (run?.status !== 'waiting' || run.step !== step || run.wakeAt !== null) return;
    const rule = await r.automations.get(run.automationId);
    const action = rule?.actions[step];
    if (!rule || action?.type !== 'webhook') return;
    const now = this.ctx.clock.now();
    const body = JSON.stringify({
      automation: { id: rule.id, name: rule.name },
      run: { id: String(run.id), step, occurrenceKey: run.occurrenceKey },
      contactId: run.contactId,
      conversationId: run.conversationId,
      context: run.context,
      sentAt: now.toISOString(),
    });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Switchboard-Automations/1',
      // The receiver can drop a repeated delivery (a retry after a lost answer) by this id.
      'x-switchboard-delivery': `${run.id}:${step}`,
    };
    if (action.secret)
      headers['x-switchboard-signature'] = signWebhook(action.secret, body, Math.floor(now.getTime() / 1000));
    let status: number;
    let text = '';
    try {
      const res = await fetch(action.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      status = res.status;
      text = (await res.text()).slice(0, MAX_RESPONSE_BYTES);
    } catch (err) {
      return this.retryOrFail(runId, step, `could not reach ${action.url}: ${(err as Error).message}`, opts);
    }
    if (status >= 200 && status < 300) {
      await this.engine.resume(runId, step, {
        kind: 'next',
        detail: { status },
        // Later steps can use the answer: data.webhook.response in a notification template.
        context: { webhook: { status, response: parseJson(text) } },
      });
      return;
    }
    if (permanent(status)) {
      await this.engine.resume(runId, step, {
        kind: 'fail',
        error: `the webhook answered ${status}`,
        detail: { status },
      });
      return;
    }
    return this.retryOrFail(runId, step, `the webhook answered ${status}`, opts);
  }

  private async retryOrFail(runId: number, step: number, reason: string, opts: { lastAttempt?: boolean }) {
    if (opts.lastAttempt) {
      await this.engine.resume(runId, step, {
        kind: 'fail',
        error: `gave up after ${WEBHOOK_MAX_ATTEMPTS} attempts: ${reason}`,
      });
      return;
    }
    throw new Error(reason);
  }
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
