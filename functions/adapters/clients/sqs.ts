/**
 * The SQS client, created once per container. `useQueueUrlAsEndpoint: false` keeps requests on the endpoint
 * the SDK resolves (the region's, or `AWS_ENDPOINT_URL_SQS` locally) rather than the host in a QueueUrl.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { tracer } from './tracer.ts';

export const sqsClient = tracer.captureAWSv3Client(new SQSClient({ useQueueUrlAsEndpoint: false }));
