// What only the edge can get wrong: a request body it cannot read. The use cases never see one.
import { errorKind } from '../shared/errors';

export class MalformedRequestError extends errorKind('malformed-request', 'The request could not be read') {}

export class PayloadTooLargeError extends errorKind('payload-too-large', 'Request body too large') {}

export class UnsupportedMediaTypeError extends errorKind(
  'unsupported-media-type',
  'Unsupported media type',
) {}
