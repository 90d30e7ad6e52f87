/**
 * Examples of the GeoReport documents the API answers, for the OpenAPI document: sample data in GeoReport's
 * terms (built by the same functions the routes use), and what the renderer makes of it, written out here.
 * Only the `docs` function imports this module (route modules name a sample, `ResponseDoc.sample`), so the api
 * function never bundles the text; a unit test renders the samples and checks the written-out examples are
 * exactly what the API would send.
 */
import type { Open311Element } from './format.ts';
import { serviceDefinitionOf, serviceOf, serviceRequestOf } from './georeport.ts';

const category = {
  code: 'anti-social-behaviour',
  title: 'Anti-social behaviour',
  description: 'Noise, nuisance or intimidation in a public place.',
  sensitive: false,
};

type Sample =
  | { readonly root: string; readonly item: string; readonly list: readonly Open311Element[] }
  | { readonly root: string; readonly element: Open311Element };

/** The sample documents, by what they show (built when asked: the api function's cold start never does). */
export const georeportSampleDocuments = () =>
  ({
    services: { root: 'services', item: 'service', list: [serviceOf(category)] },
    serviceDefinition: { root: 'service_definition', element: serviceDefinitionOf(category) },
    requests: {
      root: 'service_requests',
      item: 'request',
      list: [
        serviceRequestOf(
          {
            reference: 'CSU-2026-000123',
            category: category.code,
            open: true,
            statusNotes: 'Passed to the agencies who can help',
            agencies: ['Kent Police'],
            requestedAt: '2026-11-26T09:30:00.000Z',
            updatedAt: '2026-11-26T11:00:00.000Z',
            expectedAt: '2026-12-10T17:00:00.000Z',
            postcodeSector: 'TN23 1',
          },
          category.title,
        ),
      ],
    },
    submitted: {
      root: 'service_requests',
      item: 'request',
      list: [
        {
          service_request_id: 'CSU-2026-000123',
          service_notice:
            'Received by the Community Safety Unit, which will pass it to the agencies who can help.',
          account_id: null,
        },
      ],
    },
    token: {
      root: 'service_requests',
      item: 'request',
      list: [{ token: '5b1d4c6e', service_request_id: 'CSU-2026-000123' }],
    },
    badRequest: {
      root: 'errors',
      item: 'error',
      list: [{ code: 400, description: 'service_code anti-social-behavior is not a service here' }],
    },
    forbidden: { root: 'errors', item: 'error', list: [{ code: 403, description: 'api_key is not valid' }] },
    notFound: { root: 'errors', item: 'error', list: [{ code: 404, description: 'No such document' }] },
    failed: {
      root: 'errors',
      item: 'error',
      list: [
        {
          code: 500,
          description: 'Internal error; quote correlation id 3e46744b-27a3-43d5-9068-f7f534a3657e',
        },
      ],
    },
    unavailable: {
      root: 'errors',
      item: 'error',
      list: [
        { code: 503, description: 'Temporarily unavailable; send the same request again in a few seconds' },
      ],
    },
  }) as const satisfies Record<string, Sample>;

/** The samples' names. */
export type GeoReportSample = keyof ReturnType<typeof georeportSampleDocuments>;

/** Each sample as the API sends it: XML text, and JSON (parsed). */
export const georeportExamples = (): Readonly<
  Record<GeoReportSample, { readonly xml: string; readonly json: unknown }>
