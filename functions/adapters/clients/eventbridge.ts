/** The EventBridge client, created once per container; `AWS_ENDPOINT_URL_EVENTBRIDGE` points it at the local bus. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { tracer } from './tracer.ts';

export const eventBridgeClient = tracer.captureAWSv3Client(new EventBridgeClient({}));
