// What the Lambda bundles have for `@smithy/core/event-streams`: nothing that works. lib/api-function.ts
// aliases the module here when it bundles a function (as it does the credential chain,
// credentials-from-env.ts). The SDK reaches it only through a dynamic `import()` in
// HttpProtocol.loadEventStreamCapability, for operations whose input or output is an event
// stream; neither DynamoDB nor SES v2 (the mailer's client) has one, yet the ~15 KB codec was in
// every bundle. Should a bundled
// client ever call one, it fails with this error, at that call, saying why. Unbundled code
// (tests, `npm start`) keeps the real module.
const unavailable = (): never => {
  throw new Error(
    '@smithy/core/event-streams is not in this bundle (lib/api-function.ts aliases it away): no operation the API calls streams events',
  );
};

/** Same names as the two exports HttpProtocol imports. */
export class EventStreamSerde {
  constructor() {
    unavailable();
  }
}

export const eventStreamSerdeProvider = (): never => unavailable();
