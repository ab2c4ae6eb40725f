import type { AuditFilters } from './api.ts';

/** The audit log's filter fields as typed: dates are `YYYY-MM-DD` from date inputs. */
export interface AuditFilterForm {
  actorId: string;
  entityType: string;
  action: string;
  from: string;
  to: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilterForm = {
  actorId: '',
  entityType: '',
  action: '',
  from: '',
  to: '',
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The API's query for the filters. Days are read in the browser's time zone, like the date picker shows them: `from`
 * is the start of its day and `to` the start of the day after, so picking the same day twice shows that whole day.
 */
export function auditQuery(form: AuditFilterForm): AuditFilters {
  const out: AuditFilters = {};
  if (form.actorId) out.actorId = form.actorId;
  if (form.entityType) out.entityType = form.entityType;
  if (form.action.trim()) out.action = form.action.trim();
  if (DAY.test(form.from)) out.from = new Date(`${form.from}T00:00:00`).toISOString();
  if (DAY.test(form.to)) {
    const end = new Date(`${form.to}T00:00:00`);
    end.setDate(end.getDate() + 1);
    out.to = end.toISOString();
  }
  return out;
}
