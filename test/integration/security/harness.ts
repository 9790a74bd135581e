import { TokenStore } from '../../../src/auth/tokens';
import { ADMIN_TOKEN, Site } from '../../helpers/site';

/** Shared by the security tests: raw HTTP, tokens of each role, a site whose log lines are kept. */

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** A request exactly as given (the Site helper always sends JSON with the admin token). */
export async function raw(site: Site, pathname: string, init: RequestInit = {}): Promise<RawResponse> {
  const res = await fetch(`${site.url}${pathname}`, init);
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** POST /graphql with a JSON body and, unless null, a bearer token. */
export function postGraphQL(site: Site, body: unknown, token: string | null = ADMIN_TOKEN, headers: Record<string, string> = {}): Promise<RawResponse> {
  return raw(site, '/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export async function createToken(site: Site, name: string, role: 'viewer' | 'admin'): Promise<string> {
  return (await new TokenStore(site.gateway.db).create(name, role)).token;
}

/** A Site like Site.start's, keeping what the gateway logs. */
export async function startSiteWithLog(env: Record<string, string> = {}): Promise<{ site: Site; log: string[] }> {
  const log: string[] = [];
  return { site: await Site.start(env, (line) => log.push(line)), log };
}

export async function auditRows(site: Site): Promise<{ actor: string; operation: string; arguments: string; outcome: string; message: string | null }[]> {
  return site.gateway.db.query('SELECT actor, operation, arguments, outcome, message FROM audit_entry ORDER BY id');
}
