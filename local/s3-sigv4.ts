/**
 * Signature Version 4 as S3 checks it: the signature recomputed with
 * @smithy/signature-v4 (the SDK's own signer) from the request as it
 * arrived, and the signatures of an aws-chunked stream.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-sdk/checksums/sha';
import { ALGORITHM_IDENTIFIER, createScope, getCanonicalHeaders, SignatureV4 } from '@smithy/signature-v4';
import {
  type Authorization,
  type Credentials,
  canonicalPath,
  header,
  parseQuery,
  type WireRequest,
} from './s3-authorization.js';
import { s3Error } from './s3-errors.js';

const hex = (text: string) => Buffer.from(text, 'latin1');
const sameSignature = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(hex(a.toLowerCase()), hex(b.toLowerCase()));

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Uint8Array | string, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * The signing key of a day, region and service: four HMACs from the secret,
 * the same all day, so kept as the AWS SDKs keep theirs (the SDK's own cache
 * costs an HMAC of the credentials per look-up to name its entry). Only a
 * few are kept: a request names its own region and service.
 */
class SigningKeys {
  private readonly keys = new Map<string, Buffer>();

  constructor(private readonly secretAccessKey: string) {}

  get(shortDate: string, region: string, service: string): Buffer {
    const name = `${shortDate}/${region}/${service}`;
    let key = this.keys.get(name);
    if (!key) {
      if (this.keys.size >= 16) this.keys.clear();
      key = hmac(hmac(hmac(hmac(`AWS4${this.secretAccessKey}`, shortDate), region), service), 'aws4_request');
      this.keys.set(name, key);
    }
    return key;
  }
}

/** The SDK's signer, its canonical request and signing steps opened up to check a signature rather than make one. */
class Signer extends SignatureV4 {
  private readonly keys: SigningKeys;

  constructor(credentials: Credentials) {
    super({ service: 's3', region: 'us-east-1', credentials, sha256: Sha256, uriEscapePath: false });
    this.keys = new SigningKeys(credentials.secretAccessKey);
  }

  async requestSignature(auth: Authorization, request: WireRequest) {
    const query = parseQuery(request.query);
    const headers = Object.fromEntries(auth.signedHeaders.map((name) => [name, header(request, name) ?? '']));
    const canonical = { method: request.method, path: canonicalPath(request.path), query, headers } as Parameters<
      typeof getCanonicalHeaders
    >[0];
    const canonicalRequest = this.createCanonicalRequest(
      canonical,
      getCanonicalHeaders(canonical, undefined, new Set(auth.signedHeaders)),
      auth.payloadHash,
    );
    const shortDate = auth.longDate.slice(0, 8);
    const scope = createScope(shortDate, auth.region, auth.service);
    // The SDK's createStringToSign and signString, with Node's hashes called at once (no promise a hash) and the
    // signing key kept for the day.
    const stringToSign = `${ALGORITHM_IDENTIFIER}\n${auth.longDate}\n${scope}\n${sha256(canonicalRequest)}`;
    const signature = createHmac('sha256', this.keys.get(shortDate, auth.region, auth.service))
      .update(stringToSign)
      .digest('hex');
    return { signature, stringToSign, canonicalRequest };
  }
}

/** Checks signatures made with one set of credentials, as S3 checks them. */
export class SignatureCheck {
  private readonly signer: Signer;

  constructor(readonly credentials: Credentials) {
    this.signer = new Signer(credentials);
  }

  /** The request's signature, recomputed; a mismatch is SignatureDoesNotMatch with what S3 would show to debug it. */
  async verifyRequest(auth: Authorization, request: WireRequest): Promise<void> {
    const expected = await this.signer.requestSignature(auth, request);
    if (sameSignature(expected.signature, auth.signature)) return;
    throw s3Error(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      {
        AWSAccessKeyId: auth.accessKeyId,
        StringToSign: expected.stringToSign,
        SignatureProvided: auth.signature,
        CanonicalRequest: expected.canonicalRequest,
      },
    );
  }

  /**
   * A signed aws-chunked stream: each chunk signed over the one before it,
   * from the request's own signature; then its trailer, if any.
   */
  async verifyChunks(
    auth: Authorization,
    chunks: { data: Buffer; signature?: string }[],
    trailer?: { text: string; signature?: string },
  ): Promise<void> {
    const scope = createScope(auth.longDate.slice(0, 8), auth.region, auth.service);
    const options = { signingDate: auth.signingDate, signingRegion: auth.region, signingService: auth.service };
    let previous = auth.signature;
    for (const [index, chunk] of chunks.entries()) {
      const expected = await this.signer.sign(
        { headers: new Uint8Array(0), payload: chunk.data },
        { ...options, priorSignature: previous },
      );
      if (!chunk.signature || !sameSignature(expected, chunk.signature)) {
        throw s3Error(
          'SignatureDoesNotMatch',
          `The signature of chunk ${index + 1} does not match the one we calculated.`,
          {
            AWSAccessKeyId: auth.accessKeyId,
          },
        );
      }
      previous = expected;
    }
    if (!trailer) return;
    const toSign = ['AWS4-HMAC-SHA256-TRAILER', auth.longDate, scope, previous, sha256(trailer.text)].join('\n');
    const expected = await this.signer.sign(toSign, options);
    if (!trailer.signature || !sameSignature(expected, trailer.signature)) {
      throw s3Error(
        'SignatureDoesNotMatch',
        'The signature of the trailing headers does not match the one we calculated.',
      );
    }
  }
}

export { sha256 };
