import type { DbOrTx } from '../db/database.ts';
import type { ContactImport } from '../db/schema.ts';

/** Contact imports: the upload's chunks, progress counters and rejected rows. */
export class ImportsRepository {
  constructor(private readonly db: DbOrTx) {}

  get(id: string): Promise<ContactImport | undefined> {
    return this.db.selectFrom('contactImports').selectAll().where('id', '=', id).executeTakeFirst();
  }
}
