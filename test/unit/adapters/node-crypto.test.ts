import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../../src/adapters/node/crypto';

describe('the core’s cryptography on node:crypto', () => {
  it('derives the PKCE S256 challenge as RFC 7636 Appendix B does', () => {
    expect(nodeCrypto.sha256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    const { verifier, challenge } = nodeCrypto.pkcePair();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).toBe(nodeCrypto.sha256(verifier));
  });

  it('hands out URL-safe tokens of the asked length that do not repeat', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => nodeCrypto.randomToken(32)));
    expect(tokens.size).toBe(100);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(nodeCrypto.randomToken(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('compares secrets: equal only when equal, including different lengths', () => {
    expect(nodeCrypto.safeEqual('s3cret', 's3cret')).toBe(true);
    expect(nodeCrypto.safeEqual('s3cret', 's3creT')).toBe(false);
    expect(nodeCrypto.safeEqual('s3cret', 's3cret!')).toBe(false);
    expect(nodeCrypto.safeEqual('', '')).toBe(true);
  });
});
