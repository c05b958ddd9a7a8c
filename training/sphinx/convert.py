"""Converts the digit part of CMU Sphinx's Mandarin model tdt_sc_8k into models/zh-digits-hmm/.

Reads the shared copy of the model (../shared/data/models/pocketsphinx_zh_tdt_sc_8k, BSD-style
licence, CMU) and keeps what checking four Mandarin digits needs: the three Gaussian codebooks,
the transition matrices, the context-independent phones (for the phone loop that tells speech
from digits) and the triphones of the digit words between silences, with the mixture weights
of their senones. Writes model.json (phones, triphones, tmats, codebook sizes) and three
little-endian binaries: means.f32 and variances.f32 (stream x density x dim) and mixw.u8
(senone x stream x density: -log weight in units of 1024 * ln(1.0001), 255 = never). Run with
Debian's python3 (numpy) and pocketsphinx (pocketsphinx_mdef_convert).
"""
import argparse, json, os, struct, subprocess, tempfile
import numpy as np

WORDS = {  # the pronunciations of the model's README, in its phone set
    '0': [['l', 'ing']], '1': [['y', 'i'], ['y', 'ao']], '2': [['es', 'er']], '3': [['s', 'an']],
    '4': [['s', 'if']], '5': [['w', 'u']], '6': [['l', 'iu']], '7': [['q', 'i']], '8': [['b', 'a']],
    '9': [['j', 'iu']],
}


def s3_floats(path):
    """Sphinx-3 binary float file: header to 'endhdr', byte-order magic, int32 dims, float32 data."""
    b = open(path, 'rb').read()
    i = b.index(b'endhdr\n') + 7
    order = '<' if struct.unpack_from('<I', b, i)[0] == 0x11223344 else '>'
    return b, i + 4, order


def gauden(path):
    b, o, e = s3_floats(path)
    n_mgau, n_feat, n_den = struct.unpack_from(e + '3i', b, o); o += 12
    veclen = struct.unpack_from(e + f'{n_feat}i', b, o); o += 4 * n_feat
    total = struct.unpack_from(e + 'i', b, o)[0]; o += 4
    data = np.frombuffer(b, dtype=e + 'f4', count=total, offset=o)
    assert n_mgau == 1 and total == n_den * sum(veclen)
    out, at = [], 0
    for f in range(n_feat):
        out.append(data[at:at + n_den * veclen[f]].reshape(n_den, veclen[f])); at += n_den * veclen[f]
    return out


def tmats(path):
    b, o, e = s3_floats(path)
    n, rows, cols, total = struct.unpack_from(e + '4i', b, o); o += 16
    return np.frombuffer(b, dtype=e + 'f4', count=total, offset=o).reshape(n, rows, cols)


