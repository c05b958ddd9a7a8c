import { CaptureApi, NetworkError, ServiceError, type Hint, type SessionView } from './api.js';
import { el, sleep } from './dom.js';
import { Guidance, type Guide } from './guidance.js';
import { CameraError, openCamera, record, recordingFormat, stopCamera, type CameraProblem } from './media.js';
import { pickLang, translator, type Lang, type StringKey, type Translate } from './strings.js';
import { CSS } from './styles.js';
import { VOICE_TAIL } from './voice-tail.js';

const COUNTDOWN_FROM = 3;
const GUIDE_EVERY_MS = 700;
/** Envelope codes that end the flow: the token is unknown (14), expired (9) or spent (13). */
const FINAL_CODES: Record<number, SessionView['state'] | 'invalid'> = { 14: 'invalid', 9: 'expired', 13: 'failed' };

interface Action {
  id: string;
  label: StringKey;
  secondary?: boolean;
  /** A link (the app's redirect) rather than a button. */
  href?: string;
}

interface Screen {
  heading: StringKey;
  icon?: 'ok' | 'bad' | 'info';
  text?: string[];
  list?: StringKey[];
  actions?: Action[];
  /** The camera preview stays visible above the panel. */
  stage?: boolean;
}

/** The recording was discarded: the page went to the background or the phone was turned. */
class Interrupted extends Error {
  constructor(readonly why: 'hidden' | 'rotated') {
    super(why);
  }
}

/** The flow has reached a screen it does not leave (result, expired or invalid link). */
class FlowEnded extends Error {}

const LANDSCAPE_PHONE = '(orientation: landscape) and (max-height: 500px) and (pointer: coarse)';

/**
 * <livecheck-capture token="..." lang="en">: the whole capture flow of one session. The hosted
 * page is this element with `token-from="hash"` (the token in the URL fragment); an app can
 * embed the same element in its own page with `token` set. Fires `livecheck-finished`
 * (detail: { state }) when the session reaches its end; the result itself only ever goes to
 * the app's backend.
 */
