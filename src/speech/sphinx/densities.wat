;; The second reading's density search (acoustic.ts frameDensities) in WebAssembly SIMD: per frame,
;; the four densities of one stream nearest the features. Two densities are scored at once, one
;; per f64 lane, each with a scalar loop's operations in its order (e = x - mean;
;; sum += (e * e) * precision, dimension 0 first), so every sum is a scalar search's to the bit;
;; the entry test and the insertion are pocketsphinx's top-N search's. The 13 dimensions are
;; written out and the frame's features held in registers; a narrower stream is padded with
;; dimensions of mean, precision and feature 0, which add exactly 0. Assembled by
;; `npm run build:wasm` (wabt) into densities-wasm.ts, which is committed; one test checks that
;; the two agree, another that the answers are a by-the-book search's.
;;
;; Memory, little-endian, byte addresses, laid out by densities-simd.ts:
;;   x:   frames x 13 f64, the stream's features
;;   mu:  pairs x 13 x 2 f64, the means of densities 2p and 2p+1 side by side
;;   pr:  the same layout, the precisions
;;   ln:  pairs x 2 f64, each density's log normaliser
;;   out: frames x 4 i32 (density indices, best first), and frames x 4 f64 (their log-likelihoods)
(module
  (memory (export "memory") 1)
  (func (export "top4")
    (param $x i32) (param $frames i32)
    (param $mu i32) (param $pr i32) (param $ln i32) (param $pairs i32)
    (param $outK i32) (param $outV i32)
    (local $frame i32) (local $p i32) (local $xrow i32) (local $m i32) (local $q i32) (local $k i32) (local $at i32)
    (local $s v128) (local $e v128) (local $sum f64) (local $lk f64) (local $v f64)
    (local $b0 f64) (local $b1 f64) (local $b2 f64) (local $b3 f64)
    (local $k0 i32) (local $k1 i32) (local $k2 i32) (local $k3 i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $x4 v128) (local $x5 v128) (local $x6 v128) (local $x7 v128) (local $x8 v128) (local $x9 v128) (local $x10 v128) (local $x11 v128) (local $x12 v128)
    (block $framesDone
      (loop $frameLoop
        (br_if $framesDone (i32.ge_u (local.get $frame) (local.get $frames)))
        (local.set $b0 (f64.const -inf)) (local.set $b1 (f64.const -inf))
        (local.set $b2 (f64.const -inf)) (local.set $b3 (f64.const -inf))
        (local.set $k0 (i32.const 0)) (local.set $k1 (i32.const 0))
        (local.set $k2 (i32.const 0)) (local.set $k3 (i32.const 0))
        (local.set $xrow (i32.add (local.get $x) (i32.mul (local.get $frame) (i32.const 104))))
        (local.set $x0 (f64x2.splat (f64.load offset=0 (local.get $xrow))))
        (local.set $x1 (f64x2.splat (f64.load offset=8 (local.get $xrow))))
        (local.set $x2 (f64x2.splat (f64.load offset=16 (local.get $xrow))))
        (local.set $x3 (f64x2.splat (f64.load offset=24 (local.get $xrow))))
        (local.set $x4 (f64x2.splat (f64.load offset=32 (local.get $xrow))))
        (local.set $x5 (f64x2.splat (f64.load offset=40 (local.get $xrow))))
        (local.set $x6 (f64x2.splat (f64.load offset=48 (local.get $xrow))))
        (local.set $x7 (f64x2.splat (f64.load offset=56 (local.get $xrow))))
        (local.set $x8 (f64x2.splat (f64.load offset=64 (local.get $xrow))))
        (local.set $x9 (f64x2.splat (f64.load offset=72 (local.get $xrow))))
        (local.set $x10 (f64x2.splat (f64.load offset=80 (local.get $xrow))))
        (local.set $x11 (f64x2.splat (f64.load offset=88 (local.get $xrow))))
        (local.set $x12 (f64x2.splat (f64.load offset=96 (local.get $xrow))))
        (local.set $m (local.get $mu))
        (local.set $q (local.get $pr))
        (local.set $p (i32.const 0))
        (block $pairsDone
          (loop $pairLoop
            (br_if $pairsDone (i32.ge_u (local.get $p) (local.get $pairs)))
            (local.set $s (f64x2.splat (f64.const 0)))
            (local.set $s (f64x2.add (local.get $s) (f64x2.mul (f64x2.mul (local.tee $e (f64x2.sub (local.get $x0) (v128.load offset=0 (local.get $m)))) (local.get $e)) (v128.load offset=0 (local.get $q)))))
            (local.set $s (f64x2.add (local.get $s) (f64x2.mul (f64x2.mul (local.tee $e (f64x2.sub (local.get $x1) (v128.load offset=16 (local.get $m)))) (local.get $e)) (v128.load offset=16 (local.get $q)))))
            (local.set $s (f64x2.add (local.get $s) (f64x2.mul (f64x2.mul (local.tee $e (f64x2.sub (local.get $x2) (v128.load offset=32 (local.get $m)))) (local.get $e)) (v128.load offset=32 (local.get $q)))))
            (local.set $s (f64x2.add (local.get $s) (f64x2.mul (f64x2.mul (local.tee $e (f64x2.sub (local.get $x3) (v128.load offset=48 (local.get $m)))) (local.get $e)) (v128.load offset=48 (local.get $q)))))
            (local.set $s (f64x2.add (local.get $s) (f64x2.mul (f64x2.mul (local.tee $e (f64x2.sub (local.get $x4) (v128.load offset=64 (local.get $m)))) (local.get $e)) (v128.load offset=64 (local.get $q)))))
            (local.set $s (f64x2.add (local.get $s) (f64x2.mul (f64x2.mul (local.tee $e (f64x2.sub (local.get $x5) (v128.load offset=80 (local.get $m)))) (local.get $e)) (v128.load offset=80 (local.get $q)))))
            (local.set $s (f64x2.add (local.get $s) (f64x2.mul (f64x2.mul (local.tee $e (f64x2.sub (local.get $x6) (v128.load offset=96 (local.get $m)))) (local.get $e)) (v128.load offset=96 (local.get $q)))))
            (local.set $s (f64x2.add (local.get $s) (f64x2.mul (f64x2.mul (local.tee $e (f64x2.sub (local.get $x7) (v128.load offset=112 (local.get $m)))) (local.get $e)) (v128.load offset=112 (local.get $q)))))
            (local.set $s (f64x2.add (local.get $s) (f64x2.mul (f64x2.mul (local.tee $e (f64x2.sub (local.get $x8) (v128.load offset=128 (local.get $m)))) (local.get $e)) (v128.load offset=128 (local.get $q)))))
            (local.set $s (f64x2.add (local.get $s) (f64x2.mul (f64x2.mul (local.tee $e (f64x2.sub (local.get $x9) (v128.load offset=144 (local.get $m)))) (local.get $e)) (v128.load offset=144 (local.get $q)))))
            (local.set $s (f64x2.add (local.get $s) (f64x2.mul (f64x2.mul (local.tee $e (f64x2.sub (local.get $x10) (v128.load offset=160 (local.get $m)))) (local.get $e)) (v128.load offset=160 (local.get $q)))))
            (local.set $s (f64x2.add (local.get $s) (f64x2.mul (f64x2.mul (local.tee $e (f64x2.sub (local.get $x11) (v128.load offset=176 (local.get $m)))) (local.get $e)) (v128.load offset=176 (local.get $q)))))
            (local.set $s (f64x2.add (local.get $s) (f64x2.mul (f64x2.mul (local.tee $e (f64x2.sub (local.get $x12) (v128.load offset=192 (local.get $m)))) (local.get $e)) (v128.load offset=192 (local.get $q)))))
            ;; density 2p, then 2p+1, in the scalar search's order: out once its sum reaches twice its
            ;; normaliser's lead over the last entry, else in after every entry at least as good
            (local.set $sum (f64x2.extract_lane 0 (local.get $s)))
            (local.set $lk (f64.load offset=0 (i32.add (local.get $ln) (i32.shl (local.get $p) (i32.const 4)))))
            (if (i32.eqz (f64.ge (local.get $sum) (f64.mul (f64.const 2) (f64.sub (local.get $lk) (local.get $b3)))))
              (then
                (local.set $v (f64.sub (local.get $lk) (f64.mul (f64.const 0.5) (local.get $sum))))
                (local.set $k (i32.add (i32.shl (local.get $p) (i32.const 1)) (i32.const 0)))
                (if (f64.gt (local.get $v) (local.get $b2))
                  (then
                    (local.set $b3 (local.get $b2)) (local.set $k3 (local.get $k2))
                    (if (f64.gt (local.get $v) (local.get $b1))
                      (then
                        (local.set $b2 (local.get $b1)) (local.set $k2 (local.get $k1))
                        (if (f64.gt (local.get $v) (local.get $b0))
                          (then
                            (local.set $b1 (local.get $b0)) (local.set $k1 (local.get $k0))
                            (local.set $b0 (local.get $v)) (local.set $k0 (local.get $k)))
                          (else (local.set $b1 (local.get $v)) (local.set $k1 (local.get $k)))))
                      (else (local.set $b2 (local.get $v)) (local.set $k2 (local.get $k)))))
                  (else (local.set $b3 (local.get $v)) (local.set $k3 (local.get $k))))))
            (local.set $sum (f64x2.extract_lane 1 (local.get $s)))
            (local.set $lk (f64.load offset=8 (i32.add (local.get $ln) (i32.shl (local.get $p) (i32.const 4)))))
            (if (i32.eqz (f64.ge (local.get $sum) (f64.mul (f64.const 2) (f64.sub (local.get $lk) (local.get $b3)))))
              (then
                (local.set $v (f64.sub (local.get $lk) (f64.mul (f64.const 0.5) (local.get $sum))))
                (local.set $k (i32.add (i32.shl (local.get $p) (i32.const 1)) (i32.const 1)))
                (if (f64.gt (local.get $v) (local.get $b2))
                  (then
                    (local.set $b3 (local.get $b2)) (local.set $k3 (local.get $k2))
                    (if (f64.gt (local.get $v) (local.get $b1))
                      (then
                        (local.set $b2 (local.get $b1)) (local.set $k2 (local.get $k1))
                        (if (f64.gt (local.get $v) (local.get $b0))
                          (then
                            (local.set $b1 (local.get $b0)) (local.set $k1 (local.get $k0))
                            (local.set $b0 (local.get $v)) (local.set $k0 (local.get $k)))
                          (else (local.set $b1 (local.get $v)) (local.set $k1 (local.get $k)))))
                      (else (local.set $b2 (local.get $v)) (local.set $k2 (local.get $k)))))
                  (else (local.set $b3 (local.get $v)) (local.set $k3 (local.get $k))))))
            (local.set $m (i32.add (local.get $m) (i32.const 208)))
            (local.set $q (i32.add (local.get $q) (i32.const 208)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $pairLoop)))
        (local.set $at (i32.add (local.get $outK) (i32.shl (local.get $frame) (i32.const 4))))
        (i32.store offset=0 (local.get $at) (local.get $k0)) (i32.store offset=4 (local.get $at) (local.get $k1))
        (i32.store offset=8 (local.get $at) (local.get $k2)) (i32.store offset=12 (local.get $at) (local.get $k3))
        (local.set $at (i32.add (local.get $outV) (i32.shl (local.get $frame) (i32.const 5))))
        (f64.store offset=0 (local.get $at) (local.get $b0)) (f64.store offset=8 (local.get $at) (local.get $b1))
        (f64.store offset=16 (local.get $at) (local.get $b2)) (f64.store offset=24 (local.get $at) (local.get $b3))
        (local.set $frame (i32.add (local.get $frame) (i32.const 1)))
        (br $frameLoop)))))
