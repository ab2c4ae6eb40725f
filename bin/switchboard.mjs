#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so `npx switchboard <cmd>` and `npm start` need no build step.
import { register } from 'tsx/esm/api';

register();
await import('../server/src/main.ts');
