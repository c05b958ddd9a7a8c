import type { VideoAnswer } from './video-verification.js';

const base64 = (jpeg: Uint8Array | undefined): string => (jpeg ? Buffer.from(jpeg).toString('base64') : '');

/** livedetectfour's data: compare fields only when a comparison was asked for, `photo` with a sim. */
export function liveDetectFourData(a: VideoAnswer, seq: string | undefined): Record<string, unknown> {
  const data: Record<string, unknown> = { live_status: a.live.status, live_msg: a.live.msg };
  if (a.compare) {
    data.compare_status = a.compare.status;
    data.compare_msg = a.compare.msg;
    if (a.compare.status === 0) {
      data.sim = Math.round(a.compare.sim ?? 0);
      data.photo = base64(a.photoJpeg);
    }
  }
  if (seq !== undefined) data.seq = seq;
  data.details = a.details;
  return data;
}

/** idcardlivedetectfour's data: compare fields always, the photo under its legacy name `video_photo`. */
export function idcardLiveDetectFourData(a: VideoAnswer, seq: string | undefined): Record<string, unknown> {
  const compare = a.compare ?? a.live;
  const data: Record<string, unknown> = {
    live_status: a.live.status,
    live_msg: a.live.msg,
    compare_status: compare.status,
    compare_msg: compare.msg,
  };
  if (compare.status === 0) {
    data.sim = Math.round(a.compare?.sim ?? 0);
    data.video_photo = base64(a.photoJpeg);
  }
  if (seq !== undefined) data.seq = seq;
  data.details = a.details;
  return data;
}
