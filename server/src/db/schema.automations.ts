/** The tables of automations (migrations 00xx); joined into `Database` in schema.ts. */
export type AutomationsTables = Record<never, never>;
