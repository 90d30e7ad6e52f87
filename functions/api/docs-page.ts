/**
 * A human-readable API reference at /docs, rendered from the same OpenAPI document as /openapi.json: every
 * operation by resource, who may call it, its parameters, its request and each response with an example
 * (errors included). Plain HTML with no scripts or external assets, so it works offline and needs no
 * Content-Security-Policy holes; `<details>` folds the examples away without a line of JavaScript.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from '../domain/email-content.ts';

type Json = Record<string, unknown>;

const DOCS_STYLE = `body{font-family:Arial,sans-serif;max-width:64em;margin:2em auto;padding:0 1em;line-height:1.5;color:#0b0c0c}
section{border-top:1px solid #b1b4b6;padding-top:.5em}code{background:#f3f2f1;padding:0 .2em}small{color:#505a5f}
pre{background:#f3f2f1;padding:.5em;overflow-x:auto;max-height:24em}summary{cursor:pointer}
.method{font-weight:bold}.status{font-weight:bold;min-width:3em;display:inline-block}
a{color:#1d70b8}a:focus,summary:focus{outline:3px solid #fd0;background:#fd0}`;

/** The page's Content-Security-Policy: nothing but its own style block, by the SHA-256 of the very text. */
export const DOCS_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(DOCS_STYLE, 'utf8').digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** A schema in a line or a nested list: a named component links to its section. */
function schemaSummary(schema: unknown): string {
  if (!schema || typeof schema !== 'object') return '';
  const s = schema as Json;
  if (typeof s.$ref === 'string') {
    const name = s.$ref.split('/').pop() ?? '';
    return `<a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a>`;
  }
  if (s.type === 'array') return `array of ${schemaSummary(s.items)}`;
  if (s.type === 'object' && s.properties) {
    const required = new Set((s.required as string[] | undefined) ?? []);
    const rows = Object.entries(s.properties as Json).map(
      ([name, property]) =>
        `<li><code>${escapeHtml(name)}</code>${required.has(name) ? ' (required)' : ''}: ${schemaSummary(property)}${
          (property as Json).description ? ` — ${escapeHtml(String((property as Json).description))}` : ''
        }</li>`,
    );
    return `object<ul>${rows.join('')}</ul>`;
  }
  if (Array.isArray(s.enum))
    return `one of ${s.enum.map((v) => `<code>${escapeHtml(String(v))}</code>`).join(', ')}`;
  const choices = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(choices)) return choices.map(schemaSummary).join(' or ');
  return escapeHtml(String(s.type ?? 'value'));
}

/** The little Markdown the descriptions use (`code`, **strong**), the rest escaped. */
const inline = (text: string) =>
  escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');

/** Paragraphs and `- ` lists of a description, as HTML (inside a `<p>` the caller opens). */
const prose = (text: unknown) =>
  String(text ?? '')
    .split('\n\n')
    .map((block) => {
      const lines = block.split('\n');
      if (lines.every((line) => line.startsWith('- '))) {
        return `</p><ul>${lines.map((line) => `<li>${inline(line.slice(2))}</li>`).join('')}</ul><p>`;
      }
      return inline(block);
    })
    .join('</p><p>');

const example = (label: string, value: unknown) =>
  value === undefined
    ? ''
    : // Focusable: a long example scrolls, and a keyboard must reach it.
      `<details><summary>${escapeHtml(label)}</summary><pre tabindex="0">${escapeHtml(
        // An XML, CSV or HTML example is its text; JSON is shown indented.
        typeof value === 'string' ? value : JSON.stringify(value, null, 2),
      )}</pre></details>`;

