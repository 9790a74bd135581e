import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { RequestHandler } from 'express';

/** What the headers pane shows on a first visit: the one header every request needs. ASCII only: fetch() throws on
 * header values outside ISO-8859-1, so no ellipsis. */
const HEADERS_HINT = JSON.stringify({ Authorization: 'Bearer dfg_...' }, null, 2);

const DEFAULT_QUERY = `# Put your token into the Headers pane below ("Bearer dfg_..." becomes "Bearer <your token>"),
# then run this query. The schema (the book icon on the left) loads with the token too:
# after changing it, press the re-fetch icon (the two arrows) at the bottom left.
{
  servers {
    name
    address
    failoverRelationships { name status }
  }
}
`;

/**
 * The browser may reach nothing but this origin, whatever the page's code tries: scripts and styles are
 * inline in the page, Monaco's workers are blob: URLs made from inline source, images are data: URIs.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'unsafe-inline' blob:",
  "worker-src blob:",
  "style-src 'unsafe-inline'",
  'img-src data:',
  'font-src data:',
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Page {
  html: Buffer;
  gzip: Buffer;
  etag: string;
}

let page: Page | undefined;

/**
 * Rendered on the first visit, not at startup: the page is 9 MB (2.4 MB gzipped) and gzip takes ~0.2 s. The
 * module is loaded then too: parsing its 10 MB of inline scripts costs the process 60 MB of memory, which a
 * service whose explorer nobody opens (production, by default) never needs.
 */
function renderPage(): Page {
  if (!page) {
    const { renderGraphiQL } = require('@graphql-yoga/render-graphiql') as typeof import('@graphql-yoga/render-graphiql');
    const html = Buffer.from(
      renderGraphiQL({
        title: 'dhcp-failover-gateway',
        endpoint: '/graphql',
        headers: HEADERS_HINT,
        defaultQuery: DEFAULT_QUERY,
        // The token stays in this browser tab; GraphiQL would otherwise keep it in localStorage.
        shouldPersistHeaders: false,
        defaultEditorToolsVisibility: 'headers',
        // POST with application/json only: Apollo's CSRF prevention refuses the GETs it would send for queries.
        method: 'POST',
        useGETForQueries: false,
      }),
    );
    page = { html, gzip: gzipSync(html), etag: `"${createHash('sha256').update(html).digest('base64url')}"` };
  }
  return page;
}

/**
 * GraphiQL (@graphql-yoga/render-graphiql, MIT: one HTML page with every asset inline) for a browser's
 * `GET /graphql`. It is served without a token; every request it sends needs one, set in its headers pane.
 * Anything that does not prefer HTML (a GraphQL GET, curl) goes on to Apollo.
 */
export function graphiql(): RequestHandler {
  return (req, res, next) => {
    if (req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) !== 'text/html') return next();
    const { html, gzip, etag } = renderPage();
    res.set({ 'content-security-policy': CONTENT_SECURITY_POLICY, 'cache-control': 'no-cache', etag, vary: 'Accept, Accept-Encoding' });
    if (req.fresh) return void res.status(304).end();
    res.type('html');
    if (req.acceptsEncodings('gzip', 'identity') === 'gzip') res.set('content-encoding', 'gzip').send(gzip);
    else res.send(html);
  };
}
