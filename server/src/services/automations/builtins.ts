import type { BroadcastsService } from '../broadcasts.service.ts';
import type { StaffAlertsService } from '../staff-alerts.ts';
import type { AutomationsService } from './automations.service.ts';
import { retentionCleanupAction } from './retention.ts';
import { checkSendBroadcast, sendBroadcastAction } from './schedule-broadcast.ts';
import { supportReportAction } from './support-report.ts';

/** builtin_key of the rules migration 0024 seeds (disabled; enabling one is PATCH enabled). */
export const BUILTIN_RULES = [
  'birthday',
  'winback',
  'abandoned_cart',
  'weekly_newsletter',
  'support_report',
  'retention_cleanup',
] as const;

/**
 * Plugs the calendar features' actions into the rule engine: a newsletter broadcast, the daily support report and the
 * retention cleanup. `staffAlerts` is read at each step, so the staff bot may be wired after this.
 */
export function registerBuiltinActions(
  automations: AutomationsService,
  deps: { broadcasts: BroadcastsService; staffAlerts: () => Pick<StaffAlertsService, 'notify'> | null },
): void {
  automations.registerAction('send_broadcast', sendBroadcastAction(deps.broadcasts), checkSendBroadcast);
  automations.registerAction(
    'support_report',
    supportReportAction(deps.staffAlerts),
    (action, path, problems) => {
      for (const k of Object.keys(action))
        if (k !== 'type') problems.push({ path: `${path}.${k}`, message: 'unknown field' });
    },
  );
  automations.registerAction('retention_cleanup', retentionCleanupAction, (action, path, problems) => {
    for (const k of Object.keys(action))
      if (k !== 'type') problems.push({ path: `${path}.${k}`, message: 'unknown field' });
  });
}
