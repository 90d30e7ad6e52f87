/**
 * Copies items from a table restored from point-in-time recovery or AWS Backup back into the live table,
 * never undoing what has happened since the restore point that must stay done:
 * - by default only items the live table no longer has are written, so nothing newer is overwritten (a
 *   reference counter, a case worked on since, a sent email's ledger entry);
 * - `overwrite` rolls back chosen enquiries (their whole partition) to the restored copy;
 * - an enquiry anonymised or erased in the live table since the restore point is never touched, so personal
 *   data removed under the retention policy or an erasure request does not come back.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type QueryCommandInput,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { queryPartition } from '../../functions/adapters/dynamodb-helpers.ts';
import { keys, TABLE_SCHEMA } from '../../functions/adapters/table-keys.ts';

type Item = Record<string, unknown>;

/** What to restore, from where to where. */
export interface RestoreOptions {
  /** The table restored from a recovery point. */
  readonly from: string;
  /** The live table of the stage. */
  readonly to: string;
  /** Only these enquiries' partitions (all partitions of the restored table when absent). */
  readonly enquiries?: readonly string[];
  /** Replace the live items of the chosen enquiries with the restored ones (needs `enquiries`). */
  readonly overwrite?: boolean;
  /** Write; without it, only count what would be written. */
  readonly apply?: boolean;
}

/** What a restore wrote (or, without `apply`, would write) and what it left alone. */
export interface RestoreReport {
  readonly written: number;
  /** Items the live table already has (not overwritten). */
  readonly keptLive: number;
  /** Enquiries anonymised or erased in the live table since the restore point: none of their items written. */
  readonly skippedAnonymised: string[];
}

/** Every item about an enquiry is in its partition, `ENQUIRY#<reference>`. */
const ENQUIRY_PARTITION_PREFIX = keys.enquiry('').PK;

/** Thrown for options that would do something unsafe. */
export class RestoreOptionsError extends Error {}

/** Restores items as {@link RestoreOptions} say; see the module comment for what is never undone. */
export async function restoreItems(
  client: DynamoDBDocumentClient,
  options: RestoreOptions,
): Promise<RestoreReport> {
  if (options.overwrite && !options.enquiries?.length) {
    throw new RestoreOptionsError('overwrite needs the enquiries to roll back: name them with --enquiry');
  }
  if (options.from === options.to) throw new RestoreOptionsError('from and to must be different tables');
  const anonymisedInLive = new Map<string, boolean>();
  const isAnonymisedInLive = async (reference: string): Promise<boolean> => {
    const known = anonymisedInLive.get(reference);
    if (known !== undefined) return known;
    const { Item } = await client.send(
      new GetCommand({
        TableName: options.to,
        Key: keys.enquiry(reference),
        ConsistentRead: true,
        ProjectionExpression: 'anonymisedAt',
      }),
    );
    const anonymised = typeof Item?.anonymisedAt === 'string';
    anonymisedInLive.set(reference, anonymised);
    return anonymised;
  };

  let written = 0;
  let keptLive = 0;
  const skipped = new Set<string>();
  for await (const item of restoredItems(client, options)) {
    const partition = String(item[TABLE_SCHEMA.partitionKey]);
    const reference = partition.startsWith(ENQUIRY_PARTITION_PREFIX)
      ? partition.slice(ENQUIRY_PARTITION_PREFIX.length)
      : undefined;
    if (reference && (await isAnonymisedInLive(reference))) {
      skipped.add(reference);
      continue;
    }
    if (!options.apply) {
      const exists = !options.overwrite && (await liveHas(client, options.to, item));
      if (exists) keptLive += 1;
      else written += 1;
      continue;
    }
    try {
      await client.send(
        new PutCommand({
          TableName: options.to,
          Item: item,
          ...(options.overwrite
            ? {}
            : { ConditionExpression: `attribute_not_exists(${TABLE_SCHEMA.partitionKey})` }),
        }),
      );
      written += 1;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      keptLive += 1;
    }
  }
  return { written, keptLive, skippedAnonymised: [...skipped].sort() };
}

async function liveHas(client: DynamoDBDocumentClient, table: string, item: Item): Promise<boolean> {
  const key = {
    [TABLE_SCHEMA.partitionKey]: item[TABLE_SCHEMA.partitionKey],
    [TABLE_SCHEMA.sortKey]: item[TABLE_SCHEMA.sortKey],
  };
  const { Item } = await client.send(
    new GetCommand({ TableName: table, Key: key, ConsistentRead: true, ProjectionExpression: 'PK' }),
  );
  return Item !== undefined;
}

/** The chosen enquiries' partitions, or every item of the restored table. */
async function* restoredItems(client: DynamoDBDocumentClient, options: RestoreOptions): AsyncGenerator<Item> {
  if (options.enquiries?.length) {
    for (const reference of options.enquiries) {
      yield* await queryPartition(client, options.from, keys.enquiry(reference).PK, { consistent: true });
    }
    return;
  }
  let startKey: QueryCommandInput['ExclusiveStartKey'];
  do {
    const page = await client.send(
      new ScanCommand({ TableName: options.from, ExclusiveStartKey: startKey, ConsistentRead: true }),
    );
    yield* page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}
