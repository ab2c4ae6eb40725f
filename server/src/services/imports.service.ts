import type { ServiceContext } from './context.ts';

/** Contact CSV import (being written). */
export class ImportsService {
  constructor(private readonly ctx: ServiceContext) {}

  async run(importId: string): Promise<void> {
    throw new Error(`import ${importId}: not implemented yet ${this.ctx.config.port}`);
  }
}
