/**
 * The whole SPEC error table in one place. Nothing else in livecheck invents codes:
 * request-level failures are thrown as ApiError(name), verification outcomes carry
 * an ErrorName and are rendered with `outcome(name)`.
 *
 * HTTP status only matters for request-level codes (the official SDKs read the JSON
 * body of non-2xx replies); verification outcomes are always code 0 / HTTP 200 with the
 * failure in data.live_status or data.compare_status.
 */

export interface ErrorDef {
  readonly code: number;
  /** UPPER_SNAKE token, used as live_msg / compare_msg for verification outcomes. */
  readonly token: string;
  readonly message: string;
  readonly http: number;
}

const def = (code: number, token: string, message: string, http = 200): ErrorDef => ({ code, token, message, http });

export const ERRORS = {
  // Request level.
  BAD_REQUEST: def(3, 'BAD_REQUEST', 'bad request', 400),
  // SPEC has no timeout code: a request that does not arrive in time is a bad request.
  REQUEST_TIMEOUT: def(3, 'REQUEST_TIMEOUT', 'request timed out', 408),
  ACCOUNT_ABNORMAL: def(3, 'ACCOUNT_ABNORMAL', 'account abnormal: this appid is disabled', 403),
  SIGNATURE_EMPTY: def(4, 'SIGNATURE_EMPTY', 'signature is empty: send the Authorization header', 401),
  SIGNATURE_MALFORMED: def(5, 'SIGNATURE_MALFORMED', 'signature is malformed', 401),
  APPID_MISMATCH: def(6, 'APPID_MISMATCH', 'appid in the signature does not match the request', 403),
  SIGNATURE_EXPIRED: def(9, 'SIGNATURE_EXPIRED', 'signature has expired', 401),
  APPID_NOT_FOUND: def(10, 'APPID_NOT_FOUND', 'appid does not exist', 403),
  SECRETID_NOT_FOUND: def(11, 'SECRETID_NOT_FOUND', 'SecretId does not exist', 403),
  APPID_SECRETID_MISMATCH: def(12, 'APPID_SECRETID_MISMATCH', 'appid and SecretId do not match', 403),
  SIGNATURE_REPLAY: def(13, 'SIGNATURE_REPLAY', 'single-use signature has already been used', 401),
  SIGNATURE_CHECK_FAILED: def(14, 'SIGNATURE_CHECK_FAILED', 'signature check failed', 401),
  RATE_LIMITED: def(15, 'RATE_LIMITED', 'rate limit exceeded for this appid, retry later', 429),
  // Same code as the rate limit so legacy clients back off and retry; documented in docs/api.md.
  SERVER_BUSY: def(15, 'SERVER_BUSY', 'server is at capacity, retry later', 503),
  TOO_MANY_UPLOADS: def(15, 'TOO_MANY_UPLOADS', 'too many uploads at once from this client address, retry later', 429),
  CHALLENGES_EXHAUSTED: def(15, 'CHALLENGES_EXHAUSTED', 'every challenge value is live or recently used for this appid, retry later', 429),
  BUCKET_NOT_FOUND: def(16, 'BUCKET_NOT_FOUND', 'bucket does not exist', 400),
  INVALID_PARAMETER: def(21, 'INVALID_PARAMETER', 'invalid parameter', 400),
  BODY_TOO_LARGE: def(23, 'BODY_TOO_LARGE', 'request body is too large', 413),
  SERVICE_NOT_ENABLED: def(24, 'SERVICE_NOT_ENABLED', 'this service is not enabled for this appid', 403),
  AUTH_UNAVAILABLE: def(107, 'AUTH_UNAVAILABLE', 'authentication service unavailable', 503),
  AUTH_UNAVAILABLE_2: def(108, 'AUTH_UNAVAILABLE', 'authentication service unavailable', 503),
  INTERNAL: def(213, 'INTERNAL_ERROR', 'internal error', 500),

  // Capture sessions (docs/api.md "Capture sessions"). The browser's bearer token reuses the
  // signature codes a client already handles: missing 4, unknown 14, expired 9, spent 13.
  CAPTURE_TOKEN_MISSING: def(4, 'CAPTURE_TOKEN_MISSING', 'capture token is missing: send Authorization: Bearer <token>', 401),
  CAPTURE_TOKEN_INVALID: def(14, 'CAPTURE_TOKEN_INVALID', 'capture token is not valid', 401),
  CAPTURE_SESSION_EXPIRED: def(9, 'CAPTURE_SESSION_EXPIRED', 'capture session has expired: the app must create a new one', 401),
  CAPTURE_SESSION_CLOSED: def(13, 'CAPTURE_SESSION_CLOSED', 'capture session is finished: its verification passed or its attempts are used', 401),
  CAPTURE_SESSION_BUSY: def(15, 'CAPTURE_SESSION_BUSY', 'a video of this capture session is being verified, wait for its answer', 409),
  // Unknown and another app's session get the same answer, so ids cannot be probed.
  CAPTURE_SESSION_NOT_FOUND: def(21, 'CAPTURE_SESSION_NOT_FOUND', 'no capture session with this id for this appid', 404),

  // Face and photo outcomes.
  VIDEO_FEATURE_FAILED: def(-4006, 'VIDEO_FEATURE_EXTRACT_FAILED', 'feature extraction failed on the video selfie'),
  VIDEO_COMPARE_FAILED: def(-4007, 'VIDEO_SELFIE_COMPARE_FAILED', 'comparison between video selfies failed'),
  CARD_FEATURE_FAILED: def(-4009, 'CARD_FEATURE_EXTRACT_FAILED', 'feature extraction failed on the card photo'),
  SIMILARITY_FAILED: def(-4010, 'SIMILARITY_COMPUTE_FAILED', 'similarity computation failed'),
  PHOTO_DECODE_FAILED: def(-4011, 'PHOTO_DECODE_FAILED', 'photo could not be decoded'),
  PHOTO_NO_FACE: def(-4012, 'PHOTO_NO_FACE', 'no face found in the photo'),
  VIDEO_NO_FACE: def(-4015, 'VIDEO_SELFIE_NO_FACE', 'no face found in the video selfie'),
  VIDEO_SELFIE_DECODE_FAILED: def(-4016, 'VIDEO_SELFIE_DECODE_FAILED', 'video selfie could not be decoded'),
  CARD_NO_FACE: def(-4017, 'CARD_NO_FACE', 'no face found in the card photo'),
  CARD_DECODE_FAILED: def(-4018, 'CARD_DECODE_FAILED', 'card photo could not be decoded'),

  // Liveness outcomes.
  VIDEO_INVALID: def(-5001, 'VIDEO_INVALID', 'not a valid video'),
  LIP_READING_FAILED: def(-5002, 'LIP_READING_FAILED', 'lip movement does not match the speech'),
  // The -5002 family also covers the challenge itself: the legacy API had no session id.
  CHALLENGE_UNKNOWN: def(-5002, 'VALIDATE_DATA_UNKNOWN', 'validate_data was not issued to this appid by livegetfour'),
  CHALLENGE_EXPIRED: def(-5002, 'VALIDATE_DATA_EXPIRED', 'validate_data has expired, call livegetfour again'),
  CHALLENGE_USED: def(-5002, 'VALIDATE_DATA_USED', 'validate_data has already been used, call livegetfour again'),
  TOO_FEW_FACES: def(-5005, 'TOO_FEW_FACES', 'too few frames with a face in the video'),
  NO_SOUND: def(-5007, 'VIDEO_NO_SOUND', 'the video has no sound'),
  DIGITS_MISMATCH: def(-5008, 'VIDEO_AUDIO_RECOG_FAILED', 'the spoken digits do not match validate_data'),
  NO_FACE_OR_MOUTH: def(-5009, 'NO_FACE_OR_MOUTH', 'no face or no mouth found in the video'),
  LIPS_STILL: def(-5010, 'LIPS_NOT_MOVING', 'lips did not move or barely opened'),
  LIVENESS_FAILED: def(-5011, 'LIVENESS_FAILED', 'liveness check failed'),
  TOO_NOISY: def(-5012, 'AUDIO_TOO_NOISY', 'the recording is too noisy'),
  TOO_QUIET: def(-5013, 'AUDIO_TOO_QUIET', 'the speech is too quiet'),
  LEVEL_INVALID: def(-5014, 'LIVENESS_LEVEL_INVALID', 'invalid liveness level parameter'),
  RESOLUTION_TOO_LOW: def(-5015, 'VIDEO_RESOLUTION_TOO_LOW', 'video resolution is below 270x480'),
  NOT_LIVE: def(-5016, 'NOT_LIVE_PERSON', 'not a live person (replay, recapture or other attack)'),

  // Identity outcomes.
  ID_FIELDS_MISSING: def(-5801, 'IDCARD_FIELDS_MISSING', 'idcard_number and idcard_name are required'),
  ID_INTERNAL: def(-5802, 'IDCARD_INTERNAL_ERROR', 'identity registry internal error'),
  ID_NAME_MISMATCH: def(-5803, 'IDCARD_NAME_MISMATCH', 'name does not match the ID number'),
  // An ID that the operator never enrolled: the registry cannot vouch for the name either.
  ID_NOT_ENROLLED: def(-5803, 'IDCARD_NOT_ENROLLED', 'this ID number is not enrolled in the identity registry'),
  ID_NUMBER_INVALID: def(-5804, 'IDCARD_NUMBER_INVALID', 'ID number is invalid (GB 11643-1999 checksum)'),
  ID_IMAGE_MISSING: def(-5805, 'IMAGE_MISSING_OR_DOWNLOAD_FAILED', 'no image was given or the URL could not be downloaded'),
} as const satisfies Record<string, ErrorDef>;

export type ErrorName = keyof typeof ERRORS;

/** A request-level failure: rendered as the envelope's `code` with its HTTP status. */
export class ApiError extends Error {
  readonly def: ErrorDef;
  constructor(readonly errorName: ErrorName, detail?: string) {
    const d = ERRORS[errorName];
    super(detail ? `${d.message}: ${detail}` : d.message);
    this.def = d;
  }
}

/** A verification outcome (status + token) as it goes into data.live_status/live_msg. */
export function outcome(name: ErrorName | 'OK'): { status: number; msg: string } {
  if (name === 'OK') return { status: 0, msg: 'OK' };
  const d = ERRORS[name];
  return { status: d.code, msg: d.token };
}