def sendump(path):
    """4-bit clustered mixture weights: centroids (uint8) and a nibble index per senone."""
    b = open(path, 'rb').read()
    e = '>' if struct.unpack_from('<i', b, 0)[0] > 999 else '<'
    o, head = 0, {}
    while True:
        n = struct.unpack_from(e + 'i', b, o)[0]; o += 4
        if n == 0:
            break
        s = b[o:o + n].rstrip(b'\0').decode(); o += n
        k, _, v = s.partition(' ')
        head[k] = v
    n_feat, n_den, n_sen = int(head['feature_count']), int(head['mixture_count']), int(head['model_count'])
    n_clust, bits = int(head['cluster_count']), int(head['cluster_bits'])
    assert bits == 4 and int(head['mixw_shift']) == 10 and head['logbase'] == '1.0001'
    # pocketsphinx reads a 16-entry codebook right after the header (cluster_count says 15; the
    # 16th entry is the weight of index 15), then one row of nibbles per stream and Gaussian,
    # the even senone in the low nibble (s2_semi_mgau.c); the file ends exactly there.
    cb = np.frombuffer(b, dtype=np.uint8, count=16, offset=o); o += 16
    packed = np.frombuffer(b, dtype=np.uint8, count=n_feat * n_den * ((n_sen + 1) // 2), offset=o)
    assert o + packed.size == len(b), (o, packed.size, len(b))
    packed = packed.reshape(n_feat, n_den, (n_sen + 1) // 2)
    idx = np.empty((n_feat, n_den, packed.shape[2] * 2), dtype=np.uint8)
    idx[:, :, 0::2] = packed & 0x0F
    idx[:, :, 1::2] = packed >> 4
    idx = idx[:, :, :n_sen]
    table = cb
    mixw = table[idx].transpose(2, 0, 1)  # senone x stream x density
    sums = np.exp(-mixw.astype(np.float64) * 1024 * np.log(1.0001)).sum(axis=2)
    assert 0.8 < np.median(sums) < 1.25, f'mixture weights do not sum to 1 (median {np.median(sums)}): layout misread'
    return mixw


def mdef(path):
    with tempfile.TemporaryDirectory() as d:
        txt = os.path.join(d, 'mdef.txt')
        subprocess.run(['pocketsphinx_mdef_convert', '-text', path, txt], check=True, capture_output=True)
        rows = []
        for line in open(txt):
            f = line.split()
            if len(f) == 10 and f[-1] == 'N':
                rows.append(f)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', default=os.path.join(os.path.dirname(__file__), '../../../shared/data/models/pocketsphinx_zh_tdt_sc_8k'))
    ap.add_argument('--out', default=os.path.join(os.path.dirname(__file__), '../../models/zh-digits-hmm'))
    a = ap.parse_args()
    rows = mdef(os.path.join(a.model, 'mdef'))
    # The word models the decoder builds (src/speech/sphinx/decode.ts): each digit's first phone
    # after silence and before its second, the second after the first and before silence.
    pairs = {tuple(pr) for prons in WORDS.values() for pr in prons}
    wanted = {f'{a} SIL {b} b' for a, b in pairs} | {f'{b} {a} SIL e' for a, b in pairs}
    ci = [r for r in rows if r[1] == '-']
    tri = [r for r in rows if r[1] != '-' and ' '.join(r[:4]) in wanted]
    assert len(tri) == len(wanted), f'{len(wanted) - len(tri)} word triphones missing from the model'
    used = sorted({int(s) for r in ci + tri for s in r[6:9]})
    remap = {s: i for i, s in enumerate(used)}
    mixw = sendump(os.path.join(a.model, 'sendump'))[used]
    means = gauden(os.path.join(a.model, 'means'))
    variances = gauden(os.path.join(a.model, 'variances'))
    # Stored unnormalised; pocketsphinx normalises each row and floors its non-zero entries.
    tm = tmats(os.path.join(a.model, 'transition_matrices'))
    tm = tm / tm.sum(axis=2, keepdims=True)
    tm = np.where(tm > 0, np.maximum(tm, 1e-4), 0)
    phone = lambda r: {'tmat': int(r[5]), 'senones': [remap[int(s)] for s in r[6:9]]}
    model = {
        'source': 'CMU Sphinx tdt_sc_8k (Mandarin, 8 kHz, semi-continuous), converted by training/sphinx/convert.py',
        'sampleRate': 8000,
        'frontEnd': {'nfilt': 20, 'lowerf': 1, 'upperf': 4000, 'wlen': 0.025, 'frate': 100, 'nfft': 256, 'ncep': 13, 'alpha': 0.97},
        'streams': [m.shape[1] for m in means], 'densities': means[0].shape[0], 'senones': len(used),
        'mixwUnit': 1024 * float(np.log(1.0001)),
        'words': WORDS,
        'ci': {r[0]: phone(r) for r in ci},
        'triphones': {f'{r[0]} {r[1]} {r[2]} {r[3]}': phone(r) for r in tri},
        'tmats': [[[float(x) for x in row] for row in m] for m in tm],
    }
    os.makedirs(a.out, exist_ok=True)
    json.dump(model, open(os.path.join(a.out, 'model.json'), 'w'), separators=(',', ':'))
    np.concatenate([m.ravel() for m in means]).astype('<f4').tofile(os.path.join(a.out, 'means.f32'))
    np.concatenate([v.ravel() for v in variances]).astype('<f4').tofile(os.path.join(a.out, 'variances.f32'))
    np.ascontiguousarray(mixw).astype(np.uint8).tofile(os.path.join(a.out, 'mixw.u8'))
    print(f'{len(ci)} CI phones, {len(tri)} triphones, {len(used)} senones -> {a.out}')


if __name__ == '__main__':
    main()
