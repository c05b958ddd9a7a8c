/**
 * The element's own styles (shadow DOM, so the embedding page's CSS neither leaks in nor out).
 * Adopted as a constructed stylesheet: no <style> element, so a strict CSP needs no
 * 'unsafe-inline'. WCAG AA contrast: text 17.4:1, buttons 6.4:1, the recording badge 6.5:1,
 * the digits on their dark plate at least 5.7:1 even over a white picture. Nothing is told by
 * colour alone: icons carry a glyph, the recording badge a word.
 */
export const CSS = `
:host { display: block; box-sizing: border-box; max-width: 28rem; margin: 0 auto; color: #1a1a1a; background: #fff;
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; }
*, *::before, *::after { box-sizing: inherit; }
[hidden] { display: none !important; }
.stage { position: relative; aspect-ratio: 3 / 4; background: #111; overflow: hidden; border-radius: 0.75rem; }
.stage video { width: 100%; height: 100%; object-fit: cover; transform: scaleX(-1); display: block; }
.oval { position: absolute; left: 20%; top: 15%; width: 60%; height: 70%; border-radius: 50%;
  border: 0.25rem dashed #fff; box-shadow: 0 0 0 100vmax rgba(0, 0, 0, 0.55); pointer-events: none; }
.stage.recording .oval { border-style: solid; border-color: #fff; }
.overlay { position: absolute; inset: 0; display: flex; flex-direction: column; align-items: center; justify-content: center;
  color: #fff; text-shadow: 0 0.1rem 0.3rem #000; pointer-events: none; text-align: center; }
.count { font-size: 5rem; font-weight: 700; }
.digits { font-size: 3.5rem; font-weight: 700; letter-spacing: 0.5em; padding-left: 0.5em; font-variant-numeric: tabular-nums;
  background: rgba(0, 0, 0, 0.6); border-radius: 0.5rem; padding: 0.25rem 0.25rem 0.25rem 0.75em; }
.rec { position: absolute; top: 0.75rem; left: 0.75rem; padding: 0.2rem 0.6rem; border-radius: 1rem; background: #b3261e; color: #fff;
  font-weight: 600; font-size: 0.9rem; }
.rec::before { content: "\\25CF\\00A0"; }
.bar { position: absolute; left: 0; bottom: 0; height: 0.5rem; width: 100%; background: rgba(255, 255, 255, 0.35); }
.bar > div { height: 100%; width: 0; background: #fff; transition: width 0.25s linear; }
.panel { padding: 1rem 0.25rem; }
h1 { font-size: 1.35rem; line-height: 1.3; margin: 0 0 0.5rem; display: flex; gap: 0.5rem; align-items: center; }
h1:focus { outline: none; }
h1 .icon { flex: none; display: inline-grid; place-items: center; width: 1.75rem; height: 1.75rem; border-radius: 50%;
  font-size: 1rem; color: #fff; background: #444; }
h1 .icon.ok { background: #146c2e; }
h1 .icon.bad { background: #b3261e; }
p { margin: 0 0 0.75rem; }
ul { margin: 0 0 1rem; padding-left: 1.25rem; }
.guide { min-height: 3em; font-weight: 600; color: #1a1a1a; }
.actions { display: flex; flex-direction: column; gap: 0.75rem; margin-top: 1rem; }
.btn { display: block; width: 100%; min-height: 3rem; padding: 0.75rem 1rem; border: 0.125rem solid #0b57d0; border-radius: 0.5rem;
  font: inherit; font-weight: 600; text-align: center; text-decoration: none; cursor: pointer; background: #0b57d0; color: #fff; }
.btn.secondary { background: #fff; color: #0b57d0; }
.btn:focus-visible { outline: 0.2rem solid #1a1a1a; outline-offset: 0.2rem; }
progress { width: 100%; height: 0.75rem; }
.sr { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.rotate { position: fixed; inset: 0; z-index: 10; display: none; flex-direction: column; align-items: center; justify-content: center;
  padding: 2rem; background: #fff; text-align: center; }
.rotate .phone { width: 2.5rem; height: 4rem; border: 0.25rem solid #1a1a1a; border-radius: 0.5rem; margin-bottom: 1rem; }
@media (orientation: landscape) and (max-height: 500px) and (pointer: coarse) { .rotate { display: flex; } }
@media (prefers-reduced-motion: no-preference) {
  .count { animation: pulse 1s ease-out infinite; }
  @keyframes pulse { from { transform: scale(1.3); opacity: 0.6; } to { transform: scale(1); opacity: 1; } }
}
@media (prefers-reduced-motion: reduce) { .bar > div { transition: none; } }
`;
