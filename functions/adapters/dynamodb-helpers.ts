/** Small DynamoDB routines the repositories share. */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { StaleVersion } from '../domain/errors.ts';
import type { AuditEntry } from '../domain/governance-ports.ts';
import { auditItem, keys } from './table-keys.ts';

type Item = Record<string, unknown>;

/**
 * Every item of one partition (optionally with a sort-key prefix), following pagination; of the table, or of
 * `index` (whose reads are never strongly consistent).
 */
export async function queryPartition(
  client: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  options: {
    ascending?: boolean;
    skPrefix?: string;
    consistent?: boolean;
    index?: { readonly name: string; readonly partitionKey: string; readonly sortKey: string };
  } = {},
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  const [partitionKey, sortKey] = options.index
    ? [options.index.partitionKey, options.index.sortKey]
    : ['PK', 'SK'];
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: options.index?.name,
        KeyConditionExpression: options.skPrefix
          ? `${partitionKey} = :pk AND begins_with(${sortKey}, :prefix)`
          : `${partitionKey} = :pk`,
        ExpressionAttributeValues: {
          ':pk': pk,
          ...(options.skPrefix ? { ':prefix': options.skPrefix } : {}),
        },
        ScanIndexForward: options.ascending ?? true,
        ConsistentRead: options.consistent,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Why a transaction left out item `index` (e.g. 'ConditionalCheckFailed'), if it was cancelled. */
export function cancellationReason(error: unknown, index: number): string | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return error.CancellationReasons?.[index]?.Code;
}

/** One item of a TransactWriteItems request. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Writes `change` and its audit entry in one transaction: both or neither. The first item of `change` carries
 * the optimistic-concurrency condition (the version the caller read); when it fails, the caller's copy is
 * stale.
 * @throws StaleVersion when the first item's condition fails.
 */
export async function writeAuditedChange(
  client: DynamoDBDocumentClient,
  tableName: string,
  change: TransactItem[],
  audit: AuditEntry,
): Promise<void> {
  try {
    await client.send(
      new TransactWriteCommand({
        TransactItems: [...change, { Put: { TableName: tableName, Item: auditItem(audit) } }],
      }),
    );
  } catch (error) {
    if (cancellationReason(error, 0) === 'ConditionalCheckFailed') throw new StaleVersion();
    // Another change to one of these records at the same moment: to this caller, what it read changed
    // meanwhile; reading again and resending succeeds.
    if (
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.some((reason) => reason.Code === 'TransactionConflict')
    ) {
      throw new StaleVersion();
    }
    throw error;
  }
}

/**
 * The greatest bound below `key` for an inclusive BETWEEN (DynamoDB has no `<` with a lower bound): lowering
 * the last character and appending the highest one sorts below `key` and above every smaller key in use.
 */
export function justBelow(key: string): string {
  return `${key.slice(0, -1)}${String.fromCharCode(key.charCodeAt(key.length - 1) - 1)}\uffff`;
}

/**
 * Sends one conditional write: @returns false, instead of throwing, when its condition did not hold (another
 * writer won, or there was nothing left to change). Any other failure is thrown.
 */
export async function whenConditionHolds(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * Counts one more change to the directory (profile, organisations, agencies, categories, routing): caches of
 * reference data read this one number to know when to read again. A separate write after the change commits,
 * never an item of its transaction: one shared counter in every transaction would make any two directory
 * changes at the same moment conflict. Should it fail, caches still expire within their maximum age.
 */
export async function bumpDirectoryVersion(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  await client.send(
    new UpdateCommand({
      TableName: tableName,
      Key: keys.directoryVersion(),
      UpdateExpression: 'ADD version :one',
      ExpressionAttributeValues: { ':one': 1 },
    }),
  );
}
