import type { ColumnType, Generated } from 'kysely';
import type {
  AutomationAction,
  AutomationConditions,
  AutomationTrigger,
  RunStatus,
} from '../services/automations/types.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** jsonb: read as the value, written as JSON text. */
type Json<T> = ColumnType<T, string, string>;
type JsonDefault<T> = ColumnType<T, string | undefined, string>;

/** One step's entry in a run's log. */
export interface RunLogEntry {
  at: string;
  step: number;
  action: string;
  outcome: 'done' | 'waiting' | 'stopped' | 'failed' | 'skipped' | 'completed';
  detail?: unknown;
}

/** 0022: automation rules. */
export interface AutomationsTable {
  id: Generated<string>;
  name: string;
  description: string | null;
  enabled: Generated<boolean>;
  trigger: Json<AutomationTrigger>;
  conditions: JsonDefault<AutomationConditions>;
  actions: JsonDefault<AutomationAction[]>;
  builtinKey: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  lastRunAt: NullableTimestamp;
}

/** 0022: one pass of a contact (or none) through a rule for one trigger occurrence. */
export interface AutomationRunsTable {
  // bigint, read as a number (db/database.ts parses int8); job payloads carry it as text.
  id: ColumnType<number, never, never>;
  automationId: string;
  contactId: string | null;
  conversationId: string | null;
  occurrenceKey: string;
  status: ColumnType<RunStatus, RunStatus | undefined, RunStatus>;
  step: Generated<number>;
  context: JsonDefault<Record<string, unknown>>;
  log: JsonDefault<RunLogEntry[]>;
  wakeAt: NullableTimestamp;
  error: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

/** The tables of automations (migration 0022); joined into `Database` in schema.ts. */
export interface AutomationsTables {
  automations: AutomationsTable;
  automationRuns: AutomationRunsTable;
}
