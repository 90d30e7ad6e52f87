/**
 * The API as an integrator calls it: openapi-fetch, typed by the types generated from the contract
 * (./api-schema.ts, `npm run generate:api-types`). A change of the contract that a test does not follow fails
 * the typecheck; a response that breaks it fails at the gateway (local/contract.ts).
 */
import createClient, { type Client } from 'openapi-fetch';
import { expect } from 'vitest';
import type { components, paths } from './api-schema.ts';
import { cloud } from './local-cloud.ts';

/** A client of the whole API, every operation typed by the contract. */
export type ApiClient = Client<paths>;

/** The contract's named schemas, e.g. `Schemas['EnquiryAccepted']`. */
export type Schemas = components['schemas'];

/** A client of the local cloud's API; with a staff token, every request carries it. */
export function apiClient(token?: string): ApiClient {
  return createClient<paths>({
    baseUrl: cloud().api,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
}

/**
 * A case's ETag as a test changes it: `ifMatch()` for the next change's header; `changed(answer)` checks that a
 * change went through and takes the ETag it answered with.
 */
export async function caseVersions(client: ApiClient, reference: string) {
  const read = await client.GET('/enquiries/{reference}', { params: { path: { reference } } });
  let etag = read.response.headers.get('etag')!;
  return {
    ifMatch: () => etag,
    changed({ response }: { response: Response }): void {
      expect(response.status).toBeLessThan(300);
      etag = response.headers.get('etag')!;
    },
  };
}
