/**
 * Middleware every Hono app of ours runs first (the API, its documentation, the web front doors): the
 * security headers and the per-request log context. Its own module, so an app imports it without the API's
 * routes.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareHandler } from 'hono';

/**
 * Headers every response carries, whatever answered it (a route, an error, CORS): no MIME sniffing, HTTPS
 * only, never framed, no referrer, a Content-Security-Policy that allows nothing (JSON needs nothing; the
 * HTML pages set their own, narrower one), and `no-store` unless a route chose to let a response be cached:
 * responses carry personal data and status tokens, and no shared cache may keep them.
 */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const headers = c.res.headers;
    headers.set('X-Content-Type-Options', 'nosniff');
    headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    headers.set('X-Frame-Options', 'DENY');
    if (!headers.has('Referrer-Policy')) headers.set('Referrer-Policy', 'no-referrer');
    if (!headers.has('Content-Security-Policy')) {
      headers.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    }
    if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
  };
}

/**
 * A correlation id for every request (the caller's, when it sends a sane one), a per-request child logger,
 * and one access-log line with the route template, never the URL: status tokens travel in query strings and
 * references in paths.
 */
export function requestLog<E extends { Variables: { log: Logger; correlationId: string } }>(
  logger: Logger,
): MiddlewareHandler<E> {
  return async (c, next) => {
    const supplied = c.req.header('x-correlation-id');
    const correlationId = supplied && /^[\w-]{1,64}$/.test(supplied) ? supplied : randomUUID();
    const log = logger.createChild({ persistentKeys: { correlationId } });
    c.set('correlationId', correlationId);
    c.set('log', log);
    const started = performance.now();
    await next();
    c.header('X-Correlation-Id', correlationId);
    log.info('Request completed', {
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      durationMs: Math.round(performance.now() - started),
    });
  };
}
