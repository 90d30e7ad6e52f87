/**
 * GeoReport v2's JSON documents, as the API renders them (./format.ts: lists are bare arrays, empty values
 * `null`), for the OpenAPI document. Closed objects: a field the public feed must never carry (a description,
 * a contact, coordinates) is a contract violation the moment a response holds one. Built only when the
 * document is, never at the api function's cold start.
 */
import * as z from 'zod/mini';
import { documented, titled } from '../openapi-parts.ts';

const text = () => z.nullable(z.string());

/** `[{ code, description }]`: every GeoReport error. */
export const GeoReportErrorsSchema = () =>
  titled('GeoReportErrors', z.array(z.object({ code: z.int(), description: z.string() })));

const ServicesSchema = () =>
  titled(
    'GeoReportServices',
    z.array(
      z.object({
        service_code: z.string(),
        service_name: z.string(),
        description: text(),
        metadata: z.boolean(),
        type: z.enum(['realtime', 'batch', 'blackbox']),
        keywords: text(),
        group: text(),
      }),
    ),
  );

/** The public feed: depersonalised, with no description, contact or coordinates. */
export const GeoReportRequestsSchema = () =>
  titled(
    'GeoReportRequests',
    z.array(
      z.object({
        service_request_id: z.string(),
        status: z.enum(['open', 'closed']),
        status_notes: text(),
        service_name: text(),
        service_code: z.string(),
        agency_responsible: text(),
        service_notice: text(),
        requested_datetime: z.string(),
        updated_datetime: z.string(),
        expected_datetime: text(),
        address: documented(text(), { description: 'The postcode sector only (e.g. TN23 1)' }),
      }),
    ),
  );

const DiscoverySchema = () =>
  titled(
    'GeoReportDiscovery',
    z.object({
      changeset: z.string(),
      contact: z.string(),
      key_service: z.string(),
      endpoints: z.array(
        z.object({
          specification: z.string(),
          url: z.string(),
          changeset: z.string(),
          type: z.string(),
          formats: z.array(z.string()),
        }),
      ),
    }),
  );

/** `discovery`, `services` or `requests`, by the path. */
export const GeoReportDocumentSchema = () =>
  z.union([DiscoverySchema(), ServicesSchema(), GeoReportRequestsSchema()]);

/** A service's definition: the attributes it takes beyond the spec's fields. */
export const GeoReportServiceDefinitionSchema = () =>
  titled(
    'GeoReportServiceDefinition',
    z.object({
      service_code: z.string(),
      attributes: z.array(
        z.object({
          variable: z.boolean(),
          code: z.string(),
          datatype: z.enum(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist']),
          required: z.boolean(),
          datatype_description: text(),
          order: z.int(),
          description: z.string(),
          values: z.optional(z.array(z.object({ key: z.string(), name: z.string() }))),
        }),
      ),
    }),
  );

/** The answer to a submission. */
export const GeoReportSubmittedSchema = () =>
  titled(
    'GeoReportSubmitted',
    z.array(z.object({ service_request_id: z.string(), service_notice: text(), account_id: z.null() })),
  );

/** The spec's answer to a token (never given here: no token is ever issued). */
export const GeoReportTokenSchema = () =>
  titled('GeoReportToken', z.array(z.object({ token: z.string(), service_request_id: z.string() })));
