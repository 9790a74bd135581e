import crypto, { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { bearerToken } from '../../../src/auth/authenticate';
import { BOOTSTRAP_NAME, bootstrapNotice, ensureBootstrapAdmin } from '../../../src/auth/bootstrap';
import { tokenAuthenticator } from '../../../src/auth/token-authenticator';
import { TokenStore, generateToken, hashToken, looksLikeToken, sameHash } from '../../../src/auth/tokens';
import { openDatabase } from '../../../src/db/data-source';
import { runTokenCommand } from '../../../src/token-cli';

describe('token hashing and comparison', () => {
  test('a new token is dfg_ and 32 random bytes in base64url, different every time', () => {
    const tokens = new Set(Array.from({ length: 200 }, generateToken));
    expect(tokens.size).toBe(200);
    for (const t of tokens) {
      expect(t).toMatch(/^dfg_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(t.slice(4), 'base64url')).toHaveLength(32);
      expect(looksLikeToken(t)).toBe(true);
    }
  });

  test('what is stored is the SHA-256 hex of the token, and never the token', () => {
    const token = generateToken();
    expect(hashToken(token)).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toContain(token.slice(4, 20));
    expect(hashToken(token + 'x')).not.toBe(hashToken(token));
  });

  test('hashes are compared with crypto.timingSafeEqual, and malformed ones never match', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    const h = hashToken(generateToken());
    expect(sameHash(h, h)).toBe(true);
    expect(spy).toHaveBeenCalled();
    const flipped = (h[0] === 'a' ? 'b' : 'a') + h.slice(1);
    expect(sameHash(h, flipped)).toBe(false);
    expect(sameHash(h, h.slice(0, 62))).toBe(false);
    expect(sameHash(h, '')).toBe(false);
    expect(sameHash('zz'.repeat(32), 'zz'.repeat(32))).toBe(false);
    spy.mockRestore();
  });

  test('only tokens of the gateway\'s own shape are looked up', () => {
    for (const bad of ['', 'dfg_', 'dfg_short', `DFG_${'a'.repeat(43)}`, `dfg_${'a'.repeat(42)}=`, `dfg_${'a'.repeat(44)}`, `dfg_${'a'.repeat(42)}"`]) {
      expect(looksLikeToken(bad)).toBe(false);
    }
  });

  test('the Authorization header must be exactly "Bearer <token>" with printable ASCII', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    for (const bad of [undefined, '', 'Bearer', 'Bearer ', 'bearer abc', 'Basic abc', 'Bearer a b', 'Bearer a\nb', `Bearer ${'a'.repeat(513)}`, 'Bearer é']) {
      expect(bearerToken(bad)).toBeNull();
    }
  });
});

