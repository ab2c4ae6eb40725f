import { DomainError, type FieldProblem } from '../../lib/errors.ts';
import type { Actor } from '../../repositories/audit.repository.ts';
import type { BroadcastsService } from '../broadcasts.service.ts';
import type { ActionHandler } from './types.ts';

type SendBroadcast = { type: 'send_broadcast'; templateId: string; segmentId: string; channelId: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AUTOMATION: Actor = { type: 'system', id: null, name: 'automation' };

/**
 * Save-time check of `send_broadcast`: the template, the segment and the channel must be chosen. The built-in weekly
 * newsletter is seeded with them empty, so enabling it (or any edit) answers 400 naming each one until they are set.
 */
export function checkSendBroadcast(
  action: Record<string, unknown>,
  path: string,
  problems: FieldProblem[],
): void {
  const allowed = ['type', 'templateId', 'segmentId', 'channelId'];
  for (const k of Object.keys(action))
    if (!allowed.includes(k)) problems.push({ path: `${path}.${k}`, message: 'unknown field' });
  const need = (key: string, what: string) => {
    if (!(typeof action[key] === 'string' && UUID.test(action[key] as string)))
      problems.push({ path: `${path}.${key}`, message: `choose the ${what} to send (an id)` });
  };
  need('templateId', 'template');
  need('segmentId', 'segment');
  need('channelId', 'channel');
}

/**
 * The `send_broadcast` action: a broadcast of the template to the segment through the broadcast engine (create, then start
 * now), titled after the rule and the tick. The title makes a retried step find the broadcast an interrupted attempt
 * created instead of sending a second one; a bad template, segment or channel fails the run with the engine's reason.
 */
export function sendBroadcastAction(broadcasts: BroadcastsService): ActionHandler<SendBroadcast> {
  const titleOf = async (
    repos: Parameters<ActionHandler<SendBroadcast>['run']>[0]['repos'],
    automationId: string,
    context: Record<string, unknown>,
    runId: number,
  ) => {
    const rule = await repos.automations.get(automationId);
    const when = typeof context.tick === 'string' ? context.tick.replace('T', ' ') : `#${runId}`;
    return `${rule?.name ?? 'Automation'} · ${when}`.slice(0, 200);
  };
  return {
    async run({ action, run, repos }) {
      const title = await titleOf(repos, run.automationId, run.context, run.id);
      try {
        let found = await repos.automationCalendar.broadcastByTitle(title);
        if (!found) {
          const b = await broadcasts.create(AUTOMATION, {
            title,
            templateId: action.templateId,
            segmentId: action.segmentId,
            channelId: action.channelId,
          });
          found = { id: b.id, status: b.status };
        }
        if (found.status === 'draft') await broadcasts.sendNow(AUTOMATION, found.id);
        return { kind: 'next', detail: { broadcastId: found.id }, context: { broadcastId: found.id } };
      } catch (err) {
        // The broadcast engine said no (a deleted template, an inactive channel): permanent, retrying will not help.
        if (err instanceof DomainError)
          return {
            kind: 'fail',
            error: `${err.message}${err.details[0] ? ` (${err.details[0].path}: ${err.details[0].message})` : ''}`,
          };
        throw err;
      }
    },
    async describe({ action, run }) {
      return {
        step: run.step,
        type: 'send_broadcast',
        summary: 'Starts a broadcast of the template to the segment',
        detail: { templateId: action.templateId, segmentId: action.segmentId, channelId: action.channelId },
      };
    },
  };
}
