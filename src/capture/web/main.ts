import { LivecheckCapture } from './element.js';

// The hosted page and an embedding app load this same module; defining twice would throw.
if (!customElements.get('livecheck-capture')) customElements.define('livecheck-capture', LivecheckCapture);
