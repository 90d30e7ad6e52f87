/**
 * The DynamoDB document client, created once per container. Its endpoint comes from the SDK's standard
 * `AWS_ENDPOINT_URL_DYNAMODB` when set (the local cloud), otherwise from the Lambda's region.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from './tracer.ts';

/** Builds a document client that drops `undefined` attributes, so optional fields are simply absent. */
export function createDocumentClient(client = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export const documentClient = createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({})));
