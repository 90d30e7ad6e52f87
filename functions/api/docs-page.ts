/**
 * A human-readable API reference at /docs, rendered from the same OpenAPI document as /openapi.json. Plain
 * HTML with no scripts or external assets, so it works offline and needs no Content-Security-Policy holes.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from '../domain/email-content.ts';

type Json = Record<string, unknown>;

function schemaSummary(schema: unknown, components: Json): string {
  if (!schema || typeof schema !== 'object') return '';
  const s = schema as Json;
  if (typeof s.$ref === 'string') {
    const name = s.$ref.split('/').pop() ?? '';
    return `<a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a>`;
  }
  if (s.type === 'array') return `array of ${schemaSummary(s.items, components)}`;
  if (s.type === 'object' && s.properties) {
    const required = new Set((s.required as string[] | undefined) ?? []);
    const rows = Object.entries(s.properties as Json).map(
      ([name, property]) =>
        `<li><code>${escapeHtml(name)}</code>${required.has(name) ? ' (required)' : ''}: ${schemaSummary(property, components)}${
          (property as Json).description ? ` — ${escapeHtml(String((property as Json).description))}` : ''
        }</li>`,
    );
    return `object<ul>${rows.join('')}</ul>`;
  }
  if (Array.isArray(s.enum))
    return `one of ${s.enum.map((v) => `<code>${escapeHtml(String(v))}</code>`).join(', ')}`;
  return escapeHtml(String(s.type ?? 'value'));
}

/** Renders the OpenAPI document as one HTML page. */
const DOCS_STYLE = `body{font-family:Arial,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.5;color:#0b0c0c}
section{border-top:1px solid #b1b4b6;padding-top:.5em}code{background:#f3f2f1;padding:0 .2em}small{color:#505a5f}`;

/** The page's Content-Security-Policy: nothing but its own style block, by the SHA-256 of the very text. */
export const DOCS_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(DOCS_STYLE, 'utf8').digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function renderDocsPage(document: Json): string {
  const info = (document.info ?? {}) as Json;
  const components = ((document.components as Json | undefined)?.schemas ?? {}) as Json;
  const operations = Object.entries((document.paths ?? {}) as Json).flatMap(([path, methods]) =>
    Object.entries(methods as Json).map(([method, operation]) => ({
      path,
      method,
      operation: operation as Json,
    })),
  );
  const sections = operations.map(({ path, method, operation }) => {
    const parameters = ((operation.parameters as Json[] | undefined) ?? [])
      .map(
        (p) =>
          `<li><code>${escapeHtml(String(p.name))}</code> (${escapeHtml(String(p.in))})${p.required ? ', required' : ''}</li>`,
      )
      .join('');
    const body = ((operation.requestBody as Json | undefined)?.content as Json | undefined)?.[
      'application/json'
    ] as Json | undefined;
    const responses = Object.entries((operation.responses ?? {}) as Json)
      .map(
        ([status, response]) =>
          `<li><strong>${escapeHtml(status)}</strong> ${escapeHtml(String((response as Json).description ?? ''))}</li>`,
      )
      .join('');
    const staff = Array.isArray(operation.security) && operation.security.length > 0;
    return `<section id="${escapeHtml(`${method}-${path}`)}">
<h2><code>${escapeHtml(method.toUpperCase())} ${escapeHtml(path)}</code>${staff ? ' <small>(staff token)</small>' : ''}</h2>
<p>${escapeHtml(String(operation.summary ?? ''))}</p>
${parameters ? `<h3>Parameters</h3><ul>${parameters}</ul>` : ''}
${body ? `<h3>Body (application/json)</h3>${schemaSummary(body.schema, components)}` : ''}
<h3>Responses</h3><ul>${responses}</ul>
</section>`;
  });
  const schemas = Object.entries(components).map(
    ([name, schema]) =>
      `<section id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3>${schemaSummary(schema, components)}</section>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(String(info.title ?? 'API'))}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${DOCS_STYLE}</style>
</head><body>
<h1>${escapeHtml(String(info.title ?? 'API'))} <small>${escapeHtml(String(info.version ?? ''))}</small></h1>
<p>${escapeHtml(String(info.description ?? ''))}</p>
<p>Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI 3.1).</p>
<nav><ul>${operations
    .map(
      ({ path, method }) =>
        `<li><a href="#${escapeHtml(`${method}-${path}`)}"><code>${escapeHtml(method.toUpperCase())} ${escapeHtml(path)}</code></a></li>`,
    )
    .join('')}</ul></nav>
${sections.join('\n')}
<h2>Schemas</h2>
${schemas.join('\n')}
</body></html>`;
}
