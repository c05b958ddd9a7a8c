export { getFaceEmbedder, TEMPLATE_MODEL, type CompareThresholds, type FaceEmbedder } from './embedder.js';
export { scorePictureLiveness } from './picture-liveness.js';
export { simFromCosine, TemplateMismatchError, type SimAnchors } from './similarity.js';
