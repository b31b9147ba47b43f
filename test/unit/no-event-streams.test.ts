import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as stub from '../../lambda/store/no-event-streams';

// The bundles' stand-in for @smithy/core/event-streams (see lib/api-function.ts).
const NODE_MODULES = join(__dirname, '..', '..', 'node_modules');

/** Every ES module file under a folder. */
const filesUnder = (folder: string): string[] =>
  readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });

describe('the event-stream stand-in', () => {
  it('fails, saying why, when anything tries to use it', () => {
    expect(() => new stub.EventStreamSerde()).toThrow(/not in this bundle/);
    expect(() => stub.eventStreamSerdeProvider()).toThrow(/not in this bundle/);
  });

  it('exports every name the bundled SDK imports from @smithy/core/event-streams, which it does only lazily', () => {
    const sdk = [
      '@smithy/core/dist-es',
      '@aws-sdk/core/dist-es',
      '@aws-sdk/client-dynamodb/dist-es',
      '@aws-sdk/lib-dynamodb/dist-es',
      '@aws-sdk/client-sesv2/dist-es',
    ];
    const users = sdk
      .flatMap((folder) => filesUnder(join(NODE_MODULES, folder)))
      .filter((file) => !file.includes('/submodules/event-streams/'))
      .map((file) => readFileSync(file, 'utf8'))
      .filter((source) => source.includes('@smithy/core/event-streams'));
    expect(users.length).toBeGreaterThan(0);
    for (const source of users) {
      // A static import would load the stand-in at every cold start, and fail where it is used.
      expect(source).not.toMatch(
        /(?:^|\n)\s*(?:import|export)[^;]*from\s*["']@smithy\/core\/event-streams["']/,
      );
      for (const match of source.matchAll(
        /const\s*\{([^}]*)\}\s*=\s*await import\(["']@smithy\/core\/event-streams["']\)/g,
      )) {
        const names = (match[1] ?? '')
          .split(',')
          .map((name) => name.trim().split(':')[0]?.trim())
          .filter(Boolean);
        for (const name of names) expect(Object.keys(stub)).toContain(name);
      }
    }
  });

  // Every client a bundle carries: the router's and authorizer's DynamoDB, the mailer's SES.
  it.each(['@aws-sdk/client-dynamodb', '@aws-sdk/client-sesv2'])(
    'stands in for nothing %s names: no event stream anywhere in it',
    (client) => {
      const sources = filesUnder(join(NODE_MODULES, client, 'dist-es'))
        .map((file) => readFileSync(file, 'utf8'))
        .join('\n');
      expect(sources.length).toBeGreaterThan(0);
      expect(sources).not.toMatch(/eventStream|EventStream/);
    },
  );
});
