/**
 * The API's documentation, as the small app of the `docs` function: `/openapi.json` and the `/docs` reference
 * page, both built from the route definitions the `api` function serves. Kept out of the api function so its
 * cold start never compiles the JSON Schema generator. The document is built once per container; its contact
 * and licence come from the partnership record (cached like every other function's reference data), so a change of the
 * CSU's mailbox reaches it without a deploy.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { Hono } from 'hono/tiny';
import type { ReferenceDataRepository } from '../domain/ports.ts';
import { safeError } from '../observability.ts';
import { LOCAL_API_URL, ROUTES } from '../topology.ts';
import { type ApiDeps, apiRoutes } from './app.ts';
import { lazily, type RouteDefinition } from './define-route.ts';
import { DOCS_PAGE_CSP, renderDocsPage } from './docs-page.ts';
import { securityHeaders } from './http-middleware.ts';
import { type GeoReportSample, georeportExamples } from './open311/examples.ts';
import { type DocumentSettings, openApiDocument } from './openapi-document.ts';
import { problem, sendProblem } from './problem.ts';

/** What the documentation app needs, built once by the docs function's composition root. */
export interface DocsDeps {
  /** The partnership record, for the document's contact. */
  readonly referenceData: Pick<ReferenceDataRepository, 'getPartnership'>;
  /** The stage's public URL: the document's first server. */
  readonly publicApiUrl: string;
  readonly logger: Logger;
}

type Json = Record<string, unknown>;

/**
 * Every route of the API, for its documentation only: their handlers never run here, so they are given no
 * ports (a handler that did run would fail on its first call to one).
 */
export function documentedRoutes(): RouteDefinition[] {
  return apiRoutes({} as ApiDeps);
}

/** The examples of GeoReport's sample documents, in XML and JSON. */
function georeportSample(name: string): Readonly<Record<string, unknown>> | undefined {
  const example = georeportExamples()[name as GeoReportSample];
  return example && { 'text/xml': example.xml, 'application/json': example.json };
}

/** What a document served from `publicApiUrl` is built with, before the partnership record is read. */
export function documentSettings(publicApiUrl: string): DocumentSettings {
  return { servers: serversFor(publicApiUrl), samples: georeportSample };
}

/** The servers a document lists: this stage's URL, then the local cloud's (once, when they are the same). */
export function serversFor(publicApiUrl: string): DocumentSettings['servers'] {
  return publicApiUrl === LOCAL_API_URL
    ? [{ url: LOCAL_API_URL, description: 'The local cloud (`npm start`)' }]
    : [
        { url: publicApiUrl, description: 'This deployment' },
        { url: LOCAL_API_URL, description: 'The local cloud (`npm start`)' },
      ];
}

/** Builds the documentation app. */
export function createDocsApp(deps: DocsDeps): Hono {
  const app = new Hono();
  app.use('*', securityHeaders());
  // Paths and schemas never change in a container; only the contact is read per request (from the cache).
  const base = lazily(() => openApiDocument(documentedRoutes(), documentSettings(deps.publicApiUrl)));
  const pages = new Map<string, string>();

  const documentNow = async (): Promise<Json> => {
    const document = base();
    const partnership = await deps.referenceData.getPartnership().catch((error: unknown) => {
      // The document is still right without its contact: serve it, and say why the contact is missing.
      deps.logger.warn('The partnership record could not be read for the contact', {
        error: safeError(error),
      });
      return undefined;
    });
    if (!partnership) return document;
    const contact: DocumentSettings['contact'] = { name: partnership.csuName, email: partnership.csuMailbox };
    return { ...document, info: { ...(document.info as Json), contact, license: partnership.licence } };
  };

  app.get(ROUTES.openApiDocument.path, async (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(await documentNow());
  });
  app.get(ROUTES.apiReference.path, async (c) => {
    const document = await documentNow();
    const { contact, license } = document.info as Json;
    const key = JSON.stringify([contact ?? null, license ?? null]);
    let page = pages.get(key);
    if (!page) {
      page = renderDocsPage(document);
      pages.clear();
      pages.set(key, page);
    }
    c.header('Cache-Control', 'public, max-age=300');
    c.header('Content-Security-Policy', DOCS_PAGE_CSP);
    return c.html(page);
  });
  app.onError((error, c) => {
    deps.logger.error('Unhandled error', { error: safeError(error) });
    return sendProblem(c, problem('internal-error', { instance: c.req.path }));
  });
  return app;
}
