import { describe, expect, it } from 'vitest';
import { MemoryCache } from '../../platform/cache.js';
import { ReadCache, etagOf, matchesEtag } from './read-cache.js';

describe('catalog read cache', () => {
  it('concurrent misses for one product load it once (single flight) and share one ETag', async () => {
    const cache = new ReadCache(new MemoryCache());
    let loads = 0;
    const load = async () => {
      loads += 1;
      await new Promise((r) => setTimeout(r, 20));
      return { id: 'p1', price: 100 };
    };
    const answers = await Promise.all(Array.from({ length: 25 }, () => cache.product('p1', load)));
    expect(loads).toBe(1);
    expect(new Set(answers.map((a) => a?.etag)).size).toBe(1);
    await cache.product('p1', load);
    expect(loads).toBe(1);
  });

  it('invalidation drops a product by id and slug and starts a new generation of lists', async () => {
    const cache = new ReadCache(new MemoryCache());
    let version = 1;
    const load = async () => ({ version });
    await cache.product('p1', load);
    await cache.product('slug-1', load);
    const listBefore = await cache.list('q', load);
    version = 2;
    expect(JSON.parse((await cache.product('p1', load))?.json ?? 'null').version).toBe(1);
    await cache.invalidate(['p1', 'slug-1']);
    expect(JSON.parse((await cache.product('p1', load))?.json ?? 'null').version).toBe(2);
    expect(JSON.parse((await cache.product('slug-1', load))?.json ?? 'null').version).toBe(2);
    const listAfter = await cache.list('q', load);
    expect(JSON.parse(listAfter.json).version).toBe(2);
    expect(listAfter.etag).not.toBe(listBefore.etag);
  });

  it('a load that read the product before a change is not served after the change is invalidated', async () => {
    const cache = new ReadCache(new MemoryCache());
    let version = 1;
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    // a reader loads the row as it is before the change, and is slower than the writer
    const slow = cache.product('p1', async () => {
      const read = version;
      await gate;
      return { version: read };
    });
    await new Promise((r) => setTimeout(r, 5));
    version = 2;
    await cache.invalidate(['p1']);
    // a reader arriving after the invalidation does not join the old load
    const after = cache.product('p1', async () => ({ version }));
    release();
    const versionOf = async (c: Promise<{ json: string } | null>) =>
      JSON.parse((await c)?.json ?? 'null').version;
    expect(await versionOf(slow)).toBe(1);
    expect(await versionOf(after)).toBe(2);
    expect(await versionOf(cache.product('p1', async () => ({ version })))).toBe(2);
  });

  it('a miss is remembered as null until invalidated', async () => {
    const cache = new ReadCache(new MemoryCache());
    let exists = false;
    const load = async () => (exists ? { ok: true } : null);
    expect(await cache.product('x', load)).toBeNull();
    exists = true;
    expect(await cache.product('x', load)).toBeNull();
    await cache.invalidate(['x']);
    expect(JSON.parse((await cache.product('x', load))?.json ?? 'null')).toEqual({ ok: true });
  });

  it('matches If-None-Match lists, weak tags and *', () => {
    const tag = etagOf('{"a":1}');
    expect(matchesEtag(tag, tag)).toBe(true);
    expect(matchesEtag(`"nope", W/${tag}`, tag)).toBe(true);
    expect(matchesEtag('*', tag)).toBe(true);
    expect(matchesEtag('"nope"', tag)).toBe(false);
    expect(matchesEtag(undefined, tag)).toBe(false);
  });
});
