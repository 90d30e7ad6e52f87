/** Small DynamoDB routines the repositories share. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';

type Item = Record<string, unknown>;

/** Every item of one partition (optionally with a sort-key prefix), following pagination. */
export async function queryPartition(
  client: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  options: { ascending?: boolean; skPrefix?: string } = {},
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: options.skPrefix ? 'PK = :pk AND begins_with(SK, :prefix)' : 'PK = :pk',
        ExpressionAttributeValues: {
          ':pk': pk,
          ...(options.skPrefix ? { ':prefix': options.skPrefix } : {}),
        },
        ScanIndexForward: options.ascending ?? true,
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
