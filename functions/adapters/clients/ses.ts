/**
 * The SES (v1 API) client, created once per container; `AWS_ENDPOINT_URL_SES` points it at the SES emulator.
 * Not traced, unlike the other clients: X-Ray records a failed call's error message, and SES's quote the
 * recipient's address ("…failed the check: someone@…"), which must not leave the function.
 */
import { SESClient } from '@aws-sdk/client-ses';

export const sesClient = new SESClient({});
