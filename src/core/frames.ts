/** A decoded video frame or still image as packed 8-bit RGB, shared by media, vision and compare. */
export interface RgbFrame {
  width: number;
  height: number;
  /** width * height * 3 bytes, row-major RGB. */
  data: Uint8Array;
  /** Presentation time in seconds (0 for a still image). */
  t: number;
}