> => ({
  services: {
    xml: '<?xml version="1.0" encoding="utf-8"?>\n<services>\n  <service>\n    <service_code>anti-social-behaviour</service_code>\n    <service_name>Anti-social behaviour</service_name>\n    <description>Noise, nuisance or intimidation in a public place.</description>\n    <metadata>true</metadata>\n    <type>batch</type>\n    <keywords></keywords>\n    <group>Community safety</group>\n  </service>\n</services>\n',
    json: [
      {
        service_code: 'anti-social-behaviour',
        service_name: 'Anti-social behaviour',
        description: 'Noise, nuisance or intimidation in a public place.',
        metadata: true,
        type: 'batch',
        keywords: null,
        group: 'Community safety',
      },
    ],
  },
  serviceDefinition: {
    xml: '<?xml version="1.0" encoding="utf-8"?>\n<service_definition>\n  <service_code>anti-social-behaviour</service_code>\n  <attributes>\n    <attribute>\n      <variable>true</variable>\n      <code>happening_now</code>\n      <datatype>singlevaluelist</datatype>\n      <required>false</required>\n      <datatype_description>yes or no</datatype_description>\n      <order>1</order>\n      <description>Is this happening right now? If anyone is in danger or a crime is happening, call 999.</description>\n      <values>\n        <value>\n          <key>yes</key>\n          <name>Yes</name>\n        </value>\n        <value>\n          <key>no</key>\n          <name>No</name>\n        </value>\n      </values>\n    </attribute>\n    <attribute>\n      <variable>true</variable>\n      <code>may_email</code>\n      <datatype>singlevaluelist</datatype>\n      <required>false</required>\n      <datatype_description>yes or no</datatype_description>\n      <order>2</order>\n      <description>Is it safe for us to email you? We will not unless you say yes.</description>\n      <values>\n        <value>\n          <key>yes</key>\n          <name>Yes</name>\n        </value>\n        <value>\n          <key>no</key>\n          <name>No</name>\n        </value>\n      </values>\n    </attribute>\n    <attribute>\n      <variable>true</variable>\n      <code>may_phone</code>\n      <datatype>singlevaluelist</datatype>\n      <required>false</required>\n      <datatype_description>yes or no</datatype_description>\n      <order>3</order>\n      <description>Is it safe for us to phone you? We will not unless you say yes.</description>\n      <values>\n        <value>\n          <key>yes</key>\n          <name>Yes</name>\n        </value>\n        <value>\n          <key>no</key>\n          <name>No</name>\n        </value>\n      </values>\n    </attribute>\n    <attribute>\n      <variable>true</variable>\n      <code>may_leave_voicemail</code>\n      <datatype>singlevaluelist</datatype>\n      <required>false</required>\n      <datatype_description>yes or no</datatype_description>\n      <order>4</order>\n      <description>May we leave a voicemail message?</description>\n      <values>\n        <value>\n          <key>yes</key>\n          <name>Yes</name>\n        </value>\n        <value>\n          <key>no</key>\n          <name>No</name>\n        </value>\n      </values>\n    </attribute>\n    <attribute>\n      <variable>true</variable>\n      <code>safe_times</code>\n      <datatype>string</datatype>\n      <required>false</required>\n      <datatype_description></datatype_description>\n      <order>5</order>\n      <description>When is it safe to contact you?</description>\n    </attribute>\n    <attribute>\n      <variable>true</variable>\n      <code>preferred_language</code>\n      <datatype>string</datatype>\n      <required>false</required>\n      <datatype_description></datatype_description>\n      <order>6</order>\n      <description>Which language would you like us to use?</description>\n    </attribute>\n    <attribute>\n      <variable>true</variable>\n      <code>postcode</code>\n      <datatype>string</datatype>\n      <required>false</required>\n      <datatype_description></datatype_description>\n      <order>7</order>\n      <description>Postcode of where it is happening, if you know it.</description>\n    </attribute>\n  </attributes>\n</service_definition>\n',
    json: {
      service_code: 'anti-social-behaviour',
      attributes: [
        {
          variable: true,
          code: 'happening_now',
          datatype: 'singlevaluelist',
          required: false,
          datatype_description: 'yes or no',
          order: 1,
          description:
            'Is this happening right now? If anyone is in danger or a crime is happening, call 999.',
          values: [
            {
              key: 'yes',
              name: 'Yes',
            },
            {
              key: 'no',
              name: 'No',
            },
          ],
        },
        {
          variable: true,
          code: 'may_email',
          datatype: 'singlevaluelist',
          required: false,
          datatype_description: 'yes or no',
          order: 2,
          description: 'Is it safe for us to email you? We will not unless you say yes.',
          values: [
            {
              key: 'yes',
              name: 'Yes',
            },
            {
              key: 'no',
              name: 'No',
            },
          ],
        },
        {
          variable: true,
          code: 'may_phone',
          datatype: 'singlevaluelist',
          required: false,
          datatype_description: 'yes or no',
          order: 3,
          description: 'Is it safe for us to phone you? We will not unless you say yes.',
          values: [
            {
              key: 'yes',
              name: 'Yes',
            },
            {
              key: 'no',
              name: 'No',
            },
          ],
        },
        {
          variable: true,
          code: 'may_leave_voicemail',
          datatype: 'singlevaluelist',
          required: false,
          datatype_description: 'yes or no',
          order: 4,
          description: 'May we leave a voicemail message?',
          values: [
            {
              key: 'yes',
              name: 'Yes',
            },
            {
              key: 'no',
              name: 'No',
            },
          ],
        },
        {
          variable: true,
          code: 'safe_times',
          datatype: 'string',
          required: false,
          datatype_description: null,
          order: 5,
          description: 'When is it safe to contact you?',
        },
        {
          variable: true,
          code: 'preferred_language',
          datatype: 'string',
          required: false,
          datatype_description: null,
          order: 6,
          description: 'Which language would you like us to use?',
        },
        {
          variable: true,
          code: 'postcode',
          datatype: 'string',
          required: false,
          datatype_description: null,
          order: 7,
          description: 'Postcode of where it is happening, if you know it.',
        },
      ],
    },
  },
  requests: {
    xml: '<?xml version="1.0" encoding="utf-8"?>\n<service_requests>\n  <request>\n    <service_request_id>CSU-2026-000123</service_request_id>\n    <status>open</status>\n    <status_notes>Passed to the agencies who can help</status_notes>\n    <service_name>Anti-social behaviour</service_name>\n    <service_code>anti-social-behaviour</service_code>\n    <agency_responsible>Kent Police</agency_responsible>\n    <service_notice></service_notice>\n    <requested_datetime>2026-11-26T09:30:00Z</requested_datetime>\n    <updated_datetime>2026-11-26T11:00:00Z</updated_datetime>\n    <expected_datetime>2026-12-10T17:00:00Z</expected_datetime>\n    <address>TN23 1</address>\n  </request>\n</service_requests>\n',
    json: [
      {
        service_request_id: 'CSU-2026-000123',
        status: 'open',
        status_notes: 'Passed to the agencies who can help',
        service_name: 'Anti-social behaviour',
        service_code: 'anti-social-behaviour',
        agency_responsible: 'Kent Police',
        service_notice: null,
        requested_datetime: '2026-11-26T09:30:00Z',
        updated_datetime: '2026-11-26T11:00:00Z',
        expected_datetime: '2026-12-10T17:00:00Z',
        address: 'TN23 1',
      },
    ],
  },
  submitted: {
    xml: '<?xml version="1.0" encoding="utf-8"?>\n<service_requests>\n  <request>\n    <service_request_id>CSU-2026-000123</service_request_id>\n    <service_notice>Received by the Community Safety Unit, which will pass it to the agencies who can help.</service_notice>\n    <account_id></account_id>\n  </request>\n</service_requests>\n',
    json: [
      {
        service_request_id: 'CSU-2026-000123',
        service_notice:
          'Received by the Community Safety Unit, which will pass it to the agencies who can help.',
        account_id: null,
      },
    ],
  },
  token: {
    xml: '<?xml version="1.0" encoding="utf-8"?>\n<service_requests>\n  <request>\n    <token>5b1d4c6e</token>\n    <service_request_id>CSU-2026-000123</service_request_id>\n  </request>\n</service_requests>\n',
    json: [
      {
        token: '5b1d4c6e',
        service_request_id: 'CSU-2026-000123',
      },
    ],
  },
  badRequest: {
    xml: '<?xml version="1.0" encoding="utf-8"?>\n<errors>\n  <error>\n    <code>400</code>\n    <description>service_code anti-social-behavior is not a service here</description>\n  </error>\n</errors>\n',
    json: [
      {
        code: 400,
        description: 'service_code anti-social-behavior is not a service here',
      },
    ],
  },
  forbidden: {
    xml: '<?xml version="1.0" encoding="utf-8"?>\n<errors>\n  <error>\n    <code>403</code>\n    <description>api_key is not valid</description>\n  </error>\n</errors>\n',
    json: [
      {
        code: 403,
        description: 'api_key is not valid',
      },
    ],
  },
  notFound: {
    xml: '<?xml version="1.0" encoding="utf-8"?>\n<errors>\n  <error>\n    <code>404</code>\n    <description>No such document</description>\n  </error>\n</errors>\n',
    json: [
      {
        code: 404,
        description: 'No such document',
      },
    ],
  },
  failed: {
    xml: '<?xml version="1.0" encoding="utf-8"?>\n<errors>\n  <error>\n    <code>500</code>\n    <description>Internal error; quote correlation id 3e46744b-27a3-43d5-9068-f7f534a3657e</description>\n  </error>\n</errors>\n',
    json: [
      {
        code: 500,
        description: 'Internal error; quote correlation id 3e46744b-27a3-43d5-9068-f7f534a3657e',
      },
    ],
  },
  unavailable: {
    xml: '<?xml version="1.0" encoding="utf-8"?>\n<errors>\n  <error>\n    <code>503</code>\n    <description>Temporarily unavailable; send the same request again in a few seconds</description>\n  </error>\n</errors>\n',
    json: [
      {
        code: 503,
        description: 'Temporarily unavailable; send the same request again in a few seconds',
      },
    ],
  },
});
