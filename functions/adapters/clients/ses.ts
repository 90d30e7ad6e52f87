/** The SES (v1 API) client, created once per container; `AWS_ENDPOINT_URL_SES` points it at the SES emulator. */
import { SESClient } from '@aws-sdk/client-ses';

export const sesClient = new SESClient({});