function operationSection(path: string, method: string, operation: Json): string {
  const id = String(operation.operationId);
  const parameters = ((operation.parameters as Json[] | undefined) ?? [])
    .map(
      (p) =>
        `<li><code>${escapeHtml(String(p.name))}</code> (${escapeHtml(String(p.in))}${p.required ? ', required' : ''}): ${schemaSummary(p.schema)}${
          p.description ? ` — ${prose(p.description)}` : ''
        }${p.example !== undefined ? ` <small>e.g. <code>${escapeHtml(String(p.example))}</code></small>` : ''}</li>`,
    )
    .join('');
  const [bodyType, body] = (Object.entries(
    ((operation.requestBody as Json | undefined)?.content ?? {}) as Record<string, Json>,
  )[0] ?? []) as [string | undefined, Json | undefined];
  const responses = Object.entries((operation.responses ?? {}) as Json)
    .map(([status, response]) => {
      const r = response as Json;
      const media = Object.entries((r.content ?? {}) as Record<string, Json>);
      const [type] = media[0] ?? [];
      const schema = media.find(([, content]) => content.schema)?.[1]?.schema;
      // One example per media type: GeoReport's XML beside its JSON, a table's CSV beside its JSON.
      const examples = media
        .map(([t, content]) =>
          example(media.length > 1 ? `Example ${status} (${t})` : `Example ${status}`, content.example),
        )
        .join('');
      const headers = Object.keys((r.headers ?? {}) as Json);
      return `<li><span class="status">${escapeHtml(status)}</span> ${prose(r.description)}${
        headers.length > 0
          ? ` <small>headers: ${headers.map((h) => `<code>${escapeHtml(h)}</code>`).join(', ')}</small>`
          : ''
      }${
        type ? ` <small>${media.map(([t]) => escapeHtml(t)).join(', ')}</small>` : ''
      }${schema ? ` ${schemaSummary(schema)}` : ''}${examples}</li>`;
    })
    .join('');
  return `<section id="${escapeHtml(id)}">
<h3><span class="method">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code> <small>${escapeHtml(id)}</small></h3>
<p>${prose(operation.summary)}</p>
<p>${prose(operation.description)}</p>
${parameters ? `<h4>Parameters</h4><ul>${parameters}</ul>` : ''}
${body ? `<h4>Body (${escapeHtml(String(bodyType))})</h4>${schemaSummary(body.schema)}${example('Example request', body.example)}` : ''}
<h4>Responses</h4><ul>${responses}</ul>
</section>`;
}

/** Renders the OpenAPI document as one HTML page, operations grouped by tag in the document's order. */
export function renderDocsPage(document: Json): string {
  const info = (document.info ?? {}) as Json;
  const contact = info.contact as Json | undefined;
  const components = ((document.components as Json | undefined)?.schemas ?? {}) as Json;
  const tags = ((document.tags ?? []) as Json[]).map((tag) => String(tag.name));
  const operations = Object.entries((document.paths ?? {}) as Json).flatMap(([path, methods]) =>
    Object.entries(methods as Json).map(([method, operation]) => ({
      path,
      method,
      operation: operation as Json,
    })),
  );
  const byTag = tags.map((tag) => ({
    tag,
    description: ((document.tags as Json[]).find((t) => t.name === tag)?.description ?? '') as string,
    operations: operations.filter(({ operation }) => (operation.tags as string[] | undefined)?.[0] === tag),
  }));
  const servers = ((document.servers ?? []) as Json[])
    .map((server) => `<li><code>${escapeHtml(String(server.url))}</code> — ${prose(server.description)}</li>`)
    .join('');
  const title = escapeHtml(String(info.title ?? 'API'));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title} reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${DOCS_STYLE}</style>
</head><body>
<header><h1>${title} <small>${escapeHtml(String(info.version ?? ''))}</small></h1></header>
<main>
<p>${prose(info.description)}</p>
<p>Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI 3.1): generate a client from it.${
    contact
      ? ` Questions: ${escapeHtml(String(contact.name))}, <a href="mailto:${escapeHtml(String(contact.email))}">${escapeHtml(String(contact.email))}</a>.`
      : ''
  }</p>
<h2>Servers</h2><ul>${servers}</ul>
<nav aria-label="Operations"><h2>Operations</h2>${byTag
    .map(
      ({ tag, operations: ops }) =>
        `<h3>${escapeHtml(tag)}</h3><ul>${ops
          .map(
            ({ path, method, operation }) =>
              `<li><a href="#${escapeHtml(String(operation.operationId))}"><span class="method">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></a> ${escapeHtml(String(operation.summary ?? ''))}</li>`,
          )
          .join('')}</ul>`,
    )
    .join('')}</nav>
${byTag
  .map(
    ({ tag, description, operations: ops }) =>
      `<h2>${escapeHtml(tag)}</h2><p>${prose(description)}</p>\n${ops.map(({ path, method, operation }) => operationSection(path, method, operation)).join('\n')}`,
  )
  .join('\n')}
<h2>Schemas</h2>
${Object.entries(components)
  .map(
    ([name, schema]) =>
      `<section id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3>${schemaSummary(schema)}</section>`,
  )
  .join('\n')}
</main>
</body></html>`;
}