describe('the token store on a real SQLite file', () => {
  let dir: string;
  let db: DataSource;
  let store: TokenStore;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gw-tokens-'));
    db = await openDatabase({ url: `sqlite:${path.join(dir, 'gateway.db')}` });
    store = new TokenStore(db);
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  test('keeps only the hash: no column of the row holds the token or a part of it', async () => {
    const { token } = await store.create('ci', 'viewer');
    const rows = await db.query('SELECT * FROM api_token');
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toBe(hashToken(token));
    expect(JSON.stringify(rows)).not.toContain(token.slice(4, 16));
  });

  test('finds an active token, and no longer finds it once revoked', async () => {
    const { token } = await store.create('ci', 'viewer');
    expect((await store.findActive(token))?.name).toBe('ci');
    expect(await store.findActive(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))).toBeNull();
    await store.revoke('ci');
    expect(await store.findActive(token)).toBeNull();
    await expect(store.revoke('ci')).rejects.toThrow(/revoked already/);
  });

  test('refuses names that are not plain identifiers, unknown roles and taken names (revoked ones too)', async () => {
    await expect(store.create('a b', 'viewer')).rejects.toThrow(/plain identifier/);
    await expect(store.create('ci"', 'viewer')).rejects.toThrow(/plain identifier/);
    await expect(store.create('ci', 'root')).rejects.toThrow(/role/);
    await store.create('ci', 'viewer');
    await expect(store.create('ci', 'admin')).rejects.toThrow(/exists already/);
    await store.revoke('ci');
    await expect(store.create('ci', 'admin')).rejects.toThrow(/exists already/);
  });

  test('the authenticator accepts GATEWAY_ADMIN_TOKEN and active tokens with their roles, nothing else', async () => {
    const viewer = await store.create('grafana', 'viewer');
    const admin = await store.create('ops', 'admin');
    const auth = tokenAuthenticator(db, 'env-admin-secret');
    expect(await auth.authenticate('env-admin-secret')).toEqual({ name: 'admin (GATEWAY_ADMIN_TOKEN)', role: 'admin' });
    expect(await auth.authenticate(viewer.token)).toEqual({ name: 'grafana', role: 'viewer' });
    expect(await auth.authenticate(admin.token)).toEqual({ name: 'ops', role: 'admin' });
    expect(await auth.authenticate(null)).toBeNull();
    expect(await auth.authenticate('env-admin-secre')).toBeNull();
    expect(await auth.authenticate(hashToken(admin.token))).toBeNull();
    await store.revoke('ops');
    expect(await auth.authenticate(admin.token)).toBeNull();
    // last use is recorded (at most once a minute)
    const [row] = await db.query(`SELECT last_used_at FROM api_token WHERE name = 'grafana'`);
    expect(row.last_used_at).not.toBeNull();
  });

  test('bootstrap: creates one admin when none is configured, prints it once, and never again', async () => {
    expect(await ensureBootstrapAdmin(db, 'from-env')).toBeNull();
    await store.create('viewer-only', 'viewer');
    const created = await ensureBootstrapAdmin(db, null);
    expect(created).toMatchObject({ name: BOOTSTRAP_NAME, role: 'admin' });
    expect(bootstrapNotice(created!)).toContain(`ADMIN TOKEN: ${created!.token}`);
    expect(await ensureBootstrapAdmin(db, null)).toBeNull();
    expect((await db.query('SELECT name, role, token_hash FROM api_token ORDER BY id'))[1]).toEqual({
      name: BOOTSTRAP_NAME,
      role: 'admin',
      token_hash: hashToken(created!.token),
    });
    // Once the only admin is revoked, the next start makes another under a new name.
    await store.revoke(BOOTSTRAP_NAME);
    expect((await ensureBootstrapAdmin(db, null))?.name).toBe(`${BOOTSTRAP_NAME}-2`);
  });

  test('npm run token: create prints the token once on stdout, list shows no secret, revoke takes it away', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    expect(await runTokenCommand(['create', '--role', 'viewer', '--name', 'ci'], db, io)).toBe(0);
    expect(out).toHaveLength(1);
    const token = out[0];
    expect(looksLikeToken(token)).toBe(true);
    expect((await store.findActive(token))?.role).toBe('viewer');

    out.length = 0;
    expect(await runTokenCommand(['list'], db, io)).toBe(0);
    expect(out.join('\n')).toMatch(/^NAME\s+ROLE\s+CREATED\s+LAST USED\s+REVOKED\nci\s+viewer\s+\S+Z\s+-\s+active$/);
    expect(out.join('\n')).not.toContain(token.slice(4, 16));

    out.length = 0;
    expect(await runTokenCommand(['revoke', '--name=ci'], db, io)).toBe(0);
    expect(await store.findActive(token)).toBeNull();
    expect(await runTokenCommand(['revoke', '--name', 'ci'], db, io)).toBe(1);
    expect(await runTokenCommand(['create', '--name', 'x'], db, io)).toBe(2);
    expect(await runTokenCommand(['create', '--name', 'x', '--role', 'superuser'], db, io)).toBe(1);
    expect(await runTokenCommand(['frobnicate'], db, io)).toBe(2);
    expect(await runTokenCommand(['create', '--bogus', 'x'], db, io)).toBe(2);
  });
});
