import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { EmailAddress } from '../db/schema.ts';

/** Delivery health of email addresses (email_addresses); addresses are stored lower-cased. */
export class EmailAddressesRepository {
  constructor(private readonly db: DbOrTx) {}

  get(address: string): Promise<EmailAddress | undefined> {
    return this.db
      .selectFrom('emailAddresses')
      .selectAll()
      .where('address', '=', address.toLowerCase())
      .executeTakeFirst();
  }

  /** A hard bounce: the address is unreachable from now on (until a person or a new address says otherwise). */
  markUnreachable(address: string, reason: string): Promise<EmailAddress> {
    return this.db
      .insertInto('emailAddresses')
      .values({
        address: address.toLowerCase(),
        status: 'unreachable',
        lastBounceAt: new Date(),
        lastReason: reason,
      })
      .onConflict((oc) =>
        oc.column('address').doUpdateSet({
          status: 'unreachable',
          lastBounceAt: new Date(),
          lastReason: reason,
          updatedAt: new Date(),
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** A soft bounce: counted; at `threshold` the address becomes unreachable. Returns the row after the change. */
  recordSoftBounce(address: string, reason: string, threshold: number): Promise<EmailAddress> {
    return this.db
      .insertInto('emailAddresses')
      .values({
        address: address.toLowerCase(),
        softBounces: 1,
        status: threshold <= 1 ? 'unreachable' : 'ok',
        lastBounceAt: new Date(),
        lastReason: reason,
      })
      .onConflict((oc) =>
        oc.column('address').doUpdateSet({
          softBounces: sql`email_addresses.soft_bounces + 1`,
          status: sql`case when email_addresses.soft_bounces + 1 >= ${threshold} then 'unreachable' else email_addresses.status end`,
          lastBounceAt: new Date(),
          lastReason: reason,
          updatedAt: new Date(),
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** A successful delivery clears the soft-bounce count (a mailbox that was full is fine again). */
  recordDelivered(address: string): Promise<unknown> {
    return this.db
      .updateTable('emailAddresses')
      .set({ softBounces: 0, updatedAt: new Date() })
      .where('address', '=', address.toLowerCase())
      .where('softBounces', '>', 0)
      .execute();
  }

  /** Makes an address usable again (an operator fixed it, or the contact confirmed it). */
  reset(address: string): Promise<unknown> {
    return this.db.deleteFrom('emailAddresses').where('address', '=', address.toLowerCase()).execute();
  }
}
