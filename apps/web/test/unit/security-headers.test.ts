import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { devHeaders, productionHeaders } from '../../security-headers';

const nginxHeaders = () => {
  const text = readFileSync(new URL('../../nginx-security-headers.conf', import.meta.url), 'utf8');
  return Object.fromEntries(
    [...text.matchAll(/^add_header ([\w-]+) "(.*)" always;$/gm)].map((match) => [match[1], match[2]]),
  );
};

describe("the dashboard's security headers", () => {
  it('are the same in nginx (production) as in the preview server the tests drive', () => {
    expect(nginxHeaders()).toEqual(productionHeaders);
  });

  it('forbid framing, sniffing, referrers and any script that is not the bundle', () => {
    for (const headers of [productionHeaders, devHeaders]) {
      expect(headers['X-Frame-Options']).toBe('DENY');
      expect(headers['Content-Security-Policy']).toContain("frame-ancestors 'none'");
      expect(headers['Content-Security-Policy']).toContain("object-src 'none'");
      expect(headers['X-Content-Type-Options']).toBe('nosniff');
      expect(headers['Referrer-Policy']).toBe('no-referrer');
    }
    expect(productionHeaders['Content-Security-Policy']).toMatch(/script-src 'self';/);
  });

  it('are included in every nginx location that adds a header of its own (nginx would drop them there)', () => {
    const conf = readFileSync(new URL('../../nginx.conf', import.meta.url), 'utf8');
    const locations = conf.split(/\n\s*location /).slice(1);
    for (const location of locations.filter((block) => /add_header/.test(block.split('}')[0]!))) {
      expect(location.split('}')[0]).toContain('include /etc/nginx/snippets/jobdeck-security-headers.conf;');
    }
    expect(conf).toMatch(/server \{[\s\S]*?include \/etc\/nginx\/snippets\/jobdeck-security-headers\.conf;/);
  });
});