export class LivecheckCapture extends HTMLElement {
  private readonly root: ShadowRoot;
  private readonly stage: HTMLDivElement;
  private readonly video: HTMLVideoElement;
  private readonly overlay: HTMLDivElement;
  private readonly bar: HTMLDivElement;
  private readonly panel: HTMLElement;
  private readonly live: HTMLParagraphElement;
  private readonly alert: HTMLParagraphElement;
  private t: Translate = translator('zh-CN');
  private redirect: string | null = null;
  private started = false;
  private stream: MediaStream | null = null;
  private langChoice: string | null = null;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.video = el('video', { muted: true, playsinline: true, autoplay: true, 'aria-hidden': 'true' });
    this.video.muted = true;
    this.overlay = el('div', { class: 'overlay' });
    this.bar = el('div');
    this.stage = el('div', { class: 'stage', hidden: true }, this.video, el('div', { class: 'oval' }), this.overlay);
    this.panel = el('section', { class: 'panel' });
    this.live = el('p', { class: 'sr', role: 'status', 'aria-live': 'polite' });
    this.alert = el('p', { class: 'sr', role: 'alert', 'aria-live': 'assertive' });
    const rotate = el('div', { class: 'rotate', 'aria-hidden': 'true' }, el('div', { class: 'phone' }), el('h2', { class: 'rotate-heading' }), el('p', { class: 'rotate-body' }));
    this.root.append(this.stage, this.panel, this.live, this.alert, rotate);
    adoptStyles(this.root);
  }

  connectedCallback(): void {
    if (this.started) return;
    this.started = true;
    const token = this.getAttribute('token-from') === 'hash' ? new URLSearchParams(location.hash.slice(1)).get('token') : this.getAttribute('token');
    // The embedding page's choice wins over the session's; useLang rewrites the attribute.
    this.langChoice = this.getAttribute('lang');
    this.useLang(pickLang(this.langChoice, navigator.language));
    this.watchOrientation();
    void this.run(token ?? '');
  }

  /** An app that removes the element must not leave the camera on. */
  disconnectedCallback(): void {
    this.showStage(null);
  }

  private useLang(lang: Lang): void {
    this.t = translator(lang);
    this.setAttribute('lang', lang);
    if (this.getAttribute('token-from') === 'hash') {
      document.documentElement.lang = lang;
      document.title = this.t('title');
    }
    const rotate = this.root.querySelector('.rotate');
    rotate?.querySelector('.rotate-heading')?.replaceChildren(this.t('rotateHeading'));
    rotate?.querySelector('.rotate-body')?.replaceChildren(this.t('rotateBody'));
  }

  private async run(token: string): Promise<void> {
    const api = new CaptureApi(new URL('./', import.meta.url), token);
    this.show({ heading: 'loading' });
    try {
      let view = await api.session();
      this.useLang(pickLang(this.langChoice, view.lang));
      this.redirect = view.redirect_url;
      // Reopened while a video of this session is being verified (a reload, a second tab).
      while (view.state === 'verifying') {
        this.show({ heading: 'verifyingHeading', text: [this.t('verifying')] });
        await sleep(2000);
        view = await api.session();
      }
      if (view.state !== 'pending') return this.finish(view.state, view.last?.hint ?? null);
      await this.choose({ heading: 'introHeading', text: [this.t('introBody')], list: ['tipLight', 'tipUpright', 'tipFace'], actions: [{ id: 'go', label: 'start' }] });
      for (;;) {
        const after = await this.attempt(api);
        if (after.state !== 'pending') return this.finish(after.state, after.last?.hint ?? null);
        const left = after.attempts_left === 1 ? this.t('attemptLeft') : this.t('attemptsLeft', { n: after.attempts_left });
        await this.choose({ heading: 'retryHeading', icon: 'info', text: [this.t(hintKey(after.last?.hint ?? 'other')), left], actions: [{ id: 'go', label: 'tryAgain' }] });
      }
    } catch (err) {
      if (err instanceof FlowEnded) return;
      if (err instanceof ServiceError && err.code in FINAL_CODES) {
        const state = FINAL_CODES[err.code];
        return state === 'invalid' ? this.end({ heading: 'invalidHeading', icon: 'bad', text: [this.t('invalidBody')] }) : this.finish(state, null);
      }
      // Reading the session failed (the attempt loop handles its own errors): start over.
      await this.choose({ heading: 'errorHeading', icon: 'bad', text: [this.t(err instanceof NetworkError ? 'uploadFailedBody' : 'errorBody')], actions: [{ id: 'go', label: 'tryAgain' }] });
      return this.run(token);
    }
  }

  /** One recorded and verified video; interruptions and failures before the verification cost no attempt. */
  private async attempt(api: CaptureApi): Promise<SessionView> {
    for (;;) {
      try {
        const stream = await this.openCamera();
        await this.position(stream);
        const { validate_data: digits } = await api.challenge();
        await this.countdown();
        const video = await this.recordDigits(stream, digits);
        this.showStage(null);
        return await this.send(api, video);
      } catch (err) {
        if (err instanceof FlowEnded || (err instanceof ServiceError && err.code in FINAL_CODES)) throw err;
        const text = err instanceof Interrupted ? (err.why === 'hidden' ? 'interruptedHidden' : 'interruptedRotated') : err instanceof NetworkError ? 'uploadFailedBody' : 'errorBody';
        await this.choose({ heading: err instanceof Interrupted ? 'interruptedHeading' : 'errorHeading', icon: 'bad', text: [this.t(text)], actions: [{ id: 'go', label: 'tryAgain' }] });
      } finally {
        this.showStage(null);
      }
    }
  }

  private async openCamera(): Promise<MediaStream> {
    for (;;) {
      this.show({ heading: 'positionHeading', text: [this.t('cameraAsking')] });
      try {
        return await openCamera();
      } catch (err) {
        if (!(err instanceof CameraError)) throw err;
        const screen = cameraScreen(err.problem, this.t);
        if (!screen.actions) {
          this.end(screen);
          throw new FlowEnded();
        }
        await this.choose(screen);
      }
    }
  }

  private async position(stream: MediaStream): Promise<void> {
    this.showStage(stream);
    const guide = el('p', { class: 'guide', 'aria-live': 'polite' });
    const chosen = this.choose({ heading: 'positionHeading', text: [this.t('positionHint')], actions: [{ id: 'go', label: 'ready' }], stage: true }, guide);
    const guidance = new Guidance(this.video);
    let shown: Guide | null = null;
    let pending: Guide | null = null;
    let done = false;
    void chosen.then(() => (done = true));
    while (!done) {
      const g = await guidance.check();
      // Changed advice is shown once it holds for two checks, so a flicker is not announced.
      if (g === pending && g !== shown) guide.textContent = (shown = g) ? this.t(g) : '';
      pending = g;
      await Promise.race([chosen, sleep(GUIDE_EVERY_MS)]);
    }
    guidance.stop();
  }

  private async countdown(): Promise<void> {
    this.show({ heading: 'countdownHeading', stage: true });
    for (let n = COUNTDOWN_FROM; n > 0; n--) {
      this.overlay.replaceChildren(el('div', { class: 'count', 'aria-hidden': 'true' }, String(n)));
      this.live.textContent = this.t('countdown', { n });
      await sleep(1000);
    }
  }

  private async recordDigits(stream: MediaStream, digits: string): Promise<Blob> {
    const abort = new AbortController();
    const landscape = matchMedia(LANDSCAPE_PHONE);
    const onHidden = (): void => {
      if (document.hidden) abort.abort(new Interrupted('hidden'));
    };
    const onRotate = (): void => {
      if (landscape.matches) abort.abort(new Interrupted('rotated'));
    };
    document.addEventListener('visibilitychange', onHidden);
    landscape.addEventListener('change', onRotate);
    onHidden();
    onRotate();
    this.show({ heading: 'readHeading', stage: true });
    this.stage.classList.add('recording');
    this.bar.style.width = '0';
    this.overlay.replaceChildren(el('div', { class: 'digits', 'aria-hidden': 'true' }, digits), el('div', { class: 'rec' }, this.t('rec')), el('div', { class: 'bar' }, this.bar));
    this.live.textContent = this.t('digitsAnnounce', { digits: [...digits].join(' ') });
    // Width through the CSSOM (CSP allows it); the stylesheet smooths the steps unless reduced motion is asked for.
    const started = performance.now();
    const tick = setInterval(() => {
      this.bar.style.width = `${Math.min(100, ((performance.now() - started) / VOICE_TAIL.plannedMs) * 100)}%`;
    }, 250);
    try {
      if (abort.signal.aborted) throw abort.signal.reason as Interrupted;
      return await record(stream, abort.signal);
    } catch (err) {
      throw abort.signal.aborted ? (abort.signal.reason as Interrupted) : err;
    } finally {
      document.removeEventListener('visibilitychange', onHidden);
      landscape.removeEventListener('change', onRotate);
      clearInterval(tick);
      this.stage.classList.remove('recording');
      this.overlay.replaceChildren();
    }
  }

  /** Uploads until it gets through or fails for a reason sending again cannot fix. */
  private async send(api: CaptureApi, video: Blob): Promise<SessionView> {
    const name = `capture.${recordingFormat()?.extension ?? 'webm'}`;
    for (;;) {
      if (!navigator.onLine) {
        await this.choose({ heading: 'uploadFailedHeading', icon: 'bad', text: [this.t('offlineBody')], actions: [{ id: 'go', label: 'sendAgain' }] });
        continue;
      }
      const progress = el('progress', { max: '100', value: '0', 'aria-label': this.t('uploadingHeading') });
      const sent = el('p', {});
      const slow = el('p', { class: 'guide', 'aria-live': 'polite' });
      this.show({ heading: 'uploadingHeading' }, progress, sent, slow);
      try {
        return await api.upload(video, name, {
          progress: (f) => {
            progress.value = Math.round(f * 100);
            sent.textContent = this.t('uploading', { p: Math.round(f * 100) });
          },
          slow: () => {
            slow.textContent = this.t('slow');
          },
          sent: () => this.show({ heading: 'verifyingHeading', text: [this.t('verifying')] }),
        });
      } catch (err) {
        if (err instanceof NetworkError) {
          await this.choose({ heading: 'uploadFailedHeading', icon: 'bad', text: [this.t('uploadFailedBody')], actions: [{ id: 'go', label: 'sendAgain' }] });
        } else if (err instanceof ServiceError && err.code === 15) {
          // The server gave the attempt and the digits back: the same video can go again.
          await this.choose({ heading: 'serverBusyHeading', icon: 'info', text: [this.t('serverBusyBody')], actions: [{ id: 'go', label: 'sendAgain' }] });
        } else {
          throw err;
        }
      }
    }
  }

  private finish(state: SessionView['state'], hint: Hint | null): void {
    if (state === 'passed') this.end({ heading: 'passedHeading', icon: 'ok', text: [this.t('passedBody')] }, 'continue');
    else if (state === 'expired') this.end({ heading: 'expiredHeading', icon: 'bad', text: [this.t('expiredBody')] });
    else if (hint) this.end({ heading: 'failedHeading', icon: 'bad', text: [this.t('failedBody')] }, 'continue');
    else this.end({ heading: 'closedHeading', icon: 'info', text: [this.t('closedBody')] }, 'continue');
    this.dispatchEvent(new CustomEvent('livecheck-finished', { detail: { state }, bubbles: true, composed: true }));
  }

  /** A screen the flow does not leave; the way on is the app's redirect, when it gave one. */
  private end(screen: Screen, label: StringKey = 'back'): void {
    this.showStage(null);
    this.show({ ...screen, actions: this.redirect ? [{ id: 'back', label, href: this.redirect }] : [] });
  }

  private choose(screen: Screen, ...extra: Node[]): Promise<string> {
    return new Promise((resolve) => {
      const buttons = this.show(screen, ...extra);
      for (const b of buttons) b.addEventListener('click', () => resolve(b.dataset.id ?? ''), { once: true });
    });
  }

  /** Renders the panel, announces its text and puts the keyboard on its first action. */
  private show(screen: Screen, ...extra: Node[]): HTMLElement[] {
    if (!screen.stage) this.showStage(null);
    const icon = screen.icon && el('span', { class: `icon ${screen.icon}`, 'aria-hidden': 'true' }, screen.icon === 'ok' ? '\u2713' : screen.icon === 'bad' ? '!' : 'i');
    const actions = [...(screen.actions ?? [])];
    if (this.redirect && actions.length && !actions.some((a) => a.href)) actions.push({ id: 'back', label: 'back', href: this.redirect, secondary: true });
    const controls = actions.map((a) =>
      a.href
        ? el('a', { class: a.secondary ? 'btn secondary' : 'btn', href: a.href, 'data-id': a.id }, this.t(a.label))
        : el('button', { type: 'button', class: a.secondary ? 'btn secondary' : 'btn', 'data-id': a.id }, this.t(a.label)),
    );
    const heading = this.t(screen.heading);
    const parts: Node[] = [el('h1', {}, icon || null, heading), ...(screen.text ?? []).map((p) => el('p', {}, p))];
    if (screen.list) parts.push(el('ul', {}, ...screen.list.map((k) => el('li', {}, this.t(k)))));
    parts.push(...extra);
    if (controls.length) parts.push(el('div', { class: 'actions' }, ...controls));
    this.panel.replaceChildren(...parts);
    this.live.textContent = [heading, ...(screen.text ?? []), ...(screen.list ?? []).map((k) => this.t(k))].join(' ');
    controls[0]?.focus();
    return controls.filter((c) => c.tagName === 'BUTTON');
  }

  /** Shows the preview of `stream`, or with null hides it and turns the camera off. */
  private showStage(stream: MediaStream | null): void {
    if (stream && this.video.srcObject !== stream) {
      this.video.srcObject = stream;
      void this.video.play().catch(() => undefined);
    }
    if (!stream) {
      stopCamera(this.stream);
      this.video.srcObject = null;
    }
    this.stream = stream;
    this.stage.hidden = !stream;
  }

  private watchOrientation(): void {
    matchMedia(LANDSCAPE_PHONE).addEventListener('change', (e) => {
      this.alert.textContent = e.matches ? `${this.t('rotateHeading')}. ${this.t('rotateBody')}` : '';
    });
  }
}

function hintKey(hint: Hint): StringKey {
  return `hint_${hint}`;
}

function cameraScreen(problem: CameraProblem, t: Translate): Screen {
  const retry: Action[] = [{ id: 'go', label: 'tryAgain' }];
  switch (problem) {
    case 'denied':
      return { heading: 'deniedHeading', icon: 'bad', text: [t('deniedBody')], actions: retry };
    case 'missing':
      return { heading: 'missingHeading', icon: 'bad', text: [t('missingBody')], actions: retry };
    case 'busy':
      return { heading: 'busyCameraHeading', icon: 'bad', text: [t('busyCameraBody')], actions: retry };
    case 'insecure':
      return { heading: 'unsupportedHeading', icon: 'bad', text: [t('insecureBody')] };
    case 'unsupported':
      return { heading: 'unsupportedHeading', icon: 'bad', text: [t('unsupportedBody')] };
  }
}

/**
 * A constructed stylesheet (Chromium 73+, Firefox 101+, Safari 16.4+): no <style> element, so
 * the page's CSP needs no 'unsafe-inline' and an embedding page's CSP needs none either.
 */
function adoptStyles(root: ShadowRoot): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  root.adoptedStyleSheets = [sheet];
}
